import HFTTestSupport
import Engine
import Execution
import Foundation
import HFTTelemetry
import Simulator
import Testing
import Transport

/// `hft sim` + the engine in paper mode over loopback websockets, at an accelerated pace, with an
/// injected sequence gap; then the control endpoint against the running engine.
@Suite(.serialized) struct EngineEndToEndTests {
    static let token = "e2e-token-0123456789abcdef"

    @Test func paperTradingAgainstTheSimulator() async throws {
        let dir = TestScratch.directory("e2e")
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [EngineFixtures.demoExcerpt], pacing: .recorded(speed: 6), waitForSubscribers: 1, log: { _ in }))
        try sim.start()
        defer { sim.stop() }
        var config = try EngineFixtures.parse(EngineFixtures.config(journal: dir + "/journal.bin"))
        config.instruments = sim.instruments.map { EngineConfig.Instrument(symbol: $0.symbol, spec: $0.spec) }
        config.venue = sim.venue
        config.streamURL = sim.webSocketBase
        config.restURL = sim.httpBase
        let engine = try TradingEngine(config: config)
        try engine.start()
        let monitor = EngineMonitor()
        await monitor.start(engine, interval: .milliseconds(100))
        let endpoint = try ControlEndpoint(port: 0, token: Self.token, handlers: engine.controlHandlers(monitor: monitor))
        try endpoint.start()
        let client = HTTPClient()
        try client.start()
        defer {
            client.stop()
            endpoint.stop()
        }

        // Halfway through, withhold three diffs: the book must see the gap, go stale and resync.
        var injected = false
        let started = ContinuousClock.now
        while !sim.isFinished && ContinuousClock.now - started < .seconds(120) {
            if !injected && sim.position > sim.recording.count / 2 {
                sim.inject(.gap(count: 3))
                injected = true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(injected && sim.isFinished)
        try await Task.sleep(for: .milliseconds(500))

        // Control endpoint on the live engine.
        func send(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: String? = nil) async throws -> (Int, String) {
            var headers: [HTTPHeader] = []
            if let token { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
            let url = try #require(TransportURL("http://127.0.0.1:\(endpoint.port)\(path)"))
            let r = try await client.execute(HTTPRequest(method: method, url: url, headers: headers, body: Array((body ?? "").utf8), timeout: .seconds(10)))
            return (r.status, String(decoding: r.body, as: UTF8.self))
        }
        await monitor.refresh(engine)
        let (metricsStatus, metrics) = try await send(.get, "/metrics")
        #expect(metricsStatus == 200)
        #expect(PrometheusText.validate(metrics) == [])
        for family in ["hft_position", "hft_pnl_realized", "hft_orders_total", "hft_book_stale", "hft_mode", "hft_thread_stalls_total",
                       "hft_execution_oms_events_total"] {
            #expect(metrics.contains("# TYPE \(family) "), "missing \(family)")
        }
        // Every family the engine exports is in the metric contract (Tuning/grafana/README.md), with its type.
        let contract = try GrafanaDashboardTests.contract()
        for line in metrics.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            #expect(contract[String(parts[2])]?.type == String(parts[3]), "\(parts[2]) \(parts[3]) is not in Tuning/grafana/README.md")
        }
        #expect(metrics.contains("hft_execution_oms_events_total{symbol=\"ETHUSDT\",kind=\"duplicate\"} 0"))
        #expect(metrics.contains("hft_mode{mode=\"paper\"} 1"))
        let (statusCode, status) = try await send(.get, "/status")
        #expect(statusCode == 200)
        #expect((try? JSONSerialization.jsonObject(with: Data(status.utf8))) as? [String: Any] != nil)
        #expect(try await send(.post, "/kill").0 == 401)
        #expect(try await send(.post, "/kill", token: "wrong-token-0123456789").0 == 401)
        #expect(try await send(.post, "/mode", token: Self.token, body: #"{"mode":"live","arm":true}"#).0 == 409)
        #expect(engine.mode == .paper)
        #expect(try await send(.post, "/mode", token: Self.token, body: #"{"mode":"paper"}"#).0 == 200)
        let (killStatus, killBody) = try await send(.post, "/kill", token: Self.token)
        #expect(killStatus == 200, "\(killBody)")
        #expect(await engine.execution.summary().halted)

        await monitor.stop()
        let r = await engine.shutdown()
        let report = engine.latencyReport(title: "e2e")
        let counts = Dictionary(uniqueKeysWithValues: report.hops.map { ($0.name, $0.histogram.totalCount) })
        var expected = ["queue.feed→book", "decode", "book", "features", "features.trade", "features.refresh", "strategy", "queue.book→signals", "queue.signals→strategy"]
        if EngineFixtures.hasDefaultModels { expected += ["inference.tcn", "inference.tabnet"] }
        if r.execution.orders > 0 { expected += ["risk", "send", "tick→order", "order→ack"] }
        for hop in expected { #expect((counts[hop] ?? 0) > 0, "hop \(hop) is empty") }
        // The recording's exchange times are from 2024: wire latency cannot be measured, and says so.
        let wireSkipped = engine.telemetry.value(of: engine.counters.wireOutOfRange)
        #expect(counts["wire"] == 0 && wireSkipped > 0)

        // Book: synced, resynced once after the injected gap, equal to every bookTicker it could be compared with.
        #expect(r.oracleChecked > 50 && r.oracleMatched == r.oracleChecked)
        #expect(r.gaps == 1)
        #expect(r.parseErrors == 0)
        #expect(r.ticks > 100)
        // No error counters beyond the injected fault.
        for counter in [engine.counters.strategyErrors, engine.counters.invalidIntents, engine.counters.journalFailures,
                        engine.counters.unknownOrders, engine.counters.unroutable, engine.counters.commandBackPressure] {
            #expect(engine.telemetry.value(of: counter) == 0)
        }
        // Journal: everything appended is there, intact, and every order ended (kill cancelled the working ones).
        #expect(r.execution.journalFailures == 0 && r.execution.overfills == 0 && r.execution.duplicates == 0)
        #expect(r.execution.workingOrders == 0)
        let reopened = try OrderManager.open(OrderManagerConfiguration(journalPath: dir + "/journal.bin"))
        #expect(reopened.recoveredRecords == Int(r.execution.journalRecords))
        #expect(reopened.tornBytes == 0)
    }
}
