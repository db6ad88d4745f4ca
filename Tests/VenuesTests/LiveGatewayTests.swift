import CSystemShims
import Execution
import Foundation
import HFTPrimitives
import HFTTestSupport
import Signing
import Simulator
import Synchronization
import Testing
import Transport
@testable import Venues

/// The Binance USD-M order gateway against `hft sim`'s order API on loopback (in-process
/// `MarketSimulator`): place, ack, partial and full fills from the user-data stream, cancel,
/// rejects with Binance's codes, and a connection dropped mid-request leaving the order
/// `outcomeUnknown` until `status` reconciles it. Every event goes through the journaled
/// `OrderManager`.
@Suite(.serialized)
struct LiveGatewayTests {
    static let apiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    static let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

    /// Snapshot bids 100.0×5, 99.9×3; asks 100.1×2, 100.2×4; then a diff adding 99.8×1.
    static let market = """
        1000 {"lastUpdateId":100,"E":1,"T":1,"bids":[["100.0","5.000"],["99.9","3.000"]],"asks":[["100.1","2.000"],["100.2","4.000"]]}
        2000 {"stream":"testusdt@depth@0ms","data":{"e":"depthUpdate","E":2,"T":2,"s":"TESTUSDT","U":99,"u":101,"pu":98,"b":[["99.8","1.000"]],"a":[]}}
        3000 {"stream":"testusdt@trade","data":{"e":"trade","E":3,"T":3,"s":"TESTUSDT","t":1,"p":"100.0","q":"3.000","X":"MARKET","m":true}}

        """

    final class Messages: Sendable {
        let all = Mutex<[[UInt8]]>([])
        var count: Int { all.withLock { $0.count } }
    }

    struct CopySink: WebSocketMessageSink {
        let messages: Messages
        mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
            let copy = Array(bytes)
            messages.all.withLock { $0.append(copy) }
            return true
        }
    }

    static func poll(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = hft_monotonic_ns() + Int64(seconds * 1e9)
        while hft_monotonic_ns() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }

    /// Applies every user-data message from `from` on; returns the new cursor.
    static func applyUserData(_ messages: Messages, from: Int, manager: inout OrderManager, requests: BinanceOrderRequests) -> Int {
        let batch = messages.all.withLock { Array($0[from...]) }
        for m in batch {
            guard let u = BinanceOrderUpdate.parse(m, spec: requests.spec), let id = requests.clientOrderId(wire: u.clientOrderId),
                  let order = manager.order(id) else { continue }
            for e in u.events(for: order) { _ = manager.apply(e, to: id, now: .zero) }
        }
        return from + batch.count
    }

    static func intent(_ side: Side, _ kind: OrderKind, px: Int64, qty: Int64, tif: TimeInForce = .gtc) -> Intent {
        Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 1), side: side, kind: kind, timeInForce: tif,
               price: Price(raw: px), quantity: Quantity(raw: qty))
    }

    /// Admits, journals `.sent`, places through `gateway`, applies the outcome.
    static func place(_ intent: Intent, _ manager: inout OrderManager, _ gateway: BinanceOrderGateway) async throws -> (ClientOrderId, BinanceGatewayOutcome) {
        try await place(intent, &manager) { await gateway.place($0) }
    }

    /// Admits, journals `.sent`, places through `send` (any gateway), applies the outcome.
    static func place(_ intent: Intent, _ manager: inout OrderManager,
                      via send: (Order) async -> BinanceGatewayOutcome) async throws -> (ClientOrderId, BinanceGatewayOutcome) {
        guard case .admitted(let id) = manager.admit(intent, now: .zero) else { throw CancellationError() }
        #expect(manager.apply(.sent, to: id, now: .zero).isApplied)
        guard let order = manager.order(id) else { throw CancellationError() }
        let outcome = await send(order)
        for e in BinanceOrderGateway.placeEvents(outcome) { _ = manager.apply(e, to: id, now: .zero) }
        return (id, outcome)
    }

    @Test func placeFillCancelRejectDisconnectAndReconcile() async throws {
        let marketPath = TestScratch.path("live-gw", suffix: ".hb")
        try Self.market.write(toFile: marketPath, atomically: true, encoding: .utf8)
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [marketPath], waitForSubscribers: 0, startHeld: true, credentials: [SimulatorCredential(apiKey: Self.apiKey, secret: Self.secret)]))
        try sim.start()
        defer { sim.stop() }
        let target = sim.position + 2
        sim.step(frames: 2)
        #expect(Self.poll(5) { sim.position == target })
        let spec = try #require(sim.instruments.first { $0.symbol == "TESTUSDT" }).spec

        let credentials = VenueCredentials(apiKey: Self.apiKey, secret: Self.secret)
        let requests = BinanceOrderRequests(credentials: credentials, symbol: "TESTUSDT", spec: spec)
        let config = BinanceOrderGatewayConfiguration(restBase: sim.httpBase, webSocketAPI: sim.webSocketBase, requestTimeout: .seconds(3))
        let gateway = BinanceOrderGateway(configuration: config, requests: requests)
        try gateway.start()
        defer { gateway.stop() }

        // User-data stream.
        let listen = HTTPClient()
        try listen.start()
        let lk = try await listen.execute(HTTPRequest(method: .post, url: TransportURL("\(sim.httpBase)/fapi/v1/listenKey")!,
                                                      headers: [HTTPHeader("X-MBX-APIKEY", Self.apiKey)]))
        listen.stop()
        let listenKey = try #require((try JSONSerialization.jsonObject(with: Data(lk.body)) as? [String: Any])?["listenKey"] as? String)
        let messages = Messages()
        let user = WebSocketClient(configuration: WebSocketClientConfiguration(url: TransportURL("\(sim.webSocketBase)/ws/\(listenKey)")!),
                                   sink: CopySink(messages: messages))
        try user.start()
        defer { user.stop() }
        #expect(Self.poll(5) { sim.userDataSubscriberCount == 1 })

        let journal = TestScratch.path("live-gw-journal", suffix: ".log")
        var manager = try OrderManager.open(OrderManagerConfiguration(journalPath: journal, capacity: 64))
        var cursor = 0

        // 1. Market buy 3.000: ack, then 2.000 @ 100.1 and 1.000 @ 100.2 from the stream.
        let (m1, o1) = try await Self.place(Self.intent(.buy, .market, px: 0, qty: 3_000), &manager, gateway)
        guard case .reply(.order(let s1)) = o1 else { Issue.record("place: \(o1)"); return }
        #expect(s1.status == .filled && s1.clientOrderId == "hft-\(m1.raw)")
        #expect(Self.poll(5) { messages.count >= 3 })
        cursor = Self.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        guard var o = manager.order(m1) else { Issue.record("order missing"); return }
        #expect(o.status == .filled && o.filled.raw == 3_000 && o.venueOrderId.raw == s1.orderId)
        #expect(o.filledNotional == 1_001 * 2_000 + 1_002 * 1_000)

        // 2. Limit sell 10.000 @ 99.9: 5 @ 100.0 and 3 @ 99.9 fill, 2.000 rest (partial).
        let (l1, o2) = try await Self.place(Self.intent(.sell, .limit, px: 999, qty: 10_000), &manager, gateway)
        guard case .reply(.order(let s2)) = o2 else { Issue.record("place: \(o2)"); return }
        #expect(s2.status == .partiallyFilled && s2.executedQuantity.raw == 8_000)
        #expect(Self.poll(5) { messages.count >= 6 })
        cursor = Self.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        o = manager.order(l1) ?? o
        #expect(o.status == .partiallyFilled && o.filled.raw == 8_000)
        #expect(manager.exposure(InstrumentId(raw: 0)).position.raw == 3_000 - 8_000)
        #expect(manager.exposure(InstrumentId(raw: 0)).workingSell.raw == 2_000)

        // 3. Cancel the rest.
        #expect(manager.apply(.cancelRequested, to: l1, now: .zero).isApplied)
        let c1 = await gateway.cancel(l1)
        for e in BinanceOrderGateway.cancelEvents(c1, order: manager.order(l1)!) { _ = manager.apply(e, to: l1, now: .zero) }
        o = manager.order(l1) ?? o
        #expect(o.status == .canceled && o.filled.raw == 8_000)
        #expect(await gateway.cancel(l1) == .reply(.error(code: -2011, message: "Unknown order sent.")))
        #expect(Self.poll(5) { messages.count >= 7 })
        cursor = Self.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        #expect(manager.duplicates >= 1)                  // the stream's CANCELED repeats the REST answer
        #expect(manager.exposure(InstrumentId(raw: 0)).openOrders == 0)

        // 4. Rejects with Binance's codes: post-only that would take (-5022), bad signature (-1022).
        let (p1, o3) = try await Self.place(Self.intent(.buy, .limit, px: 1_002, qty: 1_000, tif: .postOnly), &manager, gateway)
        #expect(o3 == .reply(.error(code: -5022, message: "Due to the order could not be executed as maker, the Post Only order will be rejected.")))
        #expect(manager.order(p1)?.status == .rejected)
        let forged = BinanceOrderGateway(configuration: config, requests: BinanceOrderRequests(
            credentials: VenueCredentials(apiKey: Self.apiKey, secret: "wrong"), symbol: "TESTUSDT", spec: spec))
        try forged.start()
        let (f1, o4) = try await Self.place(Self.intent(.buy, .limit, px: 998, qty: 1_000), &manager, forged)
        forged.stop()
        guard case .reply(.error(let code, _)) = o4 else { Issue.record("forged: \(o4)"); return }
        #expect(code == -1022 && manager.order(f1)?.status == .rejected)
        #expect(gateway.serverUsedWeight >= 0)

        // 5. The connection drops after the request reached the venue: outcome unknown, then
        //    `order.status` over a good connection settles it (the order rests at 99.8, acked).
        let proxy = try DroppingProxy(upstreamPort: UInt16(sim.port))
        let lossy = BinanceOrderGateway(configuration: BinanceOrderGatewayConfiguration(restBase: "http://127.0.0.1:\(proxy.port)", webSocketAPI: "",
                                                                                       requestTimeout: .seconds(3)), requests: requests)
        try lossy.start()
        let (u1, o5) = try await Self.place(Self.intent(.buy, .limit, px: 998, qty: 1_000), &manager, lossy)
        lossy.stop()
        proxy.join()
        guard case .outcomeUnknown = o5 else { Issue.record("dropped: \(o5)"); return }
        #expect(manager.order(u1)?.status == .outcomeUnknown)
        #expect(manager.ordersAwaitingReconciliation().map(\.clientOrderId) == [u1])
        #expect(manager.admit(Self.intent(.buy, .limit, px: 998, qty: 1), now: .zero) != .awaitingReconciliation)  // only restarts block trading
        let st = await gateway.status(u1)
        let events = BinanceOrderGateway.statusEvents(st, order: manager.order(u1)!)
        #expect(events == [.reconciled(status: .acked, filled: .zero)])
        for e in events { _ = manager.apply(e, to: u1, now: .zero) }
        #expect(manager.order(u1)?.status == .acked)
        #expect(manager.ordersAwaitingReconciliation().isEmpty)
        _ = Self.applyUserData(messages, from: cursor, manager: &manager, requests: requests)
        #expect(manager.checkInvariants() == nil)

        // A place that never reached the venue (-2013 on status) reconciles to rejected.
        guard case .admitted(let ghost) = manager.admit(Self.intent(.buy, .limit, px: 997, qty: 1_000), now: .zero) else { throw CancellationError() }
        _ = manager.apply(.sent, to: ghost, now: .zero)
        _ = manager.apply(.outcomeUnknown, to: ghost, now: .zero)
        let gs = await gateway.status(ghost)
        #expect(BinanceOrderGateway.statusEvents(gs, order: manager.order(ghost)!) == [.reconciled(status: .rejected, filled: .zero)])
    }
}

/// A one-shot TCP proxy that forwards one HTTP request to the upstream, waits for the start of
/// its answer (so the venue has acted), then closes the client connection without relaying it.
final class DroppingProxy: @unchecked Sendable {
    // SAFETY: `listener` and `port` are set in init and only read after; the thread owns the sockets it opens.
    let listener: Int32
    let port: Int
    let thread: Thread
    final class Flag: Sendable {
        let value = Mutex<Bool>(false)
    }
    let done = Flag()

    init(upstreamPort: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        // SAFETY: `addr` is a sockaddr_in of `len` bytes for the duration of each call.
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound, listen(fd, 1) == 0 else { throw CancellationError() }
        listener = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        let done = self.done
        thread = Thread {
            defer { done.value.withLock { $0 = true } }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var request: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 4096)
            while !request.suffix(4).elementsEqual([13, 10, 13, 10]) {
                let n = buf.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                request += buf[0..<n]
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(upstream) }
            var up = sockaddr_in()
            up.sin_family = sa_family_t(AF_INET)
            up.sin_addr.s_addr = inet_addr("127.0.0.1")
            up.sin_port = upstreamPort.bigEndian
            // SAFETY: `up` is a sockaddr_in for the duration of the call.
            let connected = withUnsafePointer(to: &up) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            guard connected else { return }
            _ = request.withUnsafeBytes { write(upstream, $0.baseAddress, $0.count) }
            _ = buf.withUnsafeMutableBytes { read(upstream, $0.baseAddress, $0.count) }   // the venue answered: drop it
        }
        thread.start()
    }

    /// Waits for the proxy thread to finish, then closes the listener.
    func join() {
        while !done.value.withLock({ $0 }) { usleep(1_000) }
        close(listener)
    }
}
