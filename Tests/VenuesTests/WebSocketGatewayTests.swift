import CSystemShims
import Execution
import Foundation
import HFTPrimitives
import HFTTestSupport
import Simulator
import Synchronization
import Testing
import Transport
@testable import Venues

/// The Binance USD-M WebSocket API order gateway against `hft sim`'s `/ws-fapi/v1` on loopback:
/// place, ack, partial and full fills from the user-data stream, cancel, rejects with Binance's
/// codes, a connection dropped with an order in flight (`outcomeUnknown`, then `order.status`
/// settles it after the reconnect), and REST as the fallback while the WebSocket API is down.
/// Every event goes through the journaled `OrderManager`.
@Suite(.serialized)
struct WebSocketGatewayTests {
    typealias L = LiveGatewayTests

    static func place(_ intent: Intent, _ manager: inout OrderManager, _ gateway: BinanceWebSocketOrderGateway) async throws -> (ClientOrderId, BinanceGatewayOutcome) {
        try await L.place(intent, &manager) { await gateway.place($0) }
    }

    @Test func placeFillCancelRejectDisconnectReconcileAndRestFallback() async throws {
        let marketPath = TestScratch.path("ws-gw", suffix: ".hb")
        try L.market.write(toFile: marketPath, atomically: true, encoding: .utf8)
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [marketPath], waitForSubscribers: 0, startHeld: true, credentials: [SimulatorCredential(apiKey: L.apiKey, secret: L.secret)]))
        try sim.start()
        defer { sim.stop() }
        let target = sim.position + 2
        sim.step(frames: 2)
        #expect(L.poll(5) { sim.position == target })
        let spec = try #require(sim.instruments.first { $0.symbol == "TESTUSDT" }).spec

        let requests = BinanceOrderRequests(credentials: VenueCredentials(apiKey: L.apiKey, secret: L.secret), symbol: "TESTUSDT", spec: spec)
        let config = BinanceOrderGatewayConfiguration(restBase: sim.httpBase, webSocketAPI: sim.webSocketBase + "/ws-fapi/v1", requestTimeout: .seconds(3))
        let gateway = try BinanceWebSocketOrderGateway(configuration: config, requests: requests,
                                                       reconnect: ReconnectPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1)))
        try gateway.start()
        defer { gateway.stop() }
        #expect(L.poll(5) { gateway.isConnected })

        let lk = HTTPClient()
        try lk.start()
        let reply = try await lk.execute(HTTPRequest(method: .post, url: TransportURL("\(sim.httpBase)/fapi/v1/listenKey")!,
                                                     headers: [HTTPHeader("X-MBX-APIKEY", L.apiKey)]))
        lk.stop()
        let listenKey = try #require((try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])?["listenKey"] as? String)
        let messages = L.Messages()
        let user = WebSocketClient(configuration: WebSocketClientConfiguration(url: TransportURL("\(sim.webSocketBase)/ws/\(listenKey)")!),
                                   sink: L.CopySink(messages: messages))
        try user.start()
        defer { user.stop() }
        #expect(L.poll(5) { sim.userDataSubscriberCount == 1 })

        let journal = TestScratch.path("ws-gw-journal", suffix: ".log")
        var manager = try OrderManager.open(OrderManagerConfiguration(journalPath: journal, capacity: 64))
        var cursor = 0

        // 1. Market buy 3.000 over the WebSocket API: 2.000 @ 100.1 and 1.000 @ 100.2 from the stream.
        let (m1, o1) = try await Self.place(L.intent(.buy, .market, px: 0, qty: 3_000), &manager, gateway)
        guard case .reply(.order(let s1)) = o1 else { Issue.record("place: \(o1)"); return }
        #expect(s1.status == .filled && s1.clientOrderId == "hft-\(m1.raw)")
        #expect(L.poll(5) { messages.count >= 3 })
        cursor = L.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        #expect(manager.order(m1)?.status == .filled && manager.order(m1)?.filled.raw == 3_000)
        let notional: Int64 = manager.order(m1)?.filledNotional ?? 0
        #expect(notional == 1_001 * 2_000 + 1_002 * 1_000)

        // 2. Limit sell 10.000 @ 99.9: 8.000 fill, 2.000 rest (partial); then an ack-only resting buy.
        let (l1, o2) = try await Self.place(L.intent(.sell, .limit, px: 999, qty: 10_000), &manager, gateway)
        guard case .reply(.order(let s2)) = o2 else { Issue.record("place: \(o2)"); return }
        #expect(s2.status == .partiallyFilled && s2.executedQuantity.raw == 8_000)
        #expect(L.poll(5) { messages.count >= 6 })
        cursor = L.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        #expect(manager.order(l1)?.status == .partiallyFilled && manager.order(l1)?.filled.raw == 8_000)
        let (a1, o2b) = try await Self.place(L.intent(.buy, .limit, px: 990, qty: 1_000), &manager, gateway)
        guard case .reply(.order(let s2b)) = o2b else { Issue.record("place: \(o2b)"); return }
        #expect(s2b.status == .acked && manager.order(a1)?.status == .acked && manager.order(a1)?.venueOrderId.raw == s2b.orderId)

        // 3. Cancel the rest of the sell; a second cancel is -2011.
        #expect(manager.apply(.cancelRequested, to: l1, now: .zero).isApplied)
        let c1 = await gateway.cancel(l1)
        for e in BinanceOrderGateway.cancelEvents(c1, order: manager.order(l1)!) { _ = manager.apply(e, to: l1, now: .zero) }
        #expect(manager.order(l1)?.status == .canceled && manager.order(l1)?.filled.raw == 8_000)
        #expect(await gateway.cancel(l1) == .reply(.error(code: -2011, message: "Unknown order sent.")))

        // 4. Rejects: post-only that would take (-5022), bad signature (-1022).
        let (p1, o3) = try await Self.place(L.intent(.buy, .limit, px: 1_002, qty: 1_000, tif: .postOnly), &manager, gateway)
        guard case .reply(.error(-5022, _)) = o3 else { Issue.record("post-only: \(o3)"); return }
        #expect(manager.order(p1)?.status == .rejected)
        let forged = try BinanceWebSocketOrderGateway(configuration: config, requests: BinanceOrderRequests(
            credentials: VenueCredentials(apiKey: L.apiKey, secret: "wrong"), symbol: "TESTUSDT", spec: spec))
        try forged.start()
        #expect(L.poll(5) { forged.isConnected })
        let (f1, o4) = try await Self.place(L.intent(.buy, .limit, px: 998, qty: 1_000), &manager, forged)
        forged.stop()
        guard case .reply(.error(-1022, _)) = o4 else { Issue.record("forged: \(o4)"); return }
        #expect(manager.order(f1)?.status == .rejected)
        #expect(gateway.restFallbacks == 0)
        #expect(gateway.transportCounters.sent == 6)   // 3 places, 2 cancels, 1 post-only

        // 5. The venue acts on the next order but its reply never comes: the connection drops with
        //    the order in flight → outcomeUnknown; after the reconnect `order.status` settles it.
        sim.inject(.dropOrderReply)
        let (u1, o5) = try await Self.place(L.intent(.buy, .limit, px: 998, qty: 1_000), &manager, gateway)
        guard case .outcomeUnknown = o5 else { Issue.record("dropped: \(o5)"); return }
        #expect(gateway.droppedInFlight == 1)
        #expect(manager.order(u1)?.status == .outcomeUnknown)
        #expect(manager.ordersAwaitingReconciliation().map(\.clientOrderId) == [u1])
        #expect(L.poll(5) { gateway.isConnected })
        let st = await gateway.status(u1)
        let events = BinanceOrderGateway.statusEvents(st, order: manager.order(u1)!)
        #expect(events == [.reconciled(status: .acked, filled: .zero)])
        for e in events { _ = manager.apply(e, to: u1, now: .zero) }
        #expect(manager.order(u1)?.status == .acked && manager.ordersAwaitingReconciliation().isEmpty)
        #expect(gateway.transportCounters.reconnects == 1)

        // 6. The WebSocket API down (its host refuses): requests go over REST and still work.
        let restOnly = try BinanceWebSocketOrderGateway(configuration: BinanceOrderGatewayConfiguration(
            restBase: sim.httpBase, webSocketAPI: "ws://127.0.0.1:1/ws-fapi/v1", requestTimeout: .seconds(3)), requests: requests)
        try restOnly.start()
        let (r1, o6) = try await Self.place(L.intent(.buy, .limit, px: 997, qty: 1_000), &manager, restOnly)
        #expect(!restOnly.isConnected && restOnly.restFallbacks == 1)
        guard case .reply(.order(let s6)) = o6 else { Issue.record("rest fallback: \(o6)"); return }
        #expect(s6.status == .acked && manager.order(r1)?.status == .acked)
        let c6 = await restOnly.cancel(r1)
        #expect(manager.apply(.cancelRequested, to: r1, now: .zero).isApplied)
        for e in BinanceOrderGateway.cancelEvents(c6, order: manager.order(r1)!) { _ = manager.apply(e, to: r1, now: .zero) }
        #expect(manager.order(r1)?.status == .canceled)
        restOnly.stop()

        _ = L.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        #expect(manager.checkInvariants() == nil)
        #expect(sim.statistics.ordersAccepted >= 5)
    }
}
