import Synchronization

/// Counters of a `WebSocketClient`, written by its service thread only and readable from any thread.
///
/// Each counter has a single writer, so an increment is a relaxed load + store (no locked RMW).
public final class WebSocketClientCounters: Sendable {
    /// Complete messages handed to the sink (and accepted).
    public let messages = Atomic<UInt64>(0)
    /// Payload bytes of those messages.
    public let bytes = Atomic<UInt64>(0)
    /// Connections opened after the first one (reconnects and overlapping rollovers).
    public let reconnects = Atomic<UInt64>(0)
    /// Staleness watchdog firings.
    public let stale = Atomic<UInt64>(0)
    /// Messages larger than the reassembly buffer, dropped.
    public let oversized = Atomic<UInt64>(0)
    /// Times the sink refused a message (reading paused until it took it).
    public let backpressure = Atomic<UInt64>(0)
    /// Connection attempts that failed before the websocket opened.
    public let connectFailures = Atomic<UInt64>(0)
    /// Heartbeat messages sent.
    public let heartbeats = Atomic<UInt64>(0)
    /// Frames received while paused (should stay 0; the connection is dropped if not).
    public let flowControlViolations = Atomic<UInt64>(0)
    /// Messages received on a connection not selected for delivery (overlap), not delivered.
    public let overlapDiscarded = Atomic<UInt64>(0)
    /// Opening messages longer than `maxOutboundMessageBytes`, not sent.
    public let outboundDropped = Atomic<UInt64>(0)
    /// Messages queued by `send` and written to the socket (service thread).
    public let sent = Atomic<UInt64>(0)
    /// `send`s refused because the queue was full (any thread).
    public let sendQueueFull = Atomic<UInt64>(0)
    /// `send`s refused because no connection was open (any thread).
    public let sendNotConnected = Atomic<UInt64>(0)
    /// Queued messages discarded unsent because their connection ended (reported through `onUndeliveredSends`).
    public let sendUndelivered = Atomic<UInt64>(0)

    public init() {}

    /// Adds `n` to a counter. Single writer only.
    @inlinable @inline(__always)
    static func bump(_ counter: borrowing Atomic<UInt64>, by n: UInt64 = 1) {
        // ORDERING: relaxed; one writer thread, readers only need an eventually-current value.
        counter.store(counter.load(ordering: .relaxed) &+ n, ordering: .relaxed)
    }

    /// Adds 1 to a counter several threads write (the `send` refusals).
    @inlinable @inline(__always)
    static func bumpShared(_ counter: borrowing Atomic<UInt64>) {
        // ORDERING: relaxed; an atomic add is enough for a statistic with several writers.
        counter.wrappingAdd(1, ordering: .relaxed)
    }

    /// A consistent-enough copy for reports and tests (each field read relaxed).
    public var snapshot: WebSocketClientStatistics {
        // ORDERING: relaxed; statistics, no synchronisation implied.
        WebSocketClientStatistics(
            messages: messages.load(ordering: .relaxed), bytes: bytes.load(ordering: .relaxed),
            reconnects: reconnects.load(ordering: .relaxed), stale: stale.load(ordering: .relaxed),
            oversized: oversized.load(ordering: .relaxed), backpressure: backpressure.load(ordering: .relaxed),
            connectFailures: connectFailures.load(ordering: .relaxed), heartbeats: heartbeats.load(ordering: .relaxed),
            flowControlViolations: flowControlViolations.load(ordering: .relaxed),
            overlapDiscarded: overlapDiscarded.load(ordering: .relaxed),
            outboundDropped: outboundDropped.load(ordering: .relaxed), sent: sent.load(ordering: .relaxed),
            sendQueueFull: sendQueueFull.load(ordering: .relaxed), sendNotConnected: sendNotConnected.load(ordering: .relaxed),
            sendUndelivered: sendUndelivered.load(ordering: .relaxed))
    }
}
