import Foundation
import HFTTestSupport
import HFTPrimitives
import MarketData
import Signing
import Simulator
import Synchronization
import Testing
import Transport

/// Binance USD-M order entry against the replayed book: signing checks with Binance's error
/// codes, matching (walks, queue position, partial fills, cancels) and user-data events in order.
/// The market here is a small hand-written USD-M recording, so every fill can be worked by hand.
@Suite(.serialized)
struct OrderEntryTests {
    static let apiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    static let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

    /// Snapshot (bids 100.0×5, 99.9×3; asks 100.1×2, 100.2×4), a diff adding 99.8×1, then trades
    /// and diffs at 100.0 for the queue test (frame indices 0…6).
    static let market = """
        1000 {"lastUpdateId":100,"E":1,"T":1,"bids":[["100.0","5.000"],["99.9","3.000"]],"asks":[["100.1","2.000"],["100.2","4.000"]]}
        2000 {"stream":"testusdt@depth@0ms","data":{"e":"depthUpdate","E":2,"T":2,"s":"TESTUSDT","U":99,"u":101,"pu":98,"b":[["99.8","1.000"]],"a":[]}}
        3000 {"stream":"testusdt@trade","data":{"e":"trade","E":3,"T":3,"s":"TESTUSDT","t":1,"p":"100.0","q":"3.000","X":"MARKET","m":true}}
        4000 {"stream":"testusdt@depth@0ms","data":{"e":"depthUpdate","E":4,"T":4,"s":"TESTUSDT","U":102,"u":102,"pu":101,"b":[["100.0","2.000"]],"a":[]}}
        5000 {"stream":"testusdt@trade","data":{"e":"trade","E":5,"T":5,"s":"TESTUSDT","t":2,"p":"100.0","q":"3.000","X":"MARKET","m":true}}
        6000 {"stream":"testusdt@depth@0ms","data":{"e":"depthUpdate","E":6,"T":6,"s":"TESTUSDT","U":103,"u":103,"pu":102,"b":[["100.0","0.000"]],"a":[]}}
        7000 {"stream":"testusdt@trade","data":{"e":"trade","E":7,"T":7,"s":"TESTUSDT","t":3,"p":"99.9","q":"1.000","X":"MARKET","m":true}}

        """

    static func writeMarket() throws -> String {
        let path = TestScratch.path("sim-orders", suffix: ".hb")
        try market.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    final class Clock: Sendable {
        let ms = Mutex<Int64>(1_700_000_000_000)
        var now: Int64 { ms.withLock { $0 } }
        func advance(_ d: Int64) { ms.withLock { $0 += d } }
    }

    static func sign(_ payload: String) -> String { RequestSigner.hmacSHA256Hex(secret: secret, message: payload) }

    /// A signed REST order request: (status, body).
    static func rest(_ sim: MarketSimulator, _ method: HTTPRequest.Method, _ query: String) async throws -> (Int, String) {
        try await http(method, "\(sim.httpBase)/fapi/v1/order?\(query)&signature=\(sign(query))", headers: [HTTPHeader("X-MBX-APIKEY", apiKey)])
    }

    static func json(_ text: String) -> SimJSON { SimJSON.parse(text) ?? .null }

    /// Steps `n` frames and waits for them to be processed.
    static func step(_ sim: MarketSimulator, _ n: Int) {
        let target = sim.position + n
        sim.step(frames: n)
        _ = waitUntil(5) { sim.position == target }
    }

    @Test func binanceDocumentedExampleAndSignatureErrors() async throws {
        let path = try Self.writeMarket()
        let clock = Clock()
        clock.ms.withLock { $0 = 1_499_827_319_559 + 300 }
        let sim = try makeSimulator([path], held: true, waitFor: 0, credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)],
                                    clock: { clock.now })
        defer { sim.stop() }
        let doc = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        let header = [HTTPHeader("X-MBX-APIKEY", Self.apiKey)]
        // The documented request passes the signature and time checks (then LTCBTC is not in this market: -1121).
        var (status, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc)&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", headers: header)
        #expect(status == 400 && Self.json(body)["code"]?.int == -1121, "\(body)")
        // The same request with the signature in the body (totalParams = query + body).
        (status, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order", headers: header + [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
                                        body: doc + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
        #expect(Self.json(body)["code"]?.int == -1121, "\(body)")
        // One changed digit → -1022.
        (status, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc)&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b70", headers: header)
        #expect(status == 400 && Self.json(body)["code"]?.int == -1022, "\(body)")
        // Tampered parameter with the original signature → -1022.
        (_, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc.replacingOccurrences(of: "price=0.1", with: "price=0.2"))&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", headers: header)
        #expect(Self.json(body)["code"]?.int == -1022, "\(body)")
        // The same valid request replayed 6 s later (outside recvWindow 5000) → -1021.
        clock.advance(6_000)
        (status, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc)&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", headers: header)
        #expect(status == 400 && Self.json(body)["code"]?.int == -1021, "\(body)")
        // A timestamp more than 1 s ahead of the server → -1021.
        clock.ms.withLock { $0 = 1_499_827_319_559 - 1_500 }
        (_, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc)&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", headers: header)
        #expect(Self.json(body)["code"]?.int == -1021, "\(body)")
        // Missing timestamp → -1102; unknown key → -2015; no key → -2014.
        let noTimestamp = "symbol=LTCBTC&side=BUY"
        (_, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(noTimestamp)&signature=\(Self.sign(noTimestamp))", headers: header)
        #expect(Self.json(body)["code"]?.int == -1102, "\(body)")
        (status, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc)&signature=x", headers: [HTTPHeader("X-MBX-APIKEY", "nope")])
        #expect(status == 401 && Self.json(body)["code"]?.int == -2015, "\(body)")
        (_, body) = try await http(.post, "\(sim.httpBase)/fapi/v1/order?\(doc)&signature=x")
        #expect(Self.json(body)["code"]?.int == -2014, "\(body)")
        #expect(sim.statistics.orderErrors == 9)
    }

    /// WebSocket API: signed `order.place` (params sorted by name), replay refused (-4116),
    /// stale (-1021) and wrong (-1022) signatures, `order.status`, `order.cancel` (-2011 after).
    @Test func webSocketAPIPlaceStatusCancelAndReplays() throws {
        let path = try Self.writeMarket()
        let clock = Clock()
        let sim = try makeSimulator([path], held: true, waitFor: 0, credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)],
                                    clock: { clock.now })
        defer { sim.stop() }
        Self.step(sim, 2)
        func request(_ id: Int, _ method: String, _ params: [(String, String)], signature: String? = nil) -> String {
            let payload = params.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            let all = params + [("signature", signature ?? Self.sign(payload))]
            return "{\"id\":\(id),\"method\":\"\(method)\",\"params\":{" + all.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}}"
        }
        let ts = String(clock.now)
        let place: [(String, String)] = [("apiKey", Self.apiKey), ("symbol", "TESTUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"),
                                         ("quantity", "1.000"), ("price", "99.0"), ("newClientOrderId", "ws-1"), ("timestamp", ts)]
        let messages = [
            request(1, "order.place", place),
            request(2, "order.place", place),                                        // replay → -4116
            request(3, "order.place", place.map { $0.0 == "newClientOrderId" ? ($0.0, "ws-2") : $0 }, signature: String(repeating: "0", count: 64)),
            request(4, "order.status", [("apiKey", Self.apiKey), ("symbol", "TESTUSDT"), ("origClientOrderId", "ws-1"), ("timestamp", ts)]),
            request(5, "order.cancel", [("apiKey", Self.apiKey), ("symbol", "TESTUSDT"), ("origClientOrderId", "ws-1"), ("timestamp", ts)]),
            request(6, "order.cancel", [("apiKey", Self.apiKey), ("symbol", "TESTUSDT"), ("origClientOrderId", "ws-1"), ("timestamp", ts)]),
            request(7, "order.status", [("apiKey", Self.apiKey), ("symbol", "TESTUSDT"), ("orderId", "42"), ("timestamp", ts)]),
            request(8, "order.place", place.map { $0.0 == "timestamp" ? ($0.0, String(clock.now - 10_000)) : ($0.0 == "newClientOrderId" ? ($0.0, "ws-3") : $0) }),
            request(9, "order.place", place.map { $0.0 == "price" ? ($0.0, "99.05") : ($0.0 == "newClientOrderId" ? ($0.0, "ws-4") : $0) }),
        ]
        let (client, received, _) = makeClient("\(sim.webSocketBase)/ws-fapi/v1", subscribe: messages)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { received.count == messages.count })
        let replies = received.all.map { Self.json(String(decoding: $0, as: UTF8.self)) }
        #expect(replies.count == messages.count)
        guard replies.count == messages.count else { return }
        #expect(replies[0]["status"]?.int == 200 && replies[0]["result"]?["status"]?.text == "NEW" && replies[0]["result"]?["clientOrderId"]?.text == "ws-1")
        #expect(replies[1]["error"]?["code"]?.int == -4116)
        #expect(replies[2]["error"]?["code"]?.int == -1022)
        #expect(replies[3]["result"]?["status"]?.text == "NEW" && replies[3]["result"]?["origQty"]?.text == "1.000")
        #expect(replies[4]["result"]?["status"]?.text == "CANCELED")
        #expect(replies[5]["error"]?["code"]?.int == -2011)
        #expect(replies[6]["error"]?["code"]?.int == -2013)
        #expect(replies[7]["error"]?["code"]?.int == -1021)
        #expect(replies[8]["error"]?["code"]?.int == -1013)
        for (i, r) in replies.enumerated() { #expect(r["id"]?.int == i + 1) }
    }

    /// Ed25519 API keys: the base64 Ed25519 signature of the sorted params is accepted; a
    /// signature of other params is -1022 (RFC 8032 test key).
    @Test func ed25519SignedWebSocketRequest() throws {
        let path = try Self.writeMarket()
        var seed: [UInt8] = []
        let hex = Array("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60".utf8)
        for i in stride(from: 0, to: hex.count, by: 2) { seed.append(UInt8(String(decoding: hex[i..<(i + 2)], as: UTF8.self), radix: 16)!) }
        let publicKey = try #require(RequestSigner.ed25519PublicKey(privateKey: seed))
        let sim = try makeSimulator([path], held: true, waitFor: 0, credentials: [SimulatorCredential(apiKey: "ed-key", ed25519PublicKey: publicKey)])
        defer { sim.stop() }
        Self.step(sim, 2)
        let ts = String(SimulatorConfiguration.wallClockMillis())
        let params: [(String, String)] = [("apiKey", "ed-key"), ("symbol", "TESTUSDT"), ("side", "SELL"), ("type", "LIMIT"), ("timeInForce", "GTC"),
                                          ("quantity", "1.000"), ("price", "101.0"), ("timestamp", ts)]
        let payload = params.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let good = Data(try #require(RequestSigner.ed25519Sign(privateKey: seed, message: Array(payload.utf8)))).base64EncodedString()
        let bad = Data(try #require(RequestSigner.ed25519Sign(privateKey: seed, message: Array((payload + "0").utf8)))).base64EncodedString()
        func request(_ id: Int, _ signature: String) -> String {
            "{\"id\":\(id),\"method\":\"order.place\",\"params\":{" + (params + [("signature", signature)]).map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}}"
        }
        let (client, received, _) = makeClient("\(sim.webSocketBase)/ws-fapi/v1", subscribe: [request(1, good), request(2, bad)])
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { received.count == 2 })
        let replies = received.all.map { Self.json(String(decoding: $0, as: UTF8.self)) }
        #expect(replies.first?["result"]?["status"]?.text == "NEW")
        #expect(replies.last?["error"]?["code"]?.int == -1022)
    }

    /// Market and marketable limit orders walk the levels they cross; the remainder rests
    /// (partial fill); user-data events arrive in order.
    @Test func marketAndMarketableLimitWalkTheBook() async throws {
        let path = try Self.writeMarket()
        let sim = try makeSimulator([path], held: true, waitFor: 0, credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)])
        defer { sim.stop() }
        Self.step(sim, 2)
        let (lk, lkBody) = try await http(.post, "\(sim.httpBase)/fapi/v1/listenKey", headers: [HTTPHeader("X-MBX-APIKEY", Self.apiKey)])
        #expect(lk == 200)
        let listenKey = try #require(Self.json(lkBody)["listenKey"]?.text)
        let (user, events, _) = makeClient("\(sim.webSocketBase)/ws/\(listenKey)")
        try user.start()
        defer { user.stop() }
        #expect(waitUntil(5) { sim.userDataSubscriberCount == 1 })

        let ts = { String(SimulatorConfiguration.wallClockMillis()) }
        var (status, body) = try await Self.rest(sim, .post, "symbol=TESTUSDT&side=BUY&type=MARKET&quantity=3.000&newClientOrderId=m1&timestamp=\(ts())")
        #expect(status == 200, "\(body)")
        var o = Self.json(body)
        #expect(o["status"]?.text == "FILLED" && o["executedQty"]?.text == "3.000" && o["cumQuote"]?.text == "300.4", "\(body)")

        (status, body) = try await Self.rest(sim, .post, "symbol=TESTUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=10.000&price=99.9&newClientOrderId=l1&timestamp=\(ts())")
        o = Self.json(body)
        #expect(o["status"]?.text == "PARTIALLY_FILLED" && o["executedQty"]?.text == "8.000", "\(body)")
        #expect(o["cumQuote"]?.text == "799.7", "\(body)")   // 5 × 100.0 + 3 × 99.9
        let orderId = try #require(o["orderId"]?.int)

        (status, body) = try await Self.rest(sim, .delete, "symbol=TESTUSDT&orderId=\(orderId)&timestamp=\(ts())")
        o = Self.json(body)
        #expect(status == 200 && o["status"]?.text == "CANCELED" && o["executedQty"]?.text == "8.000", "\(body)")
        (_, body) = try await Self.rest(sim, .delete, "symbol=TESTUSDT&orderId=\(orderId)&timestamp=\(ts())")
        #expect(Self.json(body)["code"]?.int == -2011)

        // Events: m1 NEW, TRADE 2@100.1 (partial), TRADE 1@100.2 (filled); l1 NEW, TRADE 5@100.0, TRADE 3@99.9, CANCELED.
        #expect(waitUntil(5) { events.count == 7 })
        let e = events.all.map { Self.json(String(decoding: $0, as: UTF8.self)) }
        let summary = e.map { "\($0["o"]?["c"]?.text ?? "") \($0["o"]?["x"]?.text ?? "") \($0["o"]?["X"]?.text ?? "") \($0["o"]?["l"]?.text ?? "")@\($0["o"]?["L"]?.text ?? "")" }
        #expect(summary == [
            "m1 NEW NEW 0.000@0.0", "m1 TRADE PARTIALLY_FILLED 2.000@100.1", "m1 TRADE FILLED 1.000@100.2",
            "l1 NEW NEW 0.000@0.0", "l1 TRADE PARTIALLY_FILLED 5.000@100.0", "l1 TRADE PARTIALLY_FILLED 3.000@99.9", "l1 CANCELED CANCELED 0.000@0.0",
        ])
        #expect(e.allSatisfy { $0["e"]?.text == "ORDER_TRADE_UPDATE" })
        #expect(e[1]["o"]?["m"] == .bool(false))
    }

    /// A resting bid joins behind the 5.000 displayed at 100.0: a 3.000 print leaves 2.000 ahead
    /// (no fill), the next 3.000 print consumes them and fills 1.000 of ours, a print through the
    /// price fills the rest.
    @Test func restingOrderFillsOnlyAfterTheQueueAhead() async throws {
        let path = try Self.writeMarket()
        let sim = try makeSimulator([path], held: true, waitFor: 0, credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)])
        defer { sim.stop() }
        Self.step(sim, 2)
        let (_, lkBody) = try await http(.post, "\(sim.httpBase)/fapi/v1/listenKey", headers: [HTTPHeader("X-MBX-APIKEY", Self.apiKey)])
        let listenKey = try #require(Self.json(lkBody)["listenKey"]?.text)
        let (user, events, _) = makeClient("\(sim.webSocketBase)/ws/\(listenKey)")
        try user.start()
        defer { user.stop() }
        #expect(waitUntil(5) { sim.userDataSubscriberCount == 1 })
        let ts = { String(SimulatorConfiguration.wallClockMillis()) }
        let (_, body) = try await Self.rest(sim, .post, "symbol=TESTUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=2.000&price=100.0&newClientOrderId=q1&timestamp=\(ts())")
        #expect(Self.json(body)["status"]?.text == "NEW", "\(body)")
        func status() async throws -> (String, String) {
            let (_, b) = try await Self.rest(sim, .get, "symbol=TESTUSDT&origClientOrderId=q1&timestamp=\(ts())")
            let o = Self.json(b)
            return (o["status"]?.text ?? "?", o["executedQty"]?.text ?? "?")
        }
        Self.step(sim, 1)   // trade 3.000 @ 100.0: 2.000 still ahead
        #expect(try await status() == ("NEW", "0.000"))
        Self.step(sim, 1)   // level 100.0 → 2.000: still 2.000 ahead
        #expect(try await status() == ("NEW", "0.000"))
        Self.step(sim, 1)   // trade 3.000 @ 100.0: 2.000 ahead consumed, 1.000 of ours
        #expect(try await status() == ("PARTIALLY_FILLED", "1.000"))
        Self.step(sim, 1)   // level 100.0 removed: nothing more
        #expect(try await status() == ("PARTIALLY_FILLED", "1.000"))
        Self.step(sim, 1)   // sell print at 99.9 goes through our 100.0 bid
        #expect(try await status() == ("FILLED", "2.000"))
        #expect(waitUntil(5) { events.count == 3 })
        let x = events.all.map { Self.json(String(decoding: $0, as: UTF8.self))["o"] }
        #expect(x.map { $0?["X"]?.text ?? "" } == ["NEW", "PARTIALLY_FILLED", "FILLED"])
        #expect(x.map { $0?["m"] ?? .null } == [.bool(false), .bool(true), .bool(true)])
    }
}
