import Benchmark
import Foundation
import Inference

/// Inference at batch 1 on the parity fixtures' benchmark-size models (weights from the real libraries):
/// - TCN: locuslab `TCN(16 inputs, num_channels [32, 32, 32, 32], kernel_size 3)` + 3-way head,
///   ≈ 23.6 k multiply-adds per streaming step (receptive field 61), window 64 (≈ 1.5 M for the full window);
/// - TabNet: `TabNetClassifier(input_dim 32, n_d = n_a = 8, n_steps 3, n_shared = n_independent = 2)`, sparsemax,
///   3 classes, ≈ 11 k multiply-adds, masks written;
/// - PPO: SB3 `MlpPolicy(obs 24, net_arch [64, 32], Tanh)`, Discrete(3): actor ≈ 3.7 k, actor + critic ≈ 7.3 k.
/// Budgets (DESIGN.md): TCN step ≤ 2 µs, TabNet ≤ 3 µs, PPO ≤ 1 µs; 0 mallocs and 0 retains per inference.
/// `Tuning/models/bench_onnxruntime.py` times ONNX Runtime on the same models for the ratio.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(1)
    Benchmark.defaultConfiguration.maxIterations = 100_000
    let hot = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .retainCount, .releaseCount],
        thresholds: [.mallocCountTotal: .init(absolute: [.p100: 0]), .retainCount: .init(absolute: [.p100: 0]),
                     .releaseCount: .init(absolute: [.p100: 0])])

    Benchmark("TCNStreamingStep", configuration: hot) { benchmark in
        let m = Models.tcn, x = Models.inputs
        let logits = Models.output
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // SAFETY: inputs hold 256 rows of 64 floats; logits holds 64 floats.
            m.pointee.step(x + (i & 255) * 64, logits: logits)
            i &+= 1
        }
        blackHole(logits[0])
    }

    Benchmark("TCNFullWindow64", configuration: hot) { benchmark in
        let m = Models.tcn, x = Models.window
        let logits = Models.output
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            m.pointee.forward(window: x, steps: 64, logits: logits)
        }
        blackHole(logits[0])
    }

    // The engine's path: the Signals stage needs the prediction, not the attention masks.
    Benchmark("TabNetPredict", configuration: hot) { benchmark in
        let m = Models.tabnet, x = Models.inputs
        let logits = Models.output
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            m.pointee.predict(x + (i & 255) * 64, logits: logits, masks: nil)
            i &+= 1
        }
        blackHole(logits[0])
    }

    // The engine's default bundle (57 features, the RegimeScalper's regime model) on its own
    // reference rows (recorded features, normalized inside the model as in the pipeline).
    Benchmark("TabNetPredictDefaultBundle", configuration: hot) { benchmark in
        predictDefaultTabNet(benchmark, rows: Models.defaultTabNetRows, count: Models.defaultTabNetRowCount, width: Models.defaultTabNetWidth)
    }

    // The same bundle on 4 096 feature rows the engine computes from the real USD-M capture
    // (`RealFeatureRows`): masks, sparsemax supports and branches vary as they do in `hft bench`,
    // where the three reference rows above repeat (friendlier to the branch predictor).
    Benchmark("TabNetPredictDefaultBundleRealFeatures", configuration: hot) { benchmark in
        guard let (x, rows, width) = Models.realFeatureRows else { return }
        precondition(width == Models.defaultTabNetWidth, "the capture's feature rows must match the bundle's schema")
        predictDefaultTabNet(benchmark, rows: x, count: rows, width: width)
    }

    Benchmark("TabNetPredictWithMasks", configuration: hot) { benchmark in
        let m = Models.tabnet, x = Models.inputs
        let logits = Models.output, masks = Models.masks
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            m.pointee.predict(x + (i & 255) * 64, logits: logits, masks: masks)
            i &+= 1
        }
        blackHole(masks[0])
    }

    Benchmark("PPOActorCritic", configuration: hot) { benchmark in
        let m = Models.ppo, x = Models.inputs
        let head = Models.output
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let v = m.pointee.evaluate(x + (i & 255) * 64, head: head)
            blackHole(m.pointee.discreteAction(head))
            blackHole(v)
            i &+= 1
        }
    }

    Benchmark("PPOActorOnly", configuration: hot) { benchmark in
        let m = Models.ppo, x = Models.inputs
        let head = Models.output
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            m.pointee.actionHead(x + (i & 255) * 64, into: head)
            blackHole(m.pointee.discreteAction(head))
            i &+= 1
        }
    }
}

/// The models and buffers, built once (cold) and reached through plain pointers so the measured loops
/// touch no reference counts and no exclusivity checks.
// SAFETY: nonisolated(unsafe) on every pointer below: package-benchmark runs one benchmark at a time on
// one thread, so the pointees are never accessed concurrently.
enum Models {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/InferenceTests/Fixtures").standardized.path

    static func config(_ name: String, _ arch: ModelArch) -> ModelBundleConfig {
        let data = FileManager.default.contents(atPath: "\(fixtures)/\(name).params.json")!
        return try! ModelBundleConfig.fromParamsFile(arch: arch, json: data)
    }

    static func weights(_ name: String) -> SafeTensorsFile {
        try! SafeTensorsFile(path: "\(fixtures)/\(name).safetensors")
    }

    nonisolated(unsafe) static let tcn: UnsafeMutablePointer<TCNModel> = {
        let p = UnsafeMutablePointer<TCNModel>.allocate(capacity: 1)
        p.initialize(to: try! TCNModel(params: config("tcn", .tcn).decodeParams(TCNParams.self), weights: weights("tcn"), maxWindow: 64))
        return p
    }()

    nonisolated(unsafe) static let tabnet: UnsafeMutablePointer<TabNetModel> = {
        let p = UnsafeMutablePointer<TabNetModel>.allocate(capacity: 1)
        p.initialize(to: try! TabNetModel(params: config("tabnet_sparsemax", .tabnet).decodeParams(TabNetParams.self), weights: weights("tabnet_sparsemax")))
        return p
    }()

    static let defaultTabNetDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Strategies/RegimeScalper/models/tabnet").standardized.path

    nonisolated(unsafe) static let defaultTabNet: UnsafeMutablePointer<TabNetModel> = {
        let p = UnsafeMutablePointer<TabNetModel>.allocate(capacity: 1)
        p.initialize(to: try! TabNetModel(bundle: try! ModelBundle(directory: defaultTabNetDirectory)))
        return p
    }()

    static let defaultTabNetInput = try! NpyArray(contentsOf: "\(defaultTabNetDirectory)/reference_input.npy")
    static let defaultTabNetWidth = defaultTabNetInput.shape.last!
    static let defaultTabNetRowCount = defaultTabNetInput.count / defaultTabNetWidth

    /// The reference rows, padded to a multiple of 8 floats at the end (the model reads `width`).
    nonisolated(unsafe) static let defaultTabNetRows: UnsafeMutablePointer<Float> = {
        let values = defaultTabNetInput.floats
        let p = UnsafeMutablePointer<Float>.allocate(capacity: values.count + 8)
        p.initialize(repeating: 0, count: values.count + 8)
        for (k, v) in values.enumerated() { p[k] = v }
        return p
    }()

    /// Real feature rows for the default bundle (nil without the capture).
    nonisolated(unsafe) static let realFeatureRows: (UnsafeMutablePointer<Float>, Int, Int)? = {
        guard let r = RealFeatureRows.load() else { return nil }
        print("InferenceBenchmarks: \(r.count) real feature rows of \(r.width) from the USD-M capture")
        return (r.rows, r.count, r.width)
    }()

    nonisolated(unsafe) static let ppo: UnsafeMutablePointer<PPOPolicy> = {
        let p = UnsafeMutablePointer<PPOPolicy>.allocate(capacity: 1)
        p.initialize(to: try! PPOPolicy(params: config("ppo_discrete", .ppo).decodeParams(PPOParams.self), weights: weights("ppo_discrete")))
        return p
    }()

    /// 256 rows of 64 pseudo-random features (each model reads its first 16/24/32).
    nonisolated(unsafe) static let inputs: UnsafeMutablePointer<Float> = {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 256 * 64)
        var s: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<(256 * 64) {
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            p[i] = Float(Int64(bitPattern: s >> 11) % 4000) / 1000 - 2
        }
        return p
    }()

    /// One (16 features, 64 steps) window.
    nonisolated(unsafe) static let window: UnsafeMutablePointer<Float> = inputs

    nonisolated(unsafe) static let output = UnsafeMutablePointer<Float>.allocate(capacity: 64)
    nonisolated(unsafe) static let masks = UnsafeMutablePointer<Float>.allocate(capacity: 3 * 32)
}

/// The default TabNet bundle on `count` rows of `width` floats at `rows`, one row per iteration in turn.
func predictDefaultTabNet(_ benchmark: Benchmark, rows x: UnsafeMutablePointer<Float>, count rows: Int, width: Int) {
    let m = Models.defaultTabNet, logits = Models.output
    var i = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        m.pointee.predict(x + (i % rows) * width, logits: logits, masks: nil)
        i &+= 1
    }
    blackHole(logits[0])
}
