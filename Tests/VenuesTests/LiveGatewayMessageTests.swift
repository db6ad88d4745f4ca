import Execution
import Foundation
import HFTTestSupport
import HFTPrimitives
import Testing
@testable import Venues

/// Message building and signing of the live gateways, against signatures computed independently
/// (Python `hmac`/`hashlib`), credential loading rules, and the user-data parser.
@Suite struct LiveGatewayMessageTests {
    static let credentials = VenueCredentials(apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
                                              secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j")
    static let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceUsdm, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3))

    static func order(_ id: UInt64, tif: TimeInForce = .postOnly) -> Order {
        Order(intent: Intent(instrument: spec.id, strategy: StrategyId(raw: 1), side: .buy, kind: .limit, timeInForce: tif,
                             price: Price(raw: 5_000_010), quantity: Quantity(raw: 10)), clientOrderId: ClientOrderId(raw: id))
    }

    @Test func binanceRestAndWebSocketSignatures() {
        let r = BinanceOrderRequests(credentials: Self.credentials, symbol: "BTCUSDT", spec: Self.spec)
        let q = r.signedQuery(r.placeParameters(Self.order(7), timestampMillis: 1_700_000_000_000))
        #expect(q == "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.010&price=50000.1&newClientOrderId=hft-7"
                   + "&newOrderRespType=RESULT&recvWindow=5000&timestamp=1700000000000"
                   + "&signature=ea6647d31a3afe50e516cdf0ad70843f7a7794ce6116f2219922da11e78614a2")
        let ws = r.webSocketRequest(id: "c-1", method: "order.cancel", r.orderParameters(ClientOrderId(raw: 9), timestampMillis: 1_700_000_000_000))
        let o = try? JSONSerialization.jsonObject(with: Data(ws.utf8)) as? [String: Any]
        let params = o?["params"] as? [String: String]
        #expect(o?["method"] as? String == "order.cancel" && o?["id"] as? String == "c-1")
        #expect(params?["signature"] == "19ff328eefda84e270192e6ec8496e30febd9272a5cbdfabc86cdb4422df9bd9")
        #expect(params?["origClientOrderId"] == "hft-9" && params?["apiKey"] == Self.credentials.apiKey)
        #expect(r.clientOrderId(wire: "hft-42") == ClientOrderId(raw: 42))
        #expect(r.clientOrderId(wire: "web_abc") == nil)
    }

    @Test func bybitAuthAndOrderMessages() throws {
        let b = BybitTradeMessages(credentials: Self.credentials, symbol: "BTCUSDT", spec: Self.spec)
        #expect(b.auth(requestId: "a1", expiresMillis: 1_711_001_595_207)
                == "{\"req_id\":\"a1\",\"op\":\"auth\",\"args\":[\"\(Self.credentials.apiKey)\",1711001595207,\"06bef3bb3e805ab0b166580ccfbe468906c89f47ef0c8b41699d997fc3c4cdd9\"]}")
        let create = b.create(Self.order(5), requestId: "r5", timestampMillis: 1_711_001_595_000)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(create.utf8)) as? [String: Any])
        #expect(o["op"] as? String == "order.create" && o["reqId"] as? String == "r5")
        let args = try #require((o["args"] as? [[String: String]])?.first)
        #expect(args == ["category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.01",
                         "price": "50000.1", "timeInForce": "PostOnly", "orderLinkId": "hft-5"])
        #expect((o["header"] as? [String: String])?["X-BAPI-TIMESTAMP"] == "1711001595000")
        let cancel = b.cancel(ClientOrderId(raw: 5), requestId: "r6", timestampMillis: 1)
        #expect(cancel.contains("\"op\":\"order.cancel\"") && cancel.contains("\"orderLinkId\":\"hft-5\""))
        let reply = BybitTradeMessages.parseReply(Array("{\"reqId\":\"r5\",\"retCode\":0,\"retMsg\":\"OK\",\"op\":\"order.create\",\"data\":{\"orderId\":\"1321003749386327552\",\"orderLinkId\":\"hft-5\"}}".utf8))
        #expect(reply?.requestId == "r5" && reply?.code == 0 && reply?.orderId == "1321003749386327552")
        #expect(BybitTradeMessages.url(.testnet) == "wss://stream-testnet.bybit.com/v5/trade")
    }

    @Test func credentialsComeFromA0600FileOrTheEnvironmentAndAreNeverPrinted() throws {
        let path = TestScratch.path("creds")
        defer { unlink(path) }
        try "# test\napi_key=\(Self.credentials.apiKey)\nsecret=\(Self.credentials.secret)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        #expect(throws: VenueCredentialsError.insecurePermissions(path: path, mode: 0o100644)) { _ = try VenueCredentials.fromFile(path) }
        chmod(path, 0o600)
        let c = try VenueCredentials.fromFile(path)
        #expect(c == Self.credentials)
        for text in [String(describing: c), String(reflecting: c), "\(c)"] {
            #expect(!text.contains(Self.credentials.secret) && !text.contains(Self.credentials.apiKey) && text.contains("redacted"))
        }
        setenv("HFT_TEST_KEY", "k-123", 1)
        setenv("HFT_TEST_SECRET", "s-456", 1)
        #expect(try VenueCredentials.fromEnvironment(apiKey: "HFT_TEST_KEY", secret: "HFT_TEST_SECRET") == VenueCredentials(apiKey: "k-123", secret: "s-456"))
        unsetenv("HFT_TEST_SECRET")
        #expect(throws: VenueCredentialsError.missingEnvironment("HFT_TEST_SECRET")) {
            _ = try VenueCredentials.fromEnvironment(apiKey: "HFT_TEST_KEY", secret: "HFT_TEST_SECRET")
        }
    }

    @Test func userDataFillsCountOnlyWhatIsNew() throws {
        let text = """
            {"e":"ORDER_TRADE_UPDATE","E":1,"T":1,"o":{"s":"BTCUSDT","c":"hft-3","S":"BUY","o":"LIMIT","f":"GTC","q":"0.010","p":"50000.1","x":"TRADE","X":"PARTIALLY_FILLED","i":77,"l":"0.004","z":"0.004","L":"50000.1","n":"0.04000004","N":"USDT","m":true}}
            """
        let u = try #require(BinanceOrderUpdate.parse(Array(text.utf8), spec: Self.spec))
        #expect(u.clientOrderId == "hft-3" && u.orderId == 77 && u.status == .partiallyFilled && u.isMaker)
        #expect(u.fee == 4)                                   // 0.04000004 USDT → 4 raw at 2 places
        var o = Self.order(3, tif: .gtc)
        _ = o.apply(.sent)
        let events = u.events(for: o)
        #expect(events == [.acked(VenueOrderId(raw: 77)), .fill(price: Price(raw: 5_000_010), quantity: Quantity(raw: 4), fee: 4, isMaker: true)])
        for e in events { _ = o.apply(e) }
        #expect(u.events(for: o).isEmpty)                     // the same update again adds nothing
        #expect(BinanceOrderReply.parse(Array("{\"code\":-2010,\"msg\":\"NEW_ORDER_REJECTED\"}".utf8), spec: Self.spec) == .error(code: -2010, message: "NEW_ORDER_REJECTED"))
    }

    /// The local order-count budget refuses the request that would exceed it, before anything is
    /// sent; a connection that fails is an unknown outcome (the venue may have the order).
    @Test func orderCountBudgetRefusesBeforeSending() async throws {
        let r = BinanceOrderRequests(credentials: Self.credentials, symbol: "BTCUSDT", spec: Self.spec)
        let g = BinanceOrderGateway(configuration: BinanceOrderGatewayConfiguration(restBase: "http://127.0.0.1:1", webSocketAPI: "",
                                                                                   requestTimeout: .seconds(2), orderLimitPer10s: 2), requests: r)
        try g.start()
        defer { g.stop() }
        var outcomes: [BinanceGatewayOutcome] = []
        for id in 1...3 { outcomes.append(await g.place(Self.order(UInt64(id)))) }
        guard case .outcomeUnknown = outcomes[0], case .outcomeUnknown = outcomes[1], case .notSent(let wait) = outcomes[2] else {
            Issue.record("outcomes \(outcomes)")
            return
        }
        #expect(wait.raw > 0 && wait <= .seconds(10))
        #expect(BinanceOrderGateway.placeEvents(outcomes[0]) == [.outcomeUnknown])
        #expect(BinanceOrderGateway.placeEvents(outcomes[2]) == [.rejected(code: -2010)])
        // Cancels and status queries do not count against the order budget.
        if case .notSent = await g.status(ClientOrderId(raw: 1)) { Issue.record("status must not use the order budget") }
    }
}
