/// What `WebSocketClient.send` did with one outbound message.
public enum ClientSendOutcome: Sendable, Hashable {
    /// Copied into the send queue; it goes out on the delivering connection in queue order.
    /// `sequence` numbers every queued message of the client from 1; if the connection drops first,
    /// `WebSocketClientConfiguration.onUndeliveredSends` reports it among the undelivered ones.
    case queued(sequence: UInt64)
    /// The send queue has no room (`sendQueueBytes`); nothing was queued (counted in `sendQueueFull`).
    case queueFull
    /// Larger than `maxOutboundMessageBytes`; not queued.
    case tooLarge
    /// No open delivering connection (not started, connecting, reconnecting, stopped); counted in `sendNotConnected`.
    case notConnected
}
