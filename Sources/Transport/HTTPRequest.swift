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

/// One header line.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// `Content-Type` of the response, when sent.
    public var contentType: String?
    public var body: [UInt8]
}

/// Why an HTTP request produced no response.
public enum HTTPClientError: Error, Sendable, Hashable {
    /// DNS, TCP, TLS (certificate rejected) or protocol failure before a response.
    case connectFailed(String)
    /// No complete response within the request's timeout.
    case timedOut
    /// The response body exceeded `maxResponseBytes`.
    case responseTooLarge
    /// The connection closed before the response was complete.
    case closedBeforeCompletion
    /// The client is not running, or was stopped with the request in flight.
    case cancelled
    /// The request cannot be sent as given (scheme, insecure TLS for a non-loopback host).
    case invalidRequest(String)
}

/// Settings of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// TEST ONLY: accept self-signed certificates without host name check; loopback hosts only.
    public var allowInsecureLoopbackTLS: Bool
    /// Extra PEM trust anchor file; nil = system store only.
    public var caCertificatePath: String?
    public var maxResponseBytes: Int
    public var serviceCore: Int?
    public var threadName: String

    public init(allowInsecureLoopbackTLS: Bool = false, caCertificatePath: String? = nil,
                maxResponseBytes: Int = 16 << 20, serviceCore: Int? = nil, threadName: String = "hft-http-client") {
        self.allowInsecureLoopbackTLS = allowInsecureLoopbackTLS
        self.caCertificatePath = caCertificatePath
        self.maxResponseBytes = maxResponseBytes
        self.serviceCore = serviceCore
        self.threadName = threadName
    }
}
