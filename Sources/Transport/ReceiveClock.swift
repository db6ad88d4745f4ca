import HFTPrimitives

/// The source of receive timestamps for a `WebSocketClient`.
public protocol ReceiveClock {
    /// The current time on the receive clock (monotonic nanoseconds). Hot path: no allocation.
    func now() -> Nanos
}
