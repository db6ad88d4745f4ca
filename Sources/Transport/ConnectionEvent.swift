import HFTPrimitives

/// A connection state change, reported to the owner on the client's service thread (cold path).
public enum ConnectionEvent: Sendable, Hashable {
    /// A connection attempt started (`standby` when it overlaps a live connection).
    case connecting(connection: UInt32, standby: Bool)
    /// The websocket handshake completed; subscribe messages follow.
    case open(connection: UInt32)
    /// The connection ended.
    case closed(connection: UInt32, reason: CloseReason)
    /// A reconnect is scheduled after `delay` (attempt counts from 1 since the last healthy period).
    case reconnecting(attempt: Int, delay: Nanos)
    /// No message for `silentFor`: the data behind it (the book) must be considered stale.
    case stale(connection: UInt32, silentFor: Nanos)
    /// Delivery moved from `from` to `to` (overlapping reconnect); messages of both may repeat.
    case switched(from: UInt32, to: UInt32)
}
