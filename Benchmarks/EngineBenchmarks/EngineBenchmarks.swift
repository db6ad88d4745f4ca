import Benchmark
import Engine
import Foundation
import HFTTestSupport

/// The whole engine hot path, one duty cycle per iteration, on the benchmark thread:
/// `ReplaySource` (64 frames of the real Binance USD-M ETHUSDT capture) → Book stage (decode, sync,
/// exact book, top-20 change publication) → Signals (mirror, features, order flow, volume profile,
/// TCN + TabNet when the default bundles are present) → Strategy (RegimeScalper through the C ABI,
/// PPO through the host API) → Execution (risk gate, journal, paper venue on the mirrored book).
/// `TradingEngine.step()` enters each stage with `withPinnedIsolation`, exactly as the duty cycle
/// of a pinned thread does. 0 retains/releases per cycle (every cycle) and 0 mallocs (p99) are
/// enforced by thresholds: the "hot path allocates nothing" proof for the engine as wired, not for a
/// part of it. The malloc counter is process-wide and a 100 µs iteration sometimes catches one
/// malloc of package-benchmark's own sampling thread (p100 = 1 in 1 of 1000 runs here); a gdb
/// breakpoint on malloc/calloc/realloc/posix_memalign/swift_slowAlloc limited to the pipeline thread
/// over a whole `hft replay` of the demo excerpt hits only control-plane jobs, never the duty cycle.
///
/// Needs `libRegimeScalper.so` next to this executable (`swift build -c release --product
/// RegimeScalper` with the same scratch path) or `HFT_PLUGIN_DIR`, and `../shared/data/market`
/// (or `HFT_MARKET_DATA`).
let benchmarks: @Sendable () -> Void = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let env = ProcessInfo.processInfo.environment
    let data = MarketDataDirectory.path
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let plugins = env["HFT_PLUGIN_DIR"] ?? (exe as NSString).deletingLastPathComponent
    let models = "\(root)/Strategies/RegimeScalper/models"
    let haveModels = FileManager.default.fileExists(atPath: "\(models)/tcn/config.json")
    let journal = NSTemporaryDirectory() + "hft-engine-bench-\(getpid()).journal"
    let config = """
    {"mode": "replay",
     "venue": {"name": "binance-usdm", "instruments": {"ETHUSDT": {"tick": "0.01", "lot": "0.001", "priceDecimals": 2, "quantityDecimals": 3}}},
     \(haveModels ? #""models": {"tcn": "\#(models)/tcn", "tabnet": "\#(models)/tabnet", "ppo": "\#(models)/ppo"},"# : "")
     "strategy": {"plugin": "\(plugins)/libRegimeScalper.so", "symbol": "ETHUSDT"},
     "risk": {"maxPosition": "0.050"},
     "journal": {"path": "\(journal)"},
     "control": {"enabled": false}}
    """
    // Built before package-benchmark installs its hooks (no strings are copied while measuring).
    let engine: TradingEngine
    do {
        let parsed = try EngineConfig.parse(Data(config.utf8))
        engine = try TradingEngine(config: parsed, captures: ["\(data)/binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
        try engine.adoptCallingThread()
        // The engine holds the journal open and mapped; its name is not needed again, and a
        // benchmark process ends without closing it, so the name goes now (nothing left in $TMPDIR).
        unlink(journal)
        // Past the REST snapshot (1000 levels per side) and the first ticks: the steady state.
        for _ in 0..<20 { _ = engine.step() }
    } catch {
        fatalError("EngineBenchmarks setup: \(error)")
    }

    let hot = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .retainCount, .releaseCount, .throughput],
        timeUnits: .microseconds, warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 1000,
        thresholds: [.mallocCountTotal: .init(absolute: [.p99: 0]), .retainCount: .init(absolute: [.p100: 0]),
                     .releaseCount: .init(absolute: [.p100: 0])])

    Benchmark(haveModels ? "Pipeline.DutyCycle64Frames.models" : "Pipeline.DutyCycle64Frames", configuration: hot) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(engine.step()) }
    }
}
