import Transport

/// The engine's control endpoint: plain HTTP on 127.0.0.1 (libwebsockets, through
/// `Transport.WebSocketServer`) with its own service thread.
///
/// - `GET /metrics`: Prometheus text exposition 0.0.4 (`text/plain; version=0.0.4`).
/// - `GET /status`: a JSON object.
/// - `POST /mode` `{"mode":"paper"|"live"|"replay","arm":true?}`, `POST /kill`,
///   `POST /plugins/swap` `{"path":"...","config":{...}}`: need `Authorization: Bearer <token>`.
///
/// Answers: 403 when the `Host` header is not a loopback name (DNS-rebinding guard), 404 unknown path, 405 wrong method, 401 missing/wrong token, 400 malformed body,
/// otherwise the handler's status; every error body is `{"error":"..."}`. Requests are served
/// one at a time on the service thread, which never touches the trading path.
/// - Warning: loopback only and plain HTTP: the token protects against other local users'
///   mistakes, not against a hostile root; put a TLS proxy in front for remote access.
public final class ControlEndpoint: Sendable {
    /// Shortest accepted bearer token, in bytes.
    public static let minimumTokenLength = 16
    /// Largest request body read; larger requests get 413.
    public static let maximumBodyBytes = 64 << 10

    private let server: WebSocketServer

    /// Prepares (does not bind) the endpoint.
    /// - Parameters:
    ///   - port: TCP port on 127.0.0.1; 0 lets the kernel choose (read `port` after `start`).
    ///   - token: the bearer secret, ≥ `minimumTokenLength` printable ASCII bytes.
    /// - Throws: `ControlEndpointError.tokenTooShort`, `.tokenNotPrintableASCII`, `.invalidPort`.
    public init(port: Int, token: String, handlers: ControlHandlers) throws(ControlEndpointError) {
        guard (0...65_535).contains(port) else { throw .invalidPort(port) }
        let router = ControlRouter(token: try ControlBearerToken(token), handlers: handlers)
        let route = HTTPRoute(pathPrefix: "/") { request in router.respond(to: request) }
        server = WebSocketServer(configuration: WebSocketServerConfiguration(
            host: "127.0.0.1", port: port, maxConnections: 1, sendQueueBytes: 4_096,
            maxFrameBytes: 16_384, maxMessageBytes: Self.maximumBodyBytes,
            httpRoutes: [route], threadName: "hft-control"))
    }

    /// Binds 127.0.0.1:port and starts serving. Once only: a stopped endpoint is not restarted.
    /// - Throws: `ControlEndpointError.startFailed` (port in use, started twice, no thread).
    public func start() throws(ControlEndpointError) {
        do throws(TransportError) {
            try server.start()
        } catch {
            throw .startFailed(error)
        }
    }

    /// Stops serving and closes connections. Blocks until the service thread has exited;
    /// idempotent; never from a handler.
    public func stop() { server.stop() }

    /// The bound port (the kernel's choice for port 0); 0 before `start`.
    public var port: Int { server.port }
}
