import Transport

/// How a WebSocket API request ended, as its waiter sees it.
enum WebSocketAPIRequestResult: Sendable {
    /// An outcome for the caller (a reply, a timeout, a dropped connection).
    case done(BinanceGatewayOutcome)
    /// The client did not queue the request (so the venue cannot have seen it).
    case notQueued(ClientSendOutcome)
}
