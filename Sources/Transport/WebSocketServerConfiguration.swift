/// Certificate and private key (PEM files) for a `wss://` / `https://` server.
public struct TLSFiles: Sendable, Hashable {
    public var certificatePath: String
    public var privateKeyPath: String
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

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

/// Identifies one websocket connection of a `WebSocketServer` (slot index + generation, so a stale
/// id never reaches a newer connection in the same slot).
public struct ServerConnectionId: Sendable, Hashable, CustomStringConvertible {
    public let raw: UInt64
    init(index: Int, generation: UInt32) { raw = UInt64(generation) << 16 | UInt64(index) }
    var index: Int { Int(raw & 0xFFFF) }
    var generation: UInt32 { UInt32(truncatingIfNeeded: raw >> 16) }
    public var description: String { "conn#\(index).\(generation)" }
}

/// The upgrade request of a websocket connection: which route it hit.
public struct WebSocketRequestHead: Sendable, Hashable {
    /// URL path, e.g. `/stream` or `/ws/btcusdt@depth`.
    public var path: String
    /// Query string without `?` (arguments joined by `&`), e.g. `streams=a/b`; URL-decoded by lws.
    public var query: String

    public init(path: String, query: String) {
        self.path = path
        self.query = query
    }
}

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

/// A plain HTTP request as seen by an `HTTPRoute` handler.
public struct HTTPServerRequest: Sendable, Hashable {
    /// `GET`, `POST`, `PUT`, `DELETE`, `PATCH`, `OPTIONS` or `HEAD`.
    public var method: String
    public var path: String
    /// Query string without `?` (arguments joined by `&`), URL-decoded by lws.
    public var query: String
    /// Header names lower-cased without the colon; the well-known headers plus the route's
    /// `customHeaders` (libwebsockets 4.1 cannot enumerate unknown headers).
    public var headers: [String: String]
    public var body: [UInt8]
}

/// The answer of an `HTTPRoute` handler.
public struct HTTPServerResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, contentType: String = "application/json", headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String = "application/json", headers: [String: String] = [:], text: String) {
        self.init(status: status, contentType: contentType, headers: headers, body: Array(text.utf8))
    }
}

/// A plain HTTP route: requests whose path starts with `pathPrefix`, answered on the service thread.
public struct HTTPRoute: Sendable {
    public var pathPrefix: String
    /// Non-standard headers to capture, lower-case (e.g. `x-mbx-apikey`).
    public var customHeaders: [String]
    public var handler: @Sendable (HTTPServerRequest) -> HTTPServerResponse

    public init(pathPrefix: String, customHeaders: [String] = [],
                handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse) {
        self.pathPrefix = pathPrefix
        self.customHeaders = customHeaders
        self.handler = handler
    }
}

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
