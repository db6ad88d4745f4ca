/// What `WebSocketServer.send` did.
public enum ServerSendOutcome: Sendable, Hashable {
    case queued
    /// The connection's send queue has no room (the client reads too slowly).
    case queueFull
    /// Larger than `maxFrameBytes`.
    case tooLarge
    /// No such open connection (closed, or a stale id).
    case unknownConnection
}
