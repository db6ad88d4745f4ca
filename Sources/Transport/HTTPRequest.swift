import HFTPrimitives

/// One HTTP request for `HTTPClient` (REST depth snapshots, order REST fallback).
public struct HTTPRequest: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        case get = "GET", post = "POST", put = "PUT", delete = "DELETE"
    }

    public var method: Method
    /// `http://` or `https://` URL.
    public var url: TransportURL
    /// Extra request headers in order (e.g. `("X-MBX-APIKEY", key)`, `("Content-Type", "application/json")`).
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// From submission to the last response byte.
    public var timeout: Nanos

    public init(method: Method, url: TransportURL, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeout: Nanos = .seconds(10)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
