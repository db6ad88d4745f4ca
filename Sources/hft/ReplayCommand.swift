import ArgumentParser
import Engine
import Foundation
import HFTTelemetry

/// `hft replay CAPTURE... --config FILE`: the same actors on recorded data, deterministic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replays captures through the same stages with the paper venue; the same capture gives the same decisions and report, byte for byte.",
        discussion: """
            Every stage runs on one thread in path order (the config's topology is not used), the venue and the
            strategy read time from the frames, and the run report (--report) holds no timings, so two runs of
            the same capture write identical reports and journals. Instruments and their scales come from the
            capture; the config names the strategy, its symbol, models, risk limits and paper venue.
            """
    )

    @Argument(help: "Capture files, replayed back to back (our capture, hftbacktest .gz, cryptofeed, jsonl).") var captures: [String]
    @Option(help: "Engine config (JSON).") var config: String
    @Option(help: "Trade this symbol instead of the config's strategy.symbol.") var symbol: String?
    @Option(help: "Write the run report (deterministic) as JSON.") var report: String?
    @Option(help: "Write the latency report as JSON.") var json: String?
    @Option(help: "Write the latency percentile plot as SVG.") var svg: String?
    @Option(help: "Journal path (default: the config's).") var journal: String?
    @Flag(help: "No progress bar.") var quiet = false

    func run() async throws {
        var cfg: EngineConfig
        do { cfg = try EngineConfig.load(path: config) } catch { throw ValidationError("\(error)") }
        cfg.mode = .replay
        if let symbol { cfg.strategy.symbol = symbol }
        if let journal { cfg.journalPath = journal }
        let engine = try TradingEngine(config: cfg, captures: captures)
        if !quiet { print(EngineOutput.header(engine, what: "hft replay: \(captures.joined(separator: " ")) → \(cfg.strategy.symbol)")) }
        let total = engine.replaySource?.frameCount ?? 0
        try engine.start()
        let progress = quiet ? nil : Task.detached {
            while !Task.isCancelled {
                let done = await engine.replaySource?.written ?? 0
                let width = 40
                let filled = total > 0 ? done * width / total : width
                FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) frames".utf8))
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        try await engine.waitForReplay()
        progress?.cancel()
        if !quiet { FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: 40))] \(total)/\(total) frames\n".utf8)) }
        let r = await engine.shutdown()
        let latency = EngineOutput.latencyReport(
            engine, title: "hft replay \(cfg.strategy.symbol) (in-process hops; capture receive times are not on this clock)",
            rate: "as fast as the pipeline takes the capture")
        if !quiet { print(latency.text()) }
        print(r.text())
        try EngineOutput.write(latency, json: json, svg: svg)
        if let report {
            try EngineOutput.ensureDirectory(report)
            try r.deterministicJSON().write(to: URL(fileURLWithPath: report))
            print("wrote \(report)")
        }
    }
}
