import Analytics
import Benchmark
import Engine
import Foundation
import Inference
import RegimeScalperCore
import StrategyABI

/// Strategy plugin costs, per tick, batches of 1000 calls (`.kilo`: values are per call):
/// - `ABIOnTick.TouchQuoter`: `StrategyInstance.onTick` into the dlopen'ed C example (a tick that
///   emits nothing): the cost of crossing the C ABI plus a trivial decision.
/// - `ABIOnTick.RegimeScalper`: the same into the dlopen'ed Swift RegimeScalper: classification,
///   fallback signal and exit checks on a varying feature path (ABI + decision).
/// - `RegimeScalperCore.decision`: the RegimeScalper decision linked directly (no ABI), same path.
/// - `ABIOnTick.RegimeScalper.ppo`: the same with all three models: TCN/TabNet outputs in the view
///   (valid on alternate ticks so both paths run) and the default PPO bundle
///   (`Strategies/RegimeScalper/models/ppo`) evaluated through `host.ppo_evaluate` for size and timing
///   on every entry candidate (entry timeout 1 ns, so a candidate arises on most ticks).
/// The first two run without the PPO policy (`usePPO` false).
/// 0 mallocs and 0 retains/releases per call are enforced by thresholds.
///
/// The plugins are found next to this executable: build them in release first, e.g.
/// `swift build -c release --scratch-path .build-plugins --product TouchQuoter` (and `--product RegimeScalper`),
/// or point `HFT_PLUGIN_DIR` at a directory holding `libTouchQuoter.so` and `libRegimeScalper.so`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(1)
    Benchmark.defaultConfiguration.maxIterations = 20_000
    let hot = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .retainCount, .releaseCount], scalingFactor: .kilo,
        thresholds: [.mallocCountTotal: .init(absolute: [.p100: 0]), .retainCount: .init(absolute: [.p100: 0]),
                     .releaseCount: .init(absolute: [.p100: 0])])

    // Everything (plugin loads, JSON configs, strings) is set up here, before package-benchmark installs its
    // retain hooks: under Swift 6.3 on Linux the hook path crashes on some String copies (ordo-one/benchmark#349).
    let fixture = TickFixture()

    Benchmark("ABIOnTick.TouchQuoter", configuration: hot) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            fixture.advance()
            blackHole(fixture.touch.onTick(fixture.view, fixture.buffer))
        }
    }

    Benchmark("ABIOnTick.RegimeScalper", configuration: hot) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            fixture.advance()
            blackHole(fixture.scalper.onTick(fixture.view, fixture.buffer))
        }
    }

    Benchmark("ABIOnTick.RegimeScalper.ppo", configuration: hot) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            fixture.advance()
            blackHole(fixture.scalperPPO.onTick(fixture.view, fixture.buffer))
        }
    }

    Benchmark("RegimeScalperCore.decision", configuration: hot) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            fixture.advance()
            blackHole(fixture.core.onTick(fixture.view, fixture.buffer))
        }
    }
}

/// A crafted tick stream: the default schema's vector with regime inputs and signals that vary per
/// tick (a sine path), book 100.00/100.01, models valid on alternate ticks.
// SAFETY: package-benchmark runs one benchmark at a time on one thread; nothing else touches the fixture.
final class TickFixture: @unchecked Sendable {
    let schema: FeatureSchema
    let features: UnsafeMutablePointer<Double>
    let view: UnsafeMutablePointer<hft_market_view>
    let buffer: UnsafeMutablePointer<hft_intent_buffer>
    let items: UnsafeMutablePointer<hft_intent>
    let services: StrategyHostServices
    let rv, er, ofi: Int
    var step = 0
    var touch: StrategyInstance
    var scalper: StrategyInstance
    var scalperPPO: StrategyInstance
    let ppoServices: StrategyHostServices
    var core: RegimeScalperCore

    init() {
        let c = AnalyticsConfig()
        schema = FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0).1
        features = .allocate(capacity: schema.count)
        features.initialize(repeating: 0, count: schema.count)
        features[schema.index(of: "mid")!] = 100.005
        features[schema.index(of: "microprice")!] = 100.006
        rv = schema.index(of: "rv_percentile")!
        er = schema.index(of: "efficiency_ratio")!
        ofi = schema.index(of: "ofi_depth_normalized")!
        view = .allocate(capacity: 1)
        view.initialize(to: hft_market_view())
        view.pointee.bid_count = 1
        view.pointee.ask_count = 1
        view.pointee.tick = 1
        view.pointee.price_places = 2
        view.pointee.position_limit = 100
        view.pointee.bids.0 = hft_level(price: 10_000, quantity: 50)
        view.pointee.asks.0 = hft_level(price: 10_001, quantity: 50)
        view.pointee.features = UnsafePointer(features)
        view.pointee.feature_count = UInt32(schema.count)
        items = .allocate(capacity: 16)
        buffer = .allocate(capacity: 1)
        buffer.initialize(to: hft_intent_buffer(items: items, capacity: 16, count: 0))
        let services = StrategyHostServices(featureNames: schema.names, policy: nil)
        self.services = services
        touch = TickFixture.instance("TouchQuoter", config: #"{"ofi_threshold": 10, "quantity": 1}"#, schema: schema, services: services)
        scalper = TickFixture.instance("RegimeScalper", config: #"{"usePPO": false}"#, schema: schema, services: services)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        do {
            let policy = try PPOPolicy(bundle: try ModelBundle(directory: "\(root)/Strategies/RegimeScalper/models/ppo"))
            ppoServices = StrategyHostServices(featureNames: schema.names, policy: policy)
        } catch {
            fatalError("the default PPO bundle: \(error)")
        }
        scalperPPO = TickFixture.instance("RegimeScalper", config: #"{"usePPO": true, "entryTimeoutNanos": 1, "entryThreshold": 0.2}"#,
                                          schema: schema, services: ppoServices)
        var config = RegimeScalperConfig()
        config.usePPO = false
        let s = schema
        let indices = try! ScalperFeatureIndices.resolve(hmmState: 1) { n in Int32(s.index(of: n) ?? -1) }.get()
        core = RegimeScalperCore(config: config, indices: indices, host: hft_host_api())
    }

    /// Loads `lib<product>.so` and creates an instance (cold; traps with instructions when missing).
    static func instance(_ product: String, config: String, schema: FeatureSchema, services: StrategyHostServices) -> StrategyInstance {
        let dir = ProcessInfo.processInfo.environment["HFT_PLUGIN_DIR"]
            ?? URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
                .deletingLastPathComponent().path
        do {
            let plugin = try StrategyPlugin(path: "\(dir)/lib\(product).so", featureSchemaId: schema.id)
            return try StrategyInstance(plugin: plugin, config: config, services: services)
        } catch {
            fatalError("\(error) — build it first: swift build -c release --product \(product) (same scratch path), or set HFT_PLUGIN_DIR")
        }
    }

    /// The next tick: a slow sine through the regime bands and a faster one for the signal.
    @inline(__always)
    func advance() {
        step &+= 1
        let x = Double(step & 1023) / 1024
        // SAFETY: indices come from the schema the vector was allocated for.
        features[rv] = 0.5 + 0.45 * sin(x * 2 * .pi)
        features[er] = 0.5 + 0.45 * cos(x * 2 * .pi)
        features[ofi] = sin(Double(step & 63) / 10)
        view.pointee.sequence = UInt64(step)
        view.pointee.now_ns = Int64(step) &* 1_000_000
        view.pointee.model_valid = step & 1 == 0 ? 3 : 0
        view.pointee.model_outputs.0 = Float(features[ofi]) * 0.001
        view.pointee.model_outputs.1 = -Float(features[ofi]) * 0.001
        view.pointee.position = 0
    }
}
