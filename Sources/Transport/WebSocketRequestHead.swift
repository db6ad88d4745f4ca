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
