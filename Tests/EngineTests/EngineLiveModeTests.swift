import Engine
import Execution
import Foundation
import HFTPrimitives
import HFTTestSupport
import Simulator
import Testing
import Transport
import Venues

/// The paper/live switch end to end: the engine trades on paper against `hft sim`'s market data,
/// `POST /mode live` is refused without arming and accepted with it, the strategy's orders then go
/// to the simulator's Binance WebSocket API and its fills come back over the user-data stream;
/// `POST /mode paper` cancels every live order first. The journal stays consistent throughout.
@Suite(.serialized) struct EngineLiveModeTests {
    static let token = "live-token-0123456789abcdef"
    static let apiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    static let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

    static func config(journal: String) -> String {
        """
        {
          "mode": "paper",
          "venue": {"name": "binance-usdm", "instruments": {"ETHUSDT": {"tick": "0.01", "lot": "0.001", "priceDecimals": 2, "quantityDecimals": 3}}},
          "strategy": {"plugin": "\(EngineFixtures.pluginDirectory)/libTouchQuoter.so", "symbol": "ETHUSDT",
                       "config": {"ofi_threshold": 0.0001, "quantity": 10, "target_ticks": 2, "stop_ticks": 2, "max_hold_ms": 1500, "quote_ttl_ms": 3000}},
          "risk": {"maxPosition": "0.050", "maxOrderQuantity": "0.050", "priceBandBps": 50, "maxOrdersPerWindow": 20, "maxOpenOrders": 8},
          "journal": {"path": "\(journal)", "fsync": "none"},
          "live": {"requestTimeoutMs": 3000},
          "control": {"enabled": false}
        }
        """
    }

    @Test func paperThenArmedLiveThenBackToPaperAgainstTheSimulator() async throws {
        let dir = TestScratch.directory("live")
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [EngineFixtures.demoExcerpt], pacing: .recorded(speed: 3), waitForSubscribers: 1,
            credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)], log: { _ in }))
        try sim.start()
        defer { sim.stop() }
        var config = try EngineFixtures.parse(Self.config(journal: dir + "/journal.bin"),
                                              environment: ["HFT_API_KEY": Self.apiKey, "HFT_API_SECRET": Self.secret])
        config.instruments = sim.instruments.map { EngineConfig.Instrument(symbol: $0.symbol, spec: $0.spec) }
        config.venue = sim.venue
        config.streamURL = sim.webSocketBase
        config.restURL = sim.httpBase
        #expect(config.liveCredentials?.apiKey == Self.apiKey)
        #expect(!"\(config.liveCredentials!)".contains(Self.secret))
        let engine = try TradingEngine(config: config)
        #expect(engine.liveVenue != nil)
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
        func post(_ path: String, _ body: String) async throws -> (Int, String) {
            let url = try #require(TransportURL("http://127.0.0.1:\(endpoint.port)\(path)"))
            let r = try await client.execute(HTTPRequest(method: .post, url: url, headers: [HTTPHeader("Authorization", "Bearer \(Self.token)")],
                                                         body: Array(body.utf8), timeout: .seconds(30)))
            return (r.status, String(decoding: r.body, as: UTF8.self))
        }

        // Paper first: the sim sees no orders.
        try await Task.sleep(for: .seconds(2))
        #expect(engine.mode == .paper)
        #expect(sim.statistics.ordersAccepted == 0)

        // Live without arming is refused; with it, accepted.
        let (refused, refusal) = try await post("/mode", #"{"mode":"live"}"#)
        #expect(refused == 409 && refusal.contains("arm"), "\(refusal)")
        #expect(engine.mode == .paper)
        let (accepted, body) = try await post("/mode", #"{"mode":"live","arm":true}"#)
        #expect(accepted == 200, "\(body)")
        #expect(engine.mode == .live)
        #expect(await engine.execution.live)

        // The strategy's orders reach the simulator and its fills come back.
        let liveStart = ContinuousClock.now
        let fillsBefore = await engine.execution.summary().fills
        while ContinuousClock.now - liveStart < .seconds(25) && !sim.isFinished {
            if sim.statistics.ordersAccepted > 0, sim.statistics.fills > 0, await engine.execution.summary().fills > fillsBefore { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let live = try #require(engine.liveVenue)
        #expect(sim.statistics.ordersAccepted > 0)
        #expect(sim.statistics.fills > 0)
        #expect(await engine.execution.summary().fills > fillsBefore)
        #expect(live.counters.userDataUpdates.load(ordering: .relaxed) > 0)
        #expect(live.gateway.restFallbacks == 0)

        // Back to paper: every live order is cancelled first.
        let (paper, paperBody) = try await post("/mode", #"{"mode":"paper"}"#)
        #expect(paper == 200, "\(paperBody)")
        #expect(engine.mode == .paper)
        #expect(await engine.execution.liveWorkingOrders() == 0)
        #expect(await !engine.execution.live)
        let acceptedAtSwitch = sim.statistics.ordersAccepted
        try await Task.sleep(for: .seconds(1))
        #expect(sim.statistics.ordersAccepted == acceptedAtSwitch)

        await monitor.stop()
        let r = await engine.shutdown()
        #expect(r.execution.workingOrders == 0)
        #expect(r.execution.journalFailures == 0 && r.execution.overfills == 0)
        #expect(engine.telemetry.value(of: engine.counters.journalFailures) == 0)
        // The journal holds everything, intact, and its positions equal the ledger's.
        let reopened = try OrderManager.open(OrderManagerConfiguration(journalPath: dir + "/journal.bin"))
        #expect(reopened.recoveredRecords == Int(r.execution.journalRecords))
        #expect(reopened.tornBytes == 0)
        #expect(reopened.exposure(engine.traded).position.raw == r.execution.position)
        #expect(reopened.checkInvariants() == nil)
    }

    /// A restart in live mode: the journal holds an acked order resting at the venue and one whose
    /// place never left the process. Trading waits until `order.status` settled both (acked, and
    /// rejected by -2013); shutdown then cancels the resting one at the venue.
    @Test func liveStartReconcilesTheJournalBeforeTrading() async throws {
        let dir = TestScratch.directory("live-restart")
        let journal = dir + "/journal.bin"
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [EngineFixtures.demoExcerpt], pacing: .recorded(speed: 2), waitForSubscribers: 0,
            credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)], log: { _ in }))
        try sim.start()
        defer { sim.stop() }
        try await Task.sleep(for: .milliseconds(500))
        let spec = try #require(sim.instruments.first { $0.symbol == "ETHUSDT" }).spec
        let requests = BinanceOrderRequests(credentials: VenueCredentials(apiKey: Self.apiKey, secret: Self.secret), symbol: "ETHUSDT", spec: spec)
        let gateway = try BinanceWebSocketOrderGateway(configuration: BinanceOrderGatewayConfiguration(
            restBase: sim.httpBase, webSocketAPI: sim.webSocketBase + "/ws-fapi/v1", requestTimeout: .seconds(3)), requests: requests)
        try gateway.start()
        defer { gateway.stop() }
        let resting: ClientOrderId, ghost: ClientOrderId
        do {
            var manager = try OrderManager.open(OrderManagerConfiguration(journalPath: journal))
            let low = Price(raw: 1_000 * spec.priceScale.multiplier)
            let intent = Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 1), side: .buy, price: low, quantity: Quantity(raw: 10))
            guard case .admitted(let a) = manager.admit(intent, now: .zero), case .admitted(let b) = manager.admit(intent, now: .zero) else {
                Issue.record("admission refused")
                return
            }
            (resting, ghost) = (a, b)
            _ = manager.apply(.sent, to: resting, now: .zero)
            _ = manager.apply(.sent, to: ghost, now: .zero)
            let placed = await gateway.place(try #require(manager.order(resting)))
            for e in BinanceOrderGateway.placeEvents(placed) { _ = manager.apply(e, to: resting, now: .zero) }
            #expect(manager.order(resting)?.status == .acked)
            let synced = manager.syncJournal()
            #expect(synced)
        }

        var config = try EngineFixtures.parse(Self.config(journal: journal).replacingOccurrences(of: "\"mode\": \"paper\"", with: "\"mode\": \"live\""),
                                              environment: ["HFT_API_KEY": Self.apiKey, "HFT_API_SECRET": Self.secret])
        #expect(config.mode == .live)
        config.instruments = sim.instruments.map { EngineConfig.Instrument(symbol: $0.symbol, spec: $0.spec) }
        config.venue = sim.venue
        config.streamURL = sim.webSocketBase
        config.restURL = sim.httpBase
        let engine = try TradingEngine(config: config)
        try engine.start()
        let started = ContinuousClock.now
        while engine.mode != .live && ContinuousClock.now - started < .seconds(15) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(engine.mode == .live)
        #expect(await engine.execution.awaitingReconciliation == 0)
        #expect(await engine.execution.liveWorkingOrders() >= 1)
        try await Task.sleep(for: .seconds(1))
        let r = await engine.shutdown()
        #expect(r.execution.workingOrders == 0)
        let reopened = try OrderManager.open(OrderManagerConfiguration(journalPath: journal))
        #expect(reopened.order(ghost)?.status == .rejected)
        #expect(reopened.order(resting)?.status == .canceled)
        let unsettled = reopened.ordersAwaitingReconciliation().count
        #expect(unsettled == 0)
        #expect(reopened.exposure(engine.traded).position.raw == r.execution.position)
        guard case .reply(.order(let atVenue)) = await gateway.status(resting) else { Issue.record("status at the venue"); return }
        #expect(atVenue.venueStatus == "CANCELED")
    }

    /// The `live` section: endpoints and timeout parsed, credentials only from the environment.
    @Test func liveConfigKeysAndCredentials() throws {
        let text = Self.config(journal: "/tmp/unused.bin").replacingOccurrences(of: #""live": {"requestTimeoutMs": 3000}"#, with: """
            "live": {"restURL": "https://testnet.binancefuture.com", "webSocketAPIURL": "wss://testnet.binancefuture.com/ws-fapi/v1",
                     "userDataURL": "wss://stream.binancefuture.com", "requestTimeoutMs": 1500, "apiKeyEnv": "K", "apiSecretEnv": "S"}
            """)
        let withKeys = try EngineFixtures.parse(text, environment: ["K": "key-1", "S": "secret-1"])
        #expect(withKeys.liveRestURL == "https://testnet.binancefuture.com")
        #expect(withKeys.liveWebSocketAPIURL == "wss://testnet.binancefuture.com/ws-fapi/v1")
        #expect(withKeys.liveUserDataURL == "wss://stream.binancefuture.com")
        #expect(withKeys.liveRequestTimeout == .milliseconds(1500))
        #expect(withKeys.liveCredentials == VenueCredentials(apiKey: "key-1", secret: "secret-1"))
        #expect(try EngineFixtures.parse(text, environment: ["K": "key-1"]).liveCredentials == nil)
        #expect(throws: EngineConfigError.self) {
            try EngineFixtures.parse(text.replacingOccurrences(of: "\"requestTimeoutMs\": 1500", with: "\"requestTimeoutMs\": 5"))
        }
        // `live.signature`: Ed25519 takes the private key (PEM or base64 seed) as the secret.
        let ed = text.replacingOccurrences(of: "\"requestTimeoutMs\": 1500", with: "\"requestTimeoutMs\": 1500, \"signature\": \"ed25519\"")
        let seed = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let withEd = try EngineFixtures.parse(ed, environment: ["K": "key-1", "S": seed])
        #expect(withEd.liveCredentials?.scheme == .ed25519 && withEd.liveCredentials?.ed25519Seed == (0..<32).map { UInt8($0) })
        do {
            _ = try EngineFixtures.parse(ed, environment: ["K": "key-1", "S": "secret-1"])
            Issue.record("an HMAC secret was accepted as an Ed25519 key")
        } catch {
            #expect("\(error)".contains("live.signature") && "\(error)".contains("not an Ed25519 private key") && !"\(error)".contains("secret-1"))
        }
        #expect(throws: EngineConfigError.self) {
            try EngineFixtures.parse(text.replacingOccurrences(of: "\"requestTimeoutMs\": 1500", with: "\"requestTimeoutMs\": 1500, \"signature\": \"rsa\""))
        }
        // `live.credentialsFile`: a 0600 file wins over the environment; a group-readable one is refused.
        let file = TestScratch.path("live-creds")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("# test\napi_key=file-key\nsecret=file-secret\n".utf8),
                                               attributes: [.posixPermissions: 0o600]))
        let fromFile = text.replacingOccurrences(of: "\"requestTimeoutMs\": 1500", with: "\"requestTimeoutMs\": 1500, \"credentialsFile\": \"\(file)\"")
        #expect(try EngineFixtures.parse(fromFile, environment: ["K": "key-1", "S": "secret-1"]).liveCredentials
                == VenueCredentials(apiKey: "file-key", secret: "file-secret"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        do {
            _ = try EngineFixtures.parse(fromFile)
            Issue.record("a group-readable credentials file was accepted")
        } catch {
            #expect("\(error)".contains("live.credentialsFile") && "\(error)".contains("chmod 600") && !"\(error)".contains("file-secret"))
        }
    }

    /// The Execution thread's live path without sockets: 500 round trips (intent → journal →
    /// request ring → ack + fill reports → order manager → strategy updates), all accounted for.
    @Test func liveHarnessRoundTripsAreAllAccountedFor() async throws {
        let dir = TestScratch.directory("live-harness")
        let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceUsdm, priceScale: DecimalScale(places: 2),
                                  quantityScale: DecimalScale(places: 3), tick: 1, lot: 1)
        let summary: ExecutionSummary = try await Task.detached {
            let harness = try LiveExecutionHarness(journalPath: dir + "/journal.bin", spec: spec, mid: Price(raw: 250_000), quantity: Quantity(raw: 10))
            var updates = 0
            for _ in 0..<500 { updates += harness.roundTrip() }
            #expect(updates == 1_000)
            return harness.stage.withPinnedIsolation { $0.summary() }
        }.value
        #expect(summary.orders == 500 && summary.fills == 500 && summary.workingOrders == 0 && summary.position == 0)
        #expect(summary.journalRecords == 2_000 && summary.duplicates == 0 && summary.invalidEvents == 0)
        let reopened = try OrderManager.open(OrderManagerConfiguration(journalPath: dir + "/journal.bin"))
        #expect(reopened.recoveredRecords == 2_000)
    }
}
