/// A copy of `WebSocketClientCounters` at one moment.
public struct WebSocketClientStatistics: Sendable, Hashable {
    public var messages: UInt64
    public var bytes: UInt64
    public var reconnects: UInt64
    public var stale: UInt64
    public var oversized: UInt64
    public var backpressure: UInt64
    public var connectFailures: UInt64
    public var heartbeats: UInt64
    public var flowControlViolations: UInt64
    public var overlapDiscarded: UInt64
    public var outboundDropped: UInt64
    public var sent: UInt64
    public var sendQueueFull: UInt64
    public var sendNotConnected: UInt64
    public var sendUndelivered: UInt64
}
