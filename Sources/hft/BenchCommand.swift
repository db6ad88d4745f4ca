import ArgumentParser
import Engine
import Foundation
import HFTRuntime
import HFTTelemetry
import Simulator

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
            --source ring (default) writes the frames straight into the Feed → Book ring: the number inside the process.
            --source sim serves them from hft sim (in this process, its own threads) over a loopback websocket at the
            fixed rate; the feed connects, subscribes and syncs with a REST snapshot as against the venue, and stamps
            the k-th message with the simulator's intended send time of frame k, so tick→order then also holds the
            simulator's lateness, the loopback TCP and libwebsockets (the hop sim→feed shows that part alone).
            --closed-loop (ring source, a thread that runs every stage) writes the next frame only when the last one
            has gone through every stage, stamped with its write time: the stack's service time per frame, with no
            queueing and no idle gap between frames (caches stay warm). A floor to set beside the paced numbers, not
            a latency under load; --rate is then unused.
            """
    )

    @Option(help: "Engine config (JSON).") var config: String
    @Option(help: "Capture files to offer (default: the bundled demo excerpt).") var capture: [String] = []
    @Option(help: "Offered frames per second.") var rate: Int = 20_000
    @Option(help: "A sweep instead of one rate: comma-separated rates (e.g. 2000,5000,20000,50000), each run --runs times; prints tick→order by rate, and --json/--svg then write the sweep (ring source only).")
    var rates: String?
    @Option(help: "Where frames come from: ring (straight into the Feed → Book ring) or sim (hft sim over a loopback websocket).")
    var source: String = "ring"
    @Flag(help: "Closed loop: one frame at a time through every stage, stamped when written (service time, no queueing).")
    var closedLoop = false
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
        guard source == "ring" || source == "sim" else { throw ValidationError("--source must be ring or sim") }
        if let rates {
            guard !closedLoop else { throw ValidationError("--closed-loop has no rate to sweep") }
            try await sweep(cfg, captures: captures, rates: rates)
            return
        }
        if source == "sim" {
            guard !closedLoop else { throw ValidationError("--closed-loop runs the ring source only") }
            try await runThroughSimulator(cfg, captures: captures)
            return
        }
        if closedLoop {
            // One frame per duty cycle is one frame through every stage only when they all follow the source on its thread.
            guard let feed = cfg.topology.threads.first(where: { $0.stages.contains("feed") }),
                  Set(feed.stages).isSuperset(of: Topology.pipelineStages) else {
                throw ValidationError("--closed-loop needs a topology whose feed thread runs every stage (\(Topology.pipelineStages.joined(separator: ", ")))")
            }
        }
        let result = try await runRing(cfg, captures: captures, rate: rate, printHeader: true)
        print(result.report.text())
        print(runs > 1 ? "last run:\n" + result.lastText : result.lastText)
        print("offered \(result.offered) frames; \(result.late) were offered more than one period late (the source could not keep the rate)")
        if !result.jitter.threads.isEmpty { print(result.jitter.text()) }
        try EngineOutput.write(result.report, json: json, svg: svg)
    }

    /// `--runs` runs at one rate from the ring source, merged; the thread jitter is in the report's counters too.
    func runRing(_ cfg: EngineConfig, captures: [String], rate: Int, printHeader: Bool)
        async throws -> (report: TelemetryReport, lastText: String, offered: Int, late: Int, jitter: ThreadJitterSummary) {
        let offer = closedLoop ? "closed loop (one frame at a time)" : "\(rate) frames/s offered"
        let title = "hft bench pipeline, \(offer), \(cfg.topologyProfile) topology, \(BuildTarget.current.description)" + (runs > 1 ? ", \(runs) runs merged" : "")
        var merged: TelemetryReport?
        var lastText = ""
        var offered = 0
        var late = 0
        var jitter = ThreadJitterSummary()
        for run in 1...runs {
            // A fresh engine per run (its journal is recreated), so every run starts cold and alike.
            let engine = try TradingEngine(config: cfg, captures: captures, pacedRate: rate, closedLoop: closedLoop)
            if run == 1 && printHeader { print(EngineOutput.header(engine, what: "hft bench pipeline: \(captures.joined(separator: " ")) \(closedLoop ? "in a closed loop" : "at \(rate) frames/s offered")")) }
            fflush(nil)
            try engine.start()
            try await engine.waitForReplay()
            late += await engine.replaySource?.lateFrames ?? 0
            offered += engine.replaySource?.frameCount ?? 0
            let r = await engine.shutdown()
            jitter.add(engine)
            let report = EngineOutput.latencyReport(engine, title: title, rate: closedLoop
                ? "closed loop: the next frame when the last one's work is done (ring source)"
                : "\(rate) frames/s offered by the ring source, latency from each frame's intended send time")
            accumulate(report, run: run, into: &merged)
            lastText = r.text()
        }
        guard var report = merged else { throw ValidationError("no run") }
        report.counters += jitter.counters()
        return (report, lastText, offered, late, jitter)
    }

    /// `--rates`: the ring-source bench at each rate in turn; tick→order by rate as a table, and
    /// as JSON and an SVG plot (latency against rate) when asked.
    func sweep(_ cfg: EngineConfig, captures: [String], rates list: String) async throws {
        let parsed = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("--rates needs positive integers separated by commas") }
        guard source == "ring" else { throw ValidationError("--rates runs the ring source only") }
        var sweep = RateSweepReport(title: "hft bench pipeline, \(cfg.topologyProfile) topology, \(BuildTarget.current.description), \(runs) run\(runs == 1 ? "" : "s") per rate", hop: "tick→order")
        for (k, rate) in parsed.compactMap({ $0 }).enumerated() {
            let result = try await runRing(cfg, captures: captures, rate: rate, printHeader: k == 0)
            let t2o = result.report.hops.first { $0.name == "tick→order" }?.histogram ?? HistogramSnapshot()
            sweep.add(RateSweepReport.Row(rate: rate, histogram: t2o, offered: result.offered, late: result.late))
            if k == 0 {
                sweep.context = result.report.context
                sweep.context["rate"] = "\(list) frames/s offered by the ring source, latency from each frame's intended send time"
            }
            let signal = result.report.hops.first { $0.name == "order.tick→signal" }?.histogram ?? HistogramSnapshot()
            let p = t2o.valuesAtPercentiles([50, 99])
            print("rate \(rate)/s: \(t2o.count) orders, tick→order p50 \(LatencyFormat.string(nanoseconds: p[0])), p99 \(LatencyFormat.string(nanoseconds: p[1])), "
                + "tick→signal p50 \(LatencyFormat.string(nanoseconds: signal.valueAtPercentile(50))); "
                + (result.jitter.text().split(separator: "\n").dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "no spinning thread"))
            fflush(nil)
        }
        print(sweep.text())
        if let json { try Data(sweep.json().utf8).write(to: URL(fileURLWithPath: json)) }
        if let svg { try Data(sweep.svg().utf8).write(to: URL(fileURLWithPath: svg)) }
    }

    /// `--source sim`: per run a fresh simulator (fixed-rate pacing) and a fresh engine whose feed
    /// connects to it; the feed's service thread gets the other core (it must not share the
    /// busy-spinning pipeline's).
    func runThroughSimulator(_ base: EngineConfig, captures: [String]) async throws {
        var cfg = base
        let pipelineCore = cfg.topology.thread(running: "book")?.core ?? 1
        let feedCore = pipelineCore == 0 ? 1 : 0
        cfg.topology.threads = cfg.topology.threads.map { t in
            var t = t
            t.stages.removeAll { $0 == "feed" }
            return t
        }.filter { !$0.stages.isEmpty }
        cfg.topology.threads.insert(Topology.Thread(name: "feed", core: feedCore, idle: .backoff(), stages: ["feed"]), at: 0)
        let title = "hft bench pipeline through hft sim, \(rate) frames/s offered, \(cfg.topologyProfile) topology, \(BuildTarget.current.description)" + (runs > 1 ? ", \(runs) runs merged" : "")
        var merged: TelemetryReport?
        var lastText = ""
        var paced = 0, late = 0
        var wire = HistogramSnapshot()
        var jitter = ThreadJitterSummary()
        for run in 1...runs {
            let sim = try MarketSimulator(configuration: SimulatorConfiguration(
                recordingPaths: captures, pacing: .fixedRate(framesPerSecond: rate), waitForSubscribers: 1, log: { _ in }))
            try sim.start()
            defer { sim.stop() }
            guard let schedule = sim.sendSchedule else { throw ValidationError("the simulator has no send schedule") }
            var c = cfg
            c.venue = sim.venue
            c.instruments = sim.instruments.map { EngineConfig.Instrument(symbol: $0.symbol, spec: $0.spec) }
            c.streamURL = sim.webSocketBase
            c.restURL = sim.httpBase
            c.sendSchedule = schedule
            let engine = try TradingEngine(config: c)
            if run == 1 {
                print(EngineOutput.header(engine, what: "hft bench pipeline: hft sim (\(captures.joined(separator: " "))) at \(rate) frames/s over \(sim.webSocketBase)"))
            }
            fflush(nil)
            try engine.start()
            let started = ContinuousClock.now
            while !sim.isFinished && ContinuousClock.now - started < .seconds(600) {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            let r = await engine.shutdown()
            let stats = sim.statistics
            let received = schedule.received
            guard received == stats.framesPaced else {
                throw ValidationError("""
                    the simulator paced \(stats.framesPaced) market frames but the feed received \(received): the intended send \
                    times do not line up (a reconnect, or streams the feed does not subscribe to); no numbers reported
                    """)
            }
            paced += stats.framesPaced
            late += stats.framesLate
            for l in schedule.lateness() { wire.record(UInt64(max(0, l))) }
            jitter.add(engine)
            let report = EngineOutput.latencyReport(engine, title: title, rate: "\(rate) frames/s offered by hft sim over loopback websockets, "
                + "latency from each frame's intended send time")
            accumulate(report, run: run, into: &merged)
            lastText = r.text()
        }
        guard var report = merged else { return }
        report.hops.insert(TelemetryReport.Hop(name: "sim→feed", histogram: wire), at: 0)
        report.counters += jitter.counters()
        print(report.text())
        print(runs > 1 ? "last run:\n" + lastText : lastText)
        print("hft sim paced \(paced) market frames; \(late) went out more than one period late (the simulator could not keep the rate)")
        if !jitter.threads.isEmpty { print(jitter.text()) }
        try EngineOutput.write(report, json: json, svg: svg)
    }

    /// Prints run `run`'s tick→order line (when there are several runs) and merges its report.
    func accumulate(_ report: TelemetryReport, run: Int, into merged: inout TelemetryReport?) {
        if runs > 1, let t2o = report.hops.first(where: { $0.name == "tick→order" })?.histogram {
            let p = t2o.valuesAtPercentiles([50, 99])
            print("run \(run)/\(runs): \(t2o.count) orders, tick→order p50 \(LatencyFormat.string(nanoseconds: p[0])), p99 \(LatencyFormat.string(nanoseconds: p[1]))")
            fflush(nil)
        }
        if merged == nil { merged = report } else { merged!.merge(report) }
    }
}
