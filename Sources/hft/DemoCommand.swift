import ArgumentParser
import Engine
import Foundation
import HFTPrimitives
import Simulator

/// `hft demo`: the README demo: `hft sim` on bundled real data + `hft run` in paper mode.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Starts the exchange simulator on the bundled capture and trades it in paper mode with RegimeScalper and the default models.",
        discussion: """
            The simulator (libwebsockets server on 127.0.0.1) replays the bundled excerpt of a real Binance USD-M
            ETHUSDT recording (hftbacktest, MIT; see Tuning/demo/SOURCES.md) in its own wire format with REST
            snapshots; the engine connects to it like to the venue, syncs the book, computes features, runs the
            models and the strategy, and fills on the paper venue. At the end it prints the per-hop latency
            report, the trades and the PnL, and writes the report as JSON and SVG.
            """
    )

    static let defaultData = "Tuning/demo/binance_usdm_ethusdt_20240808_excerpt.gz"

    @Option(help: "Recording to serve.") var data: String = DemoCommand.defaultData
    @Option(help: "Engine config (its venue.instruments are replaced by the recording's).") var config: String = "Tuning/config/demo.json"
    @Option(help: "Replay speed (1 = recorded time).") var speed: Double = 4
    @Option(help: "Write the latency report as JSON.") var json: String?
    @Option(help: "Write the percentile plot as SVG.") var svg: String?
    @Option(help: "Write the run report as JSON.") var report: String?

    func run() async throws {
        var cfg: EngineConfig
        do { cfg = try EngineConfig.load(path: config) } catch { throw ValidationError("\(error)") }
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [data], pacing: .recorded(speed: speed), waitForSubscribers: 1, log: { _ in }))
        try sim.start()
        defer { sim.stop() }
        cfg.mode = .paper
        cfg.venue = sim.venue
        cfg.instruments = sim.instruments.map { EngineConfig.Instrument(symbol: $0.symbol, spec: $0.spec) }
        cfg.streamURL = sim.webSocketBase
        cfg.restURL = sim.httpBase
        let engine = try TradingEngine(config: cfg)
        print(EngineOutput.header(engine, what: "hft demo: hft sim (\(sim.venue.name), \(sim.recording.count) recorded frames at \(speed)× on \(sim.webSocketBase)) → hft paper \(cfg.strategy.symbol)"))
        fflush(nil)
        try engine.start()
        let started = ContinuousClock.now
        while !sim.isFinished && ContinuousClock.now - started < .seconds(280) {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .milliseconds(300))
        let r = await engine.shutdown()
        let latency = EngineOutput.latencyReport(engine, title: "hft demo: paper \(cfg.strategy.symbol) against hft sim at \(speed)×",
                                                 rate: "the recording's own pace × \(speed), served by hft sim over loopback websockets")
        print(latency.text())
        print(r.text())
        let s = sim.statistics
        print("simulator: \(s.framesProcessed) frames, \(s.messagesSent) messages sent, \(s.snapshotsServed) snapshots served")
        try EngineOutput.write(latency, json: json, svg: svg)
        if let report {
            try EngineOutput.ensureDirectory(report)
            try r.deterministicJSON().write(to: URL(fileURLWithPath: report))
            print("wrote \(report)")
        }
    }
}
