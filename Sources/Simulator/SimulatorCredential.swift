/// An API key the simulator accepts: an HMAC secret, or (Binance Ed25519 keys) an Ed25519 public key.
public struct SimulatorCredential: Sendable, Hashable {
    public var apiKey: String
    /// HMAC-SHA256 secret (ignored when `ed25519PublicKey` is set).
    public var secret: String
    /// Raw 32-byte Ed25519 public key: requests are then signed with Ed25519, the `signature`
    /// parameter being the base64 of the 64-byte signature of the same payload.
    public var ed25519PublicKey: [UInt8]?

    public init(apiKey: String, secret: String) {
        self.apiKey = apiKey
        self.secret = secret
        self.ed25519PublicKey = nil
    }

    public init(apiKey: String, ed25519PublicKey: [UInt8]) {
        self.apiKey = apiKey
        self.secret = ""
        self.ed25519PublicKey = ed25519PublicKey
    }
}
