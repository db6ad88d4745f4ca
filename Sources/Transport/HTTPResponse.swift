/// A complete HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// `Content-Type` of the response, when sent.
    public var contentType: String?
    public var body: [UInt8]
}
