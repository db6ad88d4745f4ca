import HFTTestSupport
import Engine
import Foundation
import HFTTelemetry
import Testing

/// What a latency report states besides its numbers (issue 9: "states the machine, topology, idle
/// strategy, message rate and clock used"), from the engine the report comes from.
@Suite struct ReportContextEngineTests {
    @Test func theContextNamesTheMachineEachThreadItsIdleStrategyTheRateAndTheClock() throws {
        let dir = TestScratch.directory("report-context")
        let twoThreads = """
            "topology": {"profile": "custom", "threads": [
              {"name": "feed", "core": 0, "idle": "backoff", "stages": ["feed"]},
              {"name": "pipeline", "core": 1, "idle": "busySpin", "stages": ["book", "signals", "strategy", "execution"]}]},
            """
        let config = try EngineFixtures.parse(EngineFixtures.config(journal: dir + "/j", extra: twoThreads))
        // A paced bench engine keeps the configured threads (a deterministic replay runs on one).
        let engine = try TradingEngine(config: config, captures: [EngineFixtures.demoExcerpt], pacedRate: 20_000)
        let machine = MachineDescription(cpuModel: "Test CPU", family: 6, model: 85, cpus: 2, virtualization: .guest("KVM"),
                                         caches: [.init(level: 2, type: "Unified", size: "1024K")], clocksource: "tsc", hostName: "h")
        let context = engine.reportContext(rate: "20000 frames/s offered", machine: machine)
        #expect(context.items.map(\.name) == ["machine", "topology", "idle", "rate", "clock", "build"])
        #expect(context["machine"] == "Test CPU (family 6, model 85), 2 CPUs, KVM guest; L2 1024K; clocksource tsc; host h")
        let threads = engine.effectiveTopology.threads
        #expect(threads.count == 2)
        #expect(context["topology"] == "custom: " + threads.map { "\($0.name) on core \($0.core) (\($0.stages.joined(separator: ", ")))" }
            .joined(separator: "; "))
        #expect(context["topology"]?.contains("(book, signals, strategy, execution)") == true)
        for t in threads { #expect(context["idle"]?.contains("\(t.name) \(t.idle.name)") == true, "\(context["idle"] ?? "")") }
        #expect(context["rate"] == "20000 frames/s offered")
        #expect(context["clock"] == TradingEngine.hopClock)
        #expect(context["build"] == BuildTarget.current.description)
        // The default reads this machine.
        #expect(engine.reportContext(rate: "r")["machine"] == MachineDescription.read().description)
    }
}
