import ArgumentParser
import Engine
import Foundation
import HFTTelemetry
import Synchronization
import Venues

private let runInterrupted = Atomic<Bool>(false)

/// `hft run --config FILE`: the full pipeline on live data (paper or live venue).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs the trading pipeline on live market data (paper or live venue) until Ctrl-C / SIGTERM or --duration.",
        discussion: """
            Feed (websocket) → Book → Signals (features, models) → Strategy (plugin) → Execution (risk, journal, venue).
            A control endpoint on 127.0.0.1 serves GET /metrics /status and POST /mode /kill /plugins/swap
            (POSTs need the bearer token: config control.tokenEnv or control.tokenFile, else one is generated
            into out/control.token with mode 0600). On SIGINT/SIGTERM: stop intents, cancel working orders,
            flush the journal, print the report.
            """
    )

    @Option(help: "Engine config (JSON; see the README's config reference).") var config: String
    @Option(help: "Stop after this many seconds (default: until SIGINT/SIGTERM).") var duration: Double?
    @Option(help: "Write the latency report as JSON.") var json: String?
    @Option(help: "Write the latency percentile plot as SVG.") var svg: String?
    @Option(help: "Write the run report (orders, fills, PnL, journal digest) as JSON.") var report: String?

    func run() async throws {
        let cfg: EngineConfig
        do { cfg = try EngineConfig.load(path: config) } catch { throw ValidationError("\(error)") }
        guard cfg.mode != .replay else { throw ValidationError("mode replay: use hft replay CAPTURE... --config \(config)") }
        let engine = try TradingEngine(config: cfg)
        print(EngineOutput.header(engine, what: "hft run: \(cfg.mode.rawValue), \(cfg.venue.name) \(cfg.strategy.symbol)"))
        try engine.start()
        let monitor = EngineMonitor()
        await monitor.start(engine)
        var endpoint: ControlEndpoint? = nil
        if cfg.control.enabled {
            let token = try cfg.control.token ?? EngineOutput.generateToken(at: "out/control.token")
            let e = try ControlEndpoint(port: cfg.control.port, token: token, handlers: engine.controlHandlers(monitor: monitor))
            try e.start()
            endpoint = e
            print("control: http://127.0.0.1:\(e.port)/metrics /status; POST /mode /kill /plugins/swap with the token (\(cfg.control.token == nil ? "out/control.token" : cfg.control.tokenSource))")
        }
        // Capture: a second connection records the raw frames and REST snapshots (our capture format).
        var recording: Task<RecordingSummary?, Never>? = nil
        if let path = cfg.capturePath, let feedConfig = engine.feed?.config {
            let recorder = try FeedRecorder(config: feedConfig, path: path)
            recording = Task.detached { try? await recorder.run(seconds: nil, shouldStop: { runInterrupted.load(ordering: .relaxed) }) }
            print("capture: recording \(feedConfig.symbols.joined(separator: ",")) to \(path)")
        }
        fflush(nil)
        signal(SIGINT) { _ in runInterrupted.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in runInterrupted.store(true, ordering: .relaxed) }
        let started = ContinuousClock.now
        // ORDERING: relaxed; a flag polled every 50 ms.
        while !runInterrupted.load(ordering: .relaxed) {
            if let duration, ContinuousClock.now - started >= .milliseconds(Int64(duration * 1000)) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        runInterrupted.store(true, ordering: .relaxed)
        print("hft run: stopping (intents stopped, cancelling working orders, flushing the journal)")
        if let summary = await recording?.value { print("capture: \(summary.frames) frames, \(summary.snapshots) snapshots") }
        await monitor.stop()
        endpoint?.stop()
        let r = await engine.shutdown()
        let latency = EngineOutput.latencyReport(engine, title: "hft run \(cfg.mode.rawValue) \(cfg.strategy.symbol)",
                                                 rate: "the venue's own pace (\(cfg.venue.name) \(cfg.mode.rawValue))")
        print(latency.text())
        print(r.text())
        try EngineOutput.write(latency, json: json, svg: svg)
        if let report {
            try EngineOutput.ensureDirectory(report)
            try r.deterministicJSON().write(to: URL(fileURLWithPath: report))
            print("wrote \(report)")
        }
    }
}
