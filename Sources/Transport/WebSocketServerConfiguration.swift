/// A `WebSocketServer`'s listening address, limits and routes, fixed at start.
public struct WebSocketServerConfiguration: Sendable {
    /// Interface address to listen on (loopback by default).
    public var host: String
    /// TCP port; 0 lets the kernel choose (read it back from `WebSocketServer.port`).
    public var port: Int
    /// Serve TLS (`wss://`, `https://`) with these files; nil = plain.
    public var tls: TLSFiles?
    /// Simultaneous websocket connections; more are refused.
    public var maxConnections: Int
    /// Bytes of queued outgoing frames per websocket connection (frames + 8 bytes each).
    public var sendQueueBytes: Int
    /// Largest frame `send` accepts (also the size of the write buffer).
    public var maxFrameBytes: Int
    /// Largest incoming websocket message (reassembled) and HTTP request body.
    public var maxMessageBytes: Int
    public var websocketRoutes: [WebSocketRoute]
    public var httpRoutes: [HTTPRoute]
    public var serviceCore: Int?
    public var threadName: String

    public init(
        host: String = "127.0.0.1", port: Int = 0, tls: TLSFiles? = nil, maxConnections: Int = 32,
        sendQueueBytes: Int = 4 << 20, maxFrameBytes: Int = 1 << 20, maxMessageBytes: Int = 1 << 20,
        websocketRoutes: [WebSocketRoute] = [], httpRoutes: [HTTPRoute] = [],
        serviceCore: Int? = nil, threadName: String = "hft-ws-server"
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.maxConnections = maxConnections
        self.sendQueueBytes = sendQueueBytes
        self.maxFrameBytes = maxFrameBytes
        self.maxMessageBytes = maxMessageBytes
        self.websocketRoutes = websocketRoutes
        self.httpRoutes = httpRoutes
        self.serviceCore = serviceCore
        self.threadName = threadName
    }
}
