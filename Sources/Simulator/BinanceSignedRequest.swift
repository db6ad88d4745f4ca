import Foundation
import Signing

/// A signed Binance request as the simulator checks it, from REST (`totalParams` = query string
/// followed by the body) or the WebSocket API (`params` sorted by key).
///
/// Checks, in Binance's order: API key known (-2014/-2015), `signature` and `timestamp` present
/// (-1102), `recvWindow` ≤ 60 000 (-1131), HMAC-SHA256 of the payload under the key's secret
/// equals `signature` (or, for an Ed25519 key, `signature` is a valid base64 Ed25519 signature of
/// the payload) (-1022), and the timing rule `timestamp < serverTime + 1000 &&
/// serverTime − timestamp ≤ recvWindow` (-1021; `recvWindow` defaults to 5000).
public struct BinanceSignedRequest: Sendable {
    /// Parameters by name (last one wins), `signature` included.
    public var parameters: [String: String]
    /// The exact text the signature covers.
    public var signedPayload: String
    public var apiKey: String?

    public init(parameters: [String: String], signedPayload: String, apiKey: String?) {
        self.parameters = parameters
        self.signedPayload = signedPayload
        self.apiKey = apiKey
    }

    /// REST: `query` and `body` (form-encoded) as sent; the signature covers both with the
    /// `signature` pair removed, concatenated (Binance's `totalParams`).
    public static func rest(query: String, body: String, apiKey: String?) -> BinanceSignedRequest {
        func pairs(_ s: String) -> [(String, String)] {
            s.split(separator: "&", omittingEmptySubsequences: true).map { pair in
                if let eq = pair.firstIndex(of: "=") { return (String(pair[..<eq]), String(pair[pair.index(after: eq)...])) }
                return (String(pair), "")
            }
        }
        func unsigned(_ s: String) -> String {
            s.split(separator: "&", omittingEmptySubsequences: true).filter { !$0.hasPrefix("signature=") }.joined(separator: "&")
        }
        var parameters: [String: String] = [:]
        for (k, v) in pairs(query) + pairs(body) { parameters[k] = v }
        return BinanceSignedRequest(parameters: parameters, signedPayload: unsigned(query) + unsigned(body), apiKey: apiKey)
    }

    /// WebSocket API: `params` of the request; the payload is every parameter except `signature`,
    /// sorted by name, `name=value` joined by `&`; `apiKey` is a parameter.
    public static func webSocket(params: [(String, String)]) -> BinanceSignedRequest {
        var parameters: [String: String] = [:]
        for (k, v) in params { parameters[k] = v }
        let payload = params.filter { $0.0 != "signature" }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return BinanceSignedRequest(parameters: parameters, signedPayload: payload, apiKey: parameters["apiKey"])
    }

    /// Verifies the request against `credentials` at server time `serverTimeMillis`.
    public func verify(credentials: [SimulatorCredential], serverTimeMillis: Int64) -> Result<SimulatorCredential, BinanceAPIError> {
        guard let key = apiKey, !key.isEmpty else { return .failure(.apiKeyFormat) }
        guard let credential = credentials.first(where: { $0.apiKey == key }) else { return .failure(.invalidAPIKey) }
        guard let signature = parameters["signature"], !signature.isEmpty else { return .failure(.missing("signature")) }
        guard let timestampText = parameters["timestamp"], let timestamp = Int64(timestampText) else { return .failure(.missing("timestamp")) }
        var recvWindow: Int64 = 5000
        if let w = parameters["recvWindow"] {
            guard let v = Int64(w), v > 0 else { return .failure(.missing("recvWindow")) }
            guard v <= 60_000 else { return .failure(.recvWindowTooLarge) }
            recvWindow = v
        }
        if let publicKey = credential.ed25519PublicKey {
            let text = signature.contains("%") ? (signature.removingPercentEncoding ?? signature) : signature
            guard let raw = Data(base64Encoded: text),
                  RequestSigner.ed25519Verify(publicKey: publicKey, message: Array(signedPayload.utf8), signature: Array(raw)) else {
                return .failure(.invalidSignature)
            }
        } else {
            let expected = RequestSigner.hmacSHA256Hex(secret: credential.secret, message: signedPayload)
            guard RequestSigner.signaturesEqual(expected, signature) else { return .failure(.invalidSignature) }
        }
        guard timestamp < serverTimeMillis + 1000 && serverTimeMillis - timestamp <= recvWindow else {
            return .failure(.timestampOutsideRecvWindow)
        }
        return .success(credential)
    }
}
