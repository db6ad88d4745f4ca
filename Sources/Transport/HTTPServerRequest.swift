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
