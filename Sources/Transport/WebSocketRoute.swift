/// A websocket route: connections whose path starts with `pathPrefix`. Handlers run on the
/// server's service thread (keep them short); they may call the server's thread-safe methods.
public struct WebSocketRoute: Sendable {
    public var pathPrefix: String
    /// Called when the websocket opens; return `false` to refuse (the connection is closed).
    public var onOpen: @Sendable (WebSocketServer, ServerConnectionId, WebSocketRequestHead) -> Bool
    /// Called with each complete (reassembled) message from the client; bytes valid during the call.
    public var onMessage: @Sendable (WebSocketServer, ServerConnectionId, UnsafeRawBufferPointer) -> Void
    /// Called once when the connection is gone.
    public var onClose: @Sendable (WebSocketServer, ServerConnectionId) -> Void

    public init(
        pathPrefix: String,
        onOpen: @escaping @Sendable (WebSocketServer, ServerConnectionId, WebSocketRequestHead) -> Bool = { _, _, _ in true },
        onMessage: @escaping @Sendable (WebSocketServer, ServerConnectionId, UnsafeRawBufferPointer) -> Void = { _, _, _ in },
        onClose: @escaping @Sendable (WebSocketServer, ServerConnectionId) -> Void = { _, _ in }
    ) {
        self.pathPrefix = pathPrefix
        self.onOpen = onOpen
        self.onMessage = onMessage
        self.onClose = onClose
    }
}
