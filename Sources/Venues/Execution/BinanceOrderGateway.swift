import Execution
import HFTPrimitives
import Synchronization
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one order request.
public enum BinanceGatewayOutcome: Sendable, Equatable {
    /// Binance answered (an order or an error code).
    case reply(BinanceOrderReply)
    /// The request may have reached Binance but no answer came (timeout, connection dropped or
    /// refused — libwebsockets does not say whether the request bytes left): the order is
    /// `outcomeUnknown` until `status` settles it (-2013 there means it never arrived).
    case outcomeUnknown(HTTPClientError)
    /// Not sent: the local weight or order-count budget is spent (retry after the delay).
    case notSent(retryAfter: Nanos)
    /// Not sent: the request could not be built (bad base URL or scheme).
    case invalidRequest(String)
}

/// Binance USD-M order entry over REST (`POST`/`DELETE`/`GET /fapi/v1/order`), signed with
/// HMAC-SHA256; fills arrive on the user-data stream (`BinanceOrderUpdate`).
///
/// Request weight (`X-MBX-USED-WEIGHT-1M`) and order count (`X-MBX-ORDER-COUNT-10S`) are booked
/// locally before sending and aligned with the server's headers after each reply; a request over
/// budget is not sent (`notSent`). A timeout or a dropped connection after the request was written
/// is `outcomeUnknown`, never guessed.
///
/// `events(…)` turns an outcome into the `OrderEvent`s the order manager journals and applies.
/// - Warning: cold path (allocates, awaits): one call per order action, not per tick.
public final class BinanceOrderGateway: Sendable {
    public let configuration: BinanceOrderGatewayConfiguration
    public let requests: BinanceOrderRequests
    let http: HTTPClient
    let weight: RequestWeightBudget
    let orderCount: RequestWeightBudget
    /// Last server-reported used weight (1 min) and order count (10 s).
    public var serverUsedWeight: Int { serverCounts.withLock { $0.weight } }
    public var serverOrderCount: Int { serverCounts.withLock { $0.orders } }
    let serverCounts = Mutex<(weight: Int, orders: Int)>((0, 0))

    public init(configuration: BinanceOrderGatewayConfiguration, requests: BinanceOrderRequests) {
        self.configuration = configuration
        self.requests = requests
        http = HTTPClient(configuration: HTTPClientConfiguration(allowInsecureLoopbackTLS: configuration.allowInsecureLoopbackTLS))
        weight = RequestWeightBudget(limit: configuration.weightLimitPerMinute)
        orderCount = RequestWeightBudget(limit: configuration.orderLimitPer10s, window: .seconds(10))
    }

    public func start() throws(TransportError) { try http.start() }
    public func stop() { http.stop() }

    static func wallMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000 + Int64(ts.tv_nsec) / 1_000_000
    }

    static func monotonic() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Nanos(raw: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    /// Places `order` (its client id goes out as `newClientOrderId`).
    public func place(_ order: Order) async -> BinanceGatewayOutcome {
        await send(.post, requests.placeParameters(order, timestampMillis: Self.wallMillis()), isOrder: true)
    }

    /// Cancels by client order id.
    public func cancel(_ id: ClientOrderId) async -> BinanceGatewayOutcome {
        await send(.delete, requests.orderParameters(id, timestampMillis: Self.wallMillis()), isOrder: false)
    }

    /// Queries the order (reconciliation).
    public func status(_ id: ClientOrderId) async -> BinanceGatewayOutcome {
        await send(.get, requests.orderParameters(id, timestampMillis: Self.wallMillis()), isOrder: false)
    }

    func send(_ method: HTTPRequest.Method, _ parameters: [(String, String)], isOrder: Bool) async -> BinanceGatewayOutcome {
        let now = Self.monotonic()
        let wait = weight.reserve(weight: 1, now: now)
        if wait.raw > 0 { return .notSent(retryAfter: wait) }
        if isOrder {
            let w = orderCount.reserve(weight: 1, now: now)
            if w.raw > 0 { return .notSent(retryAfter: w) }
        }
        guard let url = TransportURL(configuration.restBase + "/fapi/v1/order?" + requests.signedQuery(parameters)) else {
            return .invalidRequest("bad REST base URL \(configuration.restBase)")
        }
        let request = HTTPRequest(method: method, url: url, headers: [HTTPHeader("X-MBX-APIKEY", requests.credentials.apiKey)],
                                  timeout: configuration.requestTimeout,
                                  responseHeaders: ["x-mbx-used-weight-1m", "x-mbx-order-count-10s"])
        do {
            let response = try await http.execute(request)
            observe(response.headers)
            guard let reply = BinanceOrderReply.parse(response.body, spec: requests.spec) else {
                // An answer we cannot read: the venue may have acted on it.
                return .outcomeUnknown(.closedBeforeCompletion)
            }
            return .reply(reply)
        } catch {
            switch error {
            case .invalidRequest(let why): return .invalidRequest(why)
            case .connectFailed, .timedOut, .closedBeforeCompletion, .responseTooLarge, .cancelled: return .outcomeUnknown(error)
            }
        }
    }

    func observe(_ headers: [String: String]) {
        let now = Self.monotonic()
        let w = headers["x-mbx-used-weight-1m"].flatMap { Int($0) }
        let o = headers["x-mbx-order-count-10s"].flatMap { Int($0) }
        if let w { weight.observeServerUsed(w, now: now) }
        if let o { orderCount.observeServerUsed(o, now: now) }
        serverCounts.withLock { s in
            if let w { s.weight = w }
            if let o { s.orders = o }
        }
    }

    /// The events a place outcome means for the order (already journaled as `.sent`).
    public static func placeEvents(_ outcome: BinanceGatewayOutcome) -> [OrderEvent] {
        switch outcome {
        case .reply(.order(let o)): return o.status == .rejected ? [.rejected(code: -2010)] : [.acked(VenueOrderId(raw: o.orderId))]
        case .reply(.error(let code, _)): return [.rejected(code: code)]
        case .outcomeUnknown: return [.outcomeUnknown]
        // Nothing reached the venue: the order is refused locally with Binance's "rejected" code.
        case .notSent, .invalidRequest: return [.rejected(code: -2010)]
        }
    }

    /// The events a cancel outcome means: `.canceled` when Binance confirms; a refused cancel
    /// (-2011, e.g. already filled) or an unknown outcome leaves the order for reconciliation.
    public static func cancelEvents(_ outcome: BinanceGatewayOutcome, order: Order) -> [OrderEvent] {
        switch outcome {
        case .reply(.order(let o)) where o.status == .canceled: return [.reconciled(status: .canceled, filled: o.executedQuantity)]
        case .reply(.order(let o)): return [.reconciled(status: o.status, filled: o.executedQuantity)]
        case .reply(.error): return [.reconciled(status: order.previousStatus, filled: order.filled)]
        case .outcomeUnknown: return [.outcomeUnknown]
        case .notSent, .invalidRequest: return [.reconciled(status: order.previousStatus, filled: order.filled)]
        }
    }

    /// The events a status outcome means for reconciliation: the venue's state and cumulative
    /// fill; -2013 (no such order) for an order we never saw acked means it never arrived.
    public static func statusEvents(_ outcome: BinanceGatewayOutcome, order: Order) -> [OrderEvent] {
        switch outcome {
        case .reply(.order(let o)): return [.reconciled(status: o.status, filled: o.executedQuantity)]
        case .reply(.error(-2013, _)) where order.venueOrderId.raw == 0: return [.reconciled(status: .rejected, filled: .zero)]
        default: return []
        }
    }
}
