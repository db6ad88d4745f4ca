/// A complete HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// `Content-Type` of the response, when sent.
    public var contentType: String?
    public var body: [UInt8]
    /// The headers named in `HTTPRequest.responseHeaders` that the response carried (lower-case names).
    public var headers: [String: String] = [:]
}
