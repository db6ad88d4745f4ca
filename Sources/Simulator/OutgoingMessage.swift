import Transport

/// A message to queue on one connection, in order.
struct OutgoingMessage: Sendable {
    var connection: ServerConnectionId
    var bytes: [UInt8]
    /// A recorded market frame (counts toward `disconnectAfterFrames`).
    var isMarketFrame = false
}
