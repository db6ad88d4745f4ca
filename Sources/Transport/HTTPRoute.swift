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
