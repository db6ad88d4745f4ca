import ArgumentParser
import Engine
import Foundation
import HFTRuntime
import HFTTelemetry

/// `hft bench`: latency benchmarks. `pipeline` (default): the whole stack on a capture at a fixed
/// offered rate; `runtime`: pinned threads and rings only.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Latency benchmarks: the full pipeline at a fixed offered rate, or the runtime alone.",
        subcommands: [PipelineBenchCommand.self, RuntimeBenchCommand.self],
        defaultSubcommand: PipelineBenchCommand.self
    )
}

/// `hft bench pipeline --config F --capture PATH --rate N`.
struct PipelineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Feeds a capture at a fixed rate through Book → Signals → Strategy → Execution (paper venue) on the configured topology.",
        discussion: """
            The source (on the feed thread) offers frame i at start + i/rate and stamps it with that intended time,
            so every hop after it, and tick→order, are measured from when the frame should have arrived
            (coordinated omission corrected: a stalled stage shows up as latency, not as fewer samples).
            The websocket itself is not in this path; its loopback cost is measured by TransportBenchmarks.
            """
    )

    @Option(help: "Engine config (JSON).") var config: String
    @Option(help: "Capture files to offer (default: the bundled demo excerpt).") var capture: [String] = []
    @Option(help: "Offered frames per second.") var rate: Int = 20_000
    @Option(help: "Idle strategy of the pipeline threads (busySpin, spinYield, backoff; default: the topology's).") var idle: String?
    @Option(help: "Write the report as JSON.") var json: String?
    @Option(help: "Write the percentile plot as SVG.") var svg: String?

    func run() async throws {
        var cfg: EngineConfig
        do { cfg = try EngineConfig.load(path: config) } catch { throw ValidationError("\(error)") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        let captures = capture.isEmpty ? [DemoCommand.defaultData] : capture
        cfg.mode = .paper
        // The source is the load generator: it spins on its own thread so that its lateness does not
        // land on the system under test (its lateness is reported below).
        for k in cfg.topology.threads.indices {
            if cfg.topology.threads[k].stages.contains("feed") {
                cfg.topology.threads[k].idle = .busySpin
            } else if let idle {
                guard let strategy = IdleStrategyConfig(name: idle) else { throw ValidationError("unknown idle strategy \(idle)") }
                cfg.topology.threads[k].idle = strategy
            }
        }
        let engine = try TradingEngine(config: cfg, captures: captures, pacedRate: rate)
        print(EngineOutput.header(engine, what: "hft bench pipeline: \(captures.joined(separator: " ")) at \(rate) frames/s offered"))
        fflush(nil)
        try engine.start()
        try await engine.waitForReplay()
        let late = await engine.replaySource?.lateFrames ?? 0
        let r = await engine.shutdown()
        let report = engine.latencyReport(title: "hft bench pipeline, \(rate) frames/s offered, \(cfg.topologyProfile) topology")
        print(report.text())
        print(r.text())
        print("offered \(engine.replaySource?.frameCount ?? 0) frames; \(late) were offered more than one period late (the source could not keep the rate)")
        try EngineOutput.write(report, json: json, svg: svg)
    }
}
