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
    @Option(help: "Independent runs over the capture, their histograms merged (more orders, so real p99 and p99.9 of tick→order).") var runs: Int = 1
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
        guard runs >= 1 && runs <= 1_000 else { throw ValidationError("--runs must be in 1...1000") }
        let title = "hft bench pipeline, \(rate) frames/s offered, \(cfg.topologyProfile) topology" + (runs > 1 ? ", \(runs) runs merged" : "")
        var merged: TelemetryReport?
        var lastText = ""
        var offered = 0
        var late = 0
        for run in 1...runs {
            // A fresh engine per run (its journal is recreated), so every run starts cold and alike.
            let engine = try TradingEngine(config: cfg, captures: captures, pacedRate: rate)
            if run == 1 { print(EngineOutput.header(engine, what: "hft bench pipeline: \(captures.joined(separator: " ")) at \(rate) frames/s offered")) }
            fflush(nil)
            try engine.start()
            try await engine.waitForReplay()
            late += await engine.replaySource?.lateFrames ?? 0
            offered += engine.replaySource?.frameCount ?? 0
            let r = await engine.shutdown()
            let report = engine.latencyReport(title: title)
            if runs > 1, let t2o = report.hops.first(where: { $0.name == "tick→order" })?.histogram {
                let p = t2o.valuesAtPercentiles([50, 99])
                print("run \(run)/\(runs): \(t2o.count) orders, tick→order p50 \(LatencyFormat.string(nanoseconds: p[0])), p99 \(LatencyFormat.string(nanoseconds: p[1]))")
                fflush(nil)
            }
            if merged == nil { merged = report } else { merged!.merge(report) }
            lastText = r.text()
        }
        guard let report = merged else { return }
        print(report.text())
        print(runs > 1 ? "last run:\n" + lastText : lastText)
        print("offered \(offered) frames; \(late) were offered more than one period late (the source could not keep the rate)")
        try EngineOutput.write(report, json: json, svg: svg)
    }
}
