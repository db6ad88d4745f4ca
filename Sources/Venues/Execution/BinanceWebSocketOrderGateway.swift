import Execution
import HFTPrimitives
import Synchronization
import Transport

/// Binance USD-M order entry over the WebSocket API (`order.place`, `order.cancel`,
/// `order.status` on one connection to `configuration.webSocketAPI`), with REST
/// (`BinanceOrderGateway`) as the fallback while that connection is down.
///
/// Requests carry `apiKey`, `timestamp` and an HMAC-SHA256 `signature` over the sorted
/// parameters (`BinanceOrderRequests.webSocketRequest`) and a unique `id`; the reply with that
/// `id` settles the request. A request with no reply within `requestTimeout`, or in flight when
/// the connection drops, is `outcomeUnknown` (never guessed): `status` settles it later. Weight
/// and order-count budgets are shared with the REST gateway (the venue counts both).
///
/// Outcomes map onto `OrderEvent`s with `BinanceOrderGateway.placeEvents` / `cancelEvents` /
/// `statusEvents`, exactly as over REST. Fills come from the user-data stream.
/// - Warning: cold path (allocates, awaits, parses JSON): one call per order action.
public final class BinanceWebSocketOrderGateway: Sendable {
    public let configuration: BinanceOrderGatewayConfiguration
    public var requests: BinanceOrderRequests { rest.requests }
    /// The REST gateway used while the WebSocket API connection is down (and for its budgets).
    public let rest: BinanceOrderGateway
    let client: WebSocketClient<WebSocketAPIReplySink, MonotonicReceiveClock>
    let pending: WebSocketAPIPendingRequests
    let state: WebSocketAPIConnectionState
    let nextRequest = Atomic<UInt64>(1)

    /// - Parameter reconnect: the WebSocket API connection's reconnect policy.
    public init(configuration: BinanceOrderGatewayConfiguration, requests: BinanceOrderRequests,
                reconnect: ReconnectPolicy = ReconnectPolicy(baseDelay: .milliseconds(200), maxDelay: .seconds(5))) throws(TransportError) {
        self.configuration = configuration
        rest = BinanceOrderGateway(configuration: configuration, requests: requests)
        guard let url = TransportURL(configuration.webSocketAPI) else {
            throw .unsupportedScheme("bad WebSocket API URL \(configuration.webSocketAPI)")
        }
        let pending = WebSocketAPIPendingRequests()
        let state = WebSocketAPIConnectionState()
        self.pending = pending
        self.state = state
        let clientConfiguration = WebSocketClientConfiguration(
            url: url, maxOutboundMessageBytes: 4_096, sendQueueBytes: 1 << 18, maxMessageBytes: 1 << 16, reconnect: reconnect,
            allowInsecureLoopbackTLS: configuration.allowInsecureLoopbackTLS, threadName: "hft-ws-api")
        client = WebSocketClient(configuration: clientConfiguration, sink: WebSocketAPIReplySink(pending: pending, spec: requests.spec)) { event in
            switch event {
            case .open(let c):
                state.opened(c)
            case .closed(let c, _):
                // Every request in flight on the lost connection: the venue may or may not have acted.
                if state.closed(c) { pending.failAll(.outcomeUnknown(.closedBeforeCompletion)) { state.countDropped($0) } }
            case .connecting, .reconnecting, .stale, .switched:
                break
            }
        }
    }

    /// Starts the REST client and the WebSocket API connection (which connects in the background).
    public func start() throws(TransportError) {
        try rest.start()
        do throws(TransportError) { try client.start() } catch {
            rest.stop()
            throw error
        }
    }

    /// Stops both; requests still in flight end as `outcomeUnknown`.
    public func stop() {
        client.stop()
        pending.failAll(.outcomeUnknown(.cancelled))
        rest.stop()
    }

    /// The WebSocket API connection is open (requests go over it; otherwise over REST).
    public var isConnected: Bool { state.isOpen }
    /// Requests sent over REST because the WebSocket API connection was down.
    public var restFallbacks: UInt64 { state.restFallbacks.load(ordering: .relaxed) }
    /// Requests that were in flight when their connection dropped (each ended `outcomeUnknown`).
    public var droppedInFlight: UInt64 { state.droppedInFlight.load(ordering: .relaxed) }
    /// Requests awaiting a reply now.
    public var inFlight: Int { pending.count }
    /// The WebSocket client's counters (sent, queue full, undelivered, reconnects…).
    public var transportCounters: WebSocketClientStatistics { client.counters.snapshot }

    /// Places `order` (`order.place`; its client id goes out as `newClientOrderId`).
    public func place(_ order: Order) async -> BinanceGatewayOutcome {
        let parameters = requests.placeParameters(order, timestampMillis: BinanceOrderGateway.wallMillis())
        return await send("order.place", parameters, isOrder: true) { await self.rest.place(order) }
    }

    /// Cancels by client order id (`order.cancel`).
    public func cancel(_ id: ClientOrderId) async -> BinanceGatewayOutcome {
        let parameters = requests.orderParameters(id, timestampMillis: BinanceOrderGateway.wallMillis())
        return await send("order.cancel", parameters, isOrder: false) { await self.rest.cancel(id) }
    }

    /// Queries the order (`order.status`; reconciliation).
    public func status(_ id: ClientOrderId) async -> BinanceGatewayOutcome {
        let parameters = requests.orderParameters(id, timestampMillis: BinanceOrderGateway.wallMillis())
        return await send("order.status", parameters, isOrder: false) { await self.rest.status(id) }
    }

    func send(_ method: String, _ parameters: [(String, String)], isOrder: Bool,
              fallback: @Sendable () async -> BinanceGatewayOutcome) async -> BinanceGatewayOutcome {
        guard state.isOpen else {
            // ORDERING: relaxed; a statistic.
            state.restFallbacks.wrappingAdd(1, ordering: .relaxed)
            return await fallback()
        }
        let now = BinanceOrderGateway.monotonic()
        let wait = rest.weight.reserve(weight: 1, now: now)
        if wait.raw > 0 { return .notSent(retryAfter: wait) }
        if isOrder {
            let w = rest.orderCount.reserve(weight: 1, now: now)
            if w.raw > 0 { return .notSent(retryAfter: w) }
        }
        // ORDERING: relaxed; only uniqueness matters.
        let id = "r" + String(nextRequest.wrappingAdd(1, ordering: .relaxed).oldValue)
        let text = requests.webSocketRequest(id: id, method: method, parameters)
        let pending = self.pending
        let timeout = configuration.requestTimeout
        let result = await withCheckedContinuation { (waiter: CheckedContinuation<WebSocketAPIRequestResult, Never>) in
            pending.register(id, waiter)
            let sent = client.send(text: text)
            guard case .queued = sent else {
                pending.resolve(id, .notQueued(sent))
                return
            }
            Task.detached {
                try? await Task.sleep(for: .nanoseconds(timeout.raw))
                pending.resolve(id, .done(.outcomeUnknown(.timedOut)))
            }
        }
        switch result {
        case .done(let outcome):
            return outcome
        case .notQueued(.notConnected):
            // The connection went down between the check and the send: nothing left; use REST.
            // ORDERING: relaxed; a statistic.
            state.restFallbacks.wrappingAdd(1, ordering: .relaxed)
            return await fallback()
        case .notQueued(.queueFull):
            return .notSent(retryAfter: .milliseconds(1))
        case .notQueued(.tooLarge), .notQueued(.queued):
            return .invalidRequest("request of \(text.utf8.count) bytes does not fit the WebSocket API client")
        }
    }
}
