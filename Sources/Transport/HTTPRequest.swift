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
    /// Response headers to return in `HTTPResponse.headers`, lower-case (e.g.
    /// `x-mbx-used-weight-1m` for the venue's request-weight budget); lws 4.1 cannot enumerate them.
    public var responseHeaders: [String]

    public init(method: Method, url: TransportURL, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeout: Nanos = .seconds(10), responseHeaders: [String] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.responseHeaders = responseHeaders
    }
}
