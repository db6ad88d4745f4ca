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
