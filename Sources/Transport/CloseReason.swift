/// Why a client connection ended.
public enum CloseReason: Sendable, Hashable {
    /// The TCP/TLS/websocket handshake failed (DNS, refused, certificate rejected, HTTP status).
    case connectFailed(String)
    /// The peer closed the connection (with its websocket close code when it sent one).
    case remoteClosed(code: UInt16?)
    /// No message arrived within the staleness limit; the client dropped the connection.
    case stale
    /// Replaced by the overlapping connection opened before the maximum lifetime.
    case lifetimeRollover
    /// A frame arrived while reading was paused for back-pressure; dropped to stay exact.
    case flowControlViolation
    /// The owner stopped the client.
    case stopped
}
