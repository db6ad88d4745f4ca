import HFTPrimitives

/// Where a `WebSocketClient` hands each complete websocket message (the production sink is a
/// `ByteRing` producer feeding the book).
///
/// Called on the client's service thread, once per complete (reassembled) message, only for the
/// connection currently selected for delivery. The client uses the sink through a generic
/// parameter, never as an existential.
public protocol WebSocketMessageSink {
    /// Takes one complete message.
    ///
    /// - Parameters:
    ///   - bytes: the message payload; valid only for the duration of the call (copy it out).
    ///   - receiveTime: when the message's last fragment was read from the socket.
    ///   - connection: the id of the connection it arrived on; ids increase by one per new
    ///     connection, so a consumer can de-duplicate the overlap of a proactive reconnect.
    /// - Returns: `false` for back-pressure: the message was NOT taken. The client stops reading
    ///   the socket, counts it, and offers the same message again later until it is taken.
    /// - Warning: hot path: must not allocate, lock, log or block.
    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool
}
