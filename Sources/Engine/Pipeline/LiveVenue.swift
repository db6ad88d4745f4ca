import Execution
import Foundation
import HFTPrimitives
import HFTRuntime
import Synchronization
import Transport
import Venues

/// The cold side of live trading: takes `LiveOrderRequest`s from the Execution stage's ring,
/// signs and sends them over the Binance WebSocket API (REST while it is down), and returns what
/// the venue says — replies and the user-data stream's `ORDER_TRADE_UPDATE`s — as
/// `LiveVenueReport`s through the other ring, never dropping one.
///
/// Requests are handled one at a time in ring order on one task (a cancel never overtakes its
/// place). A place or cancel whose outcome is unknown is followed by `order.status` (retried
/// `reconcileAttempts` times) so the order is settled, never guessed. The listen key comes from
/// `POST /fapi/v1/listenKey` and is kept alive with `PUT` every `listenKeyKeepalive`.
/// - Warning: cold path (allocates, parses JSON, awaits); the Execution stage's side of the rings is
///   the only part on the hot path.
public final class LiveVenue: @unchecked Sendable {
    // SAFETY: the rings are created in init and never replaced; `requests` is consumed only by the
    // pump task (one task at a time, see `start`/`stop`), `reports` is produced only through
    // `outbox` (mutex); the Execution stage owns the other ends. Mutable state is in mutexes.
    public let configuration: LiveVenueConfiguration
    let requests: Ring<LiveOrderRequest>
    let reports: Ring<LiveVenueReport>
    let outbox: LiveReportOutbox
    public let gateway: BinanceWebSocketOrderGateway
    let http: HTTPClient
    let userData = Mutex<WebSocketClient<LiveUserDataSink, MonotonicReceiveClock>?>(nil)
    let tasks = Mutex<[Task<Void, Never>]>([])
    let stopped = Atomic<Bool>(false)
    let started = Mutex<Bool>(false)
    public let counters = LiveVenueCounters()

    public init(configuration: LiveVenueConfiguration) throws {
        self.configuration = configuration
        requests = Ring(capacity: configuration.ringCapacity)
        reports = Ring(capacity: configuration.ringCapacity)
        outbox = LiveReportOutbox(producer: reports.producer)
        let requests = BinanceOrderRequests(credentials: configuration.credentials, symbol: configuration.symbol, spec: configuration.spec)
        gateway = try BinanceWebSocketOrderGateway(configuration: configuration.gateway, requests: requests)
        http = HTTPClient(configuration: HTTPClientConfiguration(allowInsecureLoopbackTLS: configuration.gateway.allowInsecureLoopbackTLS))
    }

    deinit { stopNow() }

    /// The Execution stage's ends of the rings.
    var requestProducer: RingProducer<LiveOrderRequest> { requests.producer }
    var reportConsumer: RingConsumer<LiveVenueReport> { reports.consumer }

    /// Connects: the gateway (WebSocket API + REST), a listen key, the user-data stream; then
    /// starts handling requests. Throws when the venue refuses the key or cannot be reached.
    /// Later calls after a successful one return at once.
    public func start() async throws {
        guard !started.withLock({ $0 }) else { return }
        try await connect()
        started.withLock { $0 = true }
    }

    /// Whether `start` succeeded.
    public var isStarted: Bool { started.withLock { $0 } }

    func connect() async throws {
        try gateway.start()
        try http.start()
        let key = try await listenKey(method: .post)
        guard let url = TransportURL(configuration.userDataBase + "/ws/" + key) else {
            throw LiveVenueError.badURL(configuration.userDataBase)
        }
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: url, maxMessageBytes: 1 << 16, allowInsecureLoopbackTLS: configuration.gateway.allowInsecureLoopbackTLS,
            threadName: "hft-user-data"),
            sink: LiveUserDataSink(requests: gateway.requests, outbox: outbox, counters: counters))
        try client.start()
        userData.withLock { $0 = client }
        let pump = Task.detached { [self] in await self.pump() }
        let keepalive = Task.detached { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .nanoseconds(self.configuration.listenKeyKeepalive.raw))
                if Task.isCancelled { break }
                if (try? await self.listenKey(method: .put)) != nil {
                    // ORDERING: relaxed; a statistic.
                    self.counters.keepalives.wrappingAdd(1, ordering: .relaxed)
                }
            }
        }
        tasks.withLock { $0 = [pump, keepalive] }
    }

    /// Stops handling requests and closes every connection (requests in flight end `outcomeUnknown`).
    public func stop() async {
        let running = tasks.withLock { t -> [Task<Void, Never>] in
            defer { t.removeAll() }
            return t
        }
        for t in running { t.cancel() }
        for t in running { await t.value }
        stopNow()
    }

    func stopNow() {
        // ORDERING: relaxed; idempotence only (the joins below synchronise).
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        let client = userData.withLock { c -> WebSocketClient<LiveUserDataSink, MonotonicReceiveClock>? in
            defer { c = nil }
            return c
        }
        client?.stop()
        gateway.stop()
        http.stop()
    }

    /// The user-data stream is connected and the WebSocket API is up.
    public var isConnected: Bool { gateway.isConnected && (userData.withLock { $0 != nil }) }

    func listenKey(method: HTTPRequest.Method) async throws -> String {
        guard let url = TransportURL(configuration.gateway.restBase + "/fapi/v1/listenKey") else {
            throw LiveVenueError.badURL(configuration.gateway.restBase)
        }
        let response = try await http.execute(HTTPRequest(method: method, url: url,
                                                          headers: [HTTPHeader("X-MBX-APIKEY", configuration.credentials.apiKey)],
                                                          timeout: configuration.gateway.requestTimeout))
        guard response.status == 200 else { throw LiveVenueError.listenKeyRefused(response.status) }
        if method == .put { return "" }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let key = object["listenKey"] as? String, !key.isEmpty else { throw LiveVenueError.listenKeyRefused(response.status) }
        return key
    }

    /// Handles requests in ring order until cancelled.
    func pump() async {
        let consumer = requests.consumer
        while !Task.isCancelled {
            outbox.flush()
            var worked = false
            while !Task.isCancelled, let request = consumer.pop() {
                worked = true
                await handle(request)
                // ORDERING: relaxed; a statistic.
                counters.requestsHandled.wrappingAdd(1, ordering: .relaxed)
            }
            if !worked { try? await Task.sleep(for: .microseconds(200)) }
        }
    }

    func handle(_ r: LiveOrderRequest) async {
        let id = r.clientOrderId
        switch r.action {
        case .place:
            let order = Order(intent: Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 1), side: r.side, kind: r.kind,
                                             timeInForce: r.timeInForce, price: r.price, quantity: r.quantity), clientOrderId: id)
            let outcome = await gateway.place(order)
            switch outcome {
            case .reply(.order(let o)) where o.status == .rejected:
                outbox.push(LiveVenueReport(.rejected, clientOrderId: id, venueOrderId: o.orderId, code: -2010))
            case .reply(.order(let o)):
                outbox.push(LiveVenueReport(.acked, clientOrderId: id, venueOrderId: o.orderId))
            case .reply(.error(let code, _)):
                outbox.push(LiveVenueReport(.rejected, clientOrderId: id, code: code))
            case .outcomeUnknown:
                outbox.push(LiveVenueReport(.outcomeUnknown, clientOrderId: id))
                await reconcile(id)
            case .notSent, .invalidRequest:
                // Nothing reached the venue: refused locally with Binance's "rejected" code.
                outbox.push(LiveVenueReport(.rejected, clientOrderId: id, code: -2010))
            }
        case .cancel:
            let outcome = await gateway.cancel(id)
            switch outcome {
            case .reply(.order(let o)):
                outbox.push(LiveVenueReport(.reconciled, clientOrderId: id, venueOrderId: o.orderId, status: o.status, cumulative: o.executedQuantity))
            case .reply(.error(let code, _)):
                outbox.push(LiveVenueReport(.cancelRefused, clientOrderId: id, code: code))
            case .outcomeUnknown:
                outbox.push(LiveVenueReport(.outcomeUnknown, clientOrderId: id))
                await reconcile(id)
            case .notSent, .invalidRequest:
                outbox.push(LiveVenueReport(.cancelRefused, clientOrderId: id))
            }
        case .status:
            await reconcile(id)
        }
    }

    /// Asks the venue for the order's state until it answers (or the attempts run out).
    func reconcile(_ id: ClientOrderId) async {
        for attempt in 0..<max(1, configuration.reconcileAttempts) {
            if attempt > 0 { try? await Task.sleep(for: .nanoseconds(configuration.reconcileRetryDelay.raw)) }
            if Task.isCancelled { return }
            switch await gateway.status(id) {
            case .reply(.order(let o)):
                outbox.push(LiveVenueReport(.reconciled, clientOrderId: id, venueOrderId: o.orderId, status: o.status, cumulative: o.executedQuantity))
                return
            case .reply(.error(-2013, _)):
                outbox.push(LiveVenueReport(.notFound, clientOrderId: id, code: -2013))
                return
            case .reply(.error), .outcomeUnknown, .notSent, .invalidRequest:
                continue
            }
        }
    }
}
