import Execution
import Foundation
import HFTPrimitives
import Synchronization
import Transport

/// Bybit v5 order entry over the trade websocket (`/v5/trade`): every (re)connection opens with a
/// fresh `auth` (HMAC-SHA256 of `GET/realtime<expires>`), requests go out only once the venue
/// accepted it, and each reply settles its request by `reqId`. A timeout or a drop with requests
/// in flight is `outcomeUnknown` for each, never guessed. Fills come from the private `order` and
/// `execution` streams (not part of this gateway).
/// - Warning: cold path (allocates, awaits, parses JSON): one call per order action.
public final class BybitTradeGateway: Sendable {
    public let messages: BybitTradeMessages
    public let requestTimeout: Nanos
    let client: WebSocketClient<BybitTradeReplySink, MonotonicReceiveClock>
    let pending: BybitPendingRequests
    let nextRequest = Atomic<UInt64>(1)

    public init(url: String, messages: BybitTradeMessages, requestTimeout: Nanos = .seconds(5), allowInsecureLoopbackTLS: Bool = false,
                reconnect: ReconnectPolicy = ReconnectPolicy(baseDelay: .milliseconds(200), maxDelay: .seconds(5))) throws(TransportError) {
        guard let parsed = TransportURL(url) else { throw .unsupportedScheme("bad Bybit trade URL \(url)") }
        self.messages = messages
        self.requestTimeout = requestTimeout
        let pending = BybitPendingRequests()
        self.pending = pending
        let configuration = WebSocketClientConfiguration(
            url: parsed,
            openingMessages: { connection in
                pending.authenticating(connection)
                return [messages.auth(requestId: "auth-\(connection)", expiresMillis: BinanceOrderGateway.wallMillis() + 10_000)]
            },
            maxOutboundMessageBytes: 4_096, sendQueueBytes: 1 << 18, heartbeatMessage: #"{"op":"ping"}"#, maxMessageBytes: 1 << 16,
            reconnect: reconnect, allowInsecureLoopbackTLS: allowInsecureLoopbackTLS, threadName: "hft-bybit-trade")
        client = WebSocketClient(configuration: configuration, sink: BybitTradeReplySink(pending: pending)) { event in
            if case .closed(let c, _) = event, pending.closed(c) { pending.failAll() }
        }
    }

    public func start() throws(TransportError) { try client.start() }

    /// Closes the connection; requests in flight end `outcomeUnknown`.
    public func stop() {
        client.stop()
        pending.failAll()
    }

    /// The connection is open and the venue accepted its `auth`.
    public var isReady: Bool { pending.isAuthenticated }
    /// `auth` replies with a non-zero `retCode`.
    public var authFailures: UInt64 { pending.authFailures.load(ordering: .relaxed) }

    /// `order.create` for `order` (its client id goes out as `orderLinkId`).
    public func create(_ order: Order) async -> BybitTradeOutcome {
        await send { id in self.messages.create(order, requestId: id, timestampMillis: BinanceOrderGateway.wallMillis()) }
    }

    /// `order.cancel` by client order id.
    public func cancel(_ id: ClientOrderId) async -> BybitTradeOutcome {
        await send { rid in self.messages.cancel(id, requestId: rid, timestampMillis: BinanceOrderGateway.wallMillis()) }
    }

    func send(_ build: (String) -> String) async -> BybitTradeOutcome {
        guard pending.isAuthenticated else { return .notSent }
        // ORDERING: relaxed; only uniqueness matters.
        let id = "o" + String(nextRequest.wrappingAdd(1, ordering: .relaxed).oldValue)
        let text = build(id)
        let pending = self.pending
        let timeout = requestTimeout
        return await withCheckedContinuation { (waiter: CheckedContinuation<BybitTradeOutcome, Never>) in
            pending.register(id, waiter)
            guard case .queued = client.send(text: text) else {
                pending.resolve(id, .notSent)
                return
            }
            Task.detached {
                try? await Task.sleep(for: .nanoseconds(timeout.raw))
                pending.resolve(id, .outcomeUnknown)
            }
        }
    }
}
