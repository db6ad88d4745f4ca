/// An API key the simulator accepts, with its HMAC secret.
public struct SimulatorCredential: Sendable, Hashable {
    public var apiKey: String
    public var secret: String
    public init(apiKey: String, secret: String) {
        self.apiKey = apiKey
        self.secret = secret
    }
}
