import Execution
import Foundation
import HFTPrimitives
import Signing

/// Signed Binance USD-M order requests: REST (`/fapi/v1/order` query strings) and WebSocket API
/// (`order.place`, `order.cancel`, `order.status` JSON), signed over OpenSSL (`Signing`) with
/// HMAC-SHA256 (hex) or, for an Ed25519 API key, Ed25519 (base64; percent-encoded in a query).
///
/// REST signs the query string as sent; the WebSocket API signs every parameter except
/// `signature`, sorted by name, `name=value` joined by `&` (Binance's documented rule).
/// Client order ids go on the wire as `<prefix><raw>` (`newClientOrderId` / `origClientOrderId`).
/// Cold path: builds `String`s (one request per order, not per tick).
public struct BinanceOrderRequests: Sendable {
    public let credentials: VenueCredentials
    public let symbol: String
    public let spec: InstrumentSpec
    /// Prefix of wire client order ids (Binance allows `[.A-Z:/a-z0-9_-]{1,36}`).
    public let clientIdPrefix: String
    /// `recvWindow` in ms (≤ 60 000).
    public var recvWindowMillis: Int64

    /// The Ed25519 seed, read once (nil for HMAC or an unreadable key).
    let ed25519Seed: [UInt8]?

    public init(credentials: VenueCredentials, symbol: String, spec: InstrumentSpec, clientIdPrefix: String = "hft-", recvWindowMillis: Int64 = 5_000) {
        self.credentials = credentials
        ed25519Seed = credentials.scheme == .ed25519 ? credentials.ed25519Seed : nil
        self.symbol = symbol
        self.spec = spec
        self.clientIdPrefix = clientIdPrefix
        self.recvWindowMillis = recvWindowMillis
    }

    /// The wire client order id of `id`.
    public func wireId(_ id: ClientOrderId) -> String { clientIdPrefix + String(id.raw) }

    /// The client order id of a wire id this prefix produced (nil for foreign ids).
    public func clientOrderId(wire: String) -> ClientOrderId? {
        guard wire.hasPrefix(clientIdPrefix), let raw = UInt64(wire.dropFirst(clientIdPrefix.count)) else { return nil }
        return ClientOrderId(raw: raw)
    }

    /// The unsigned parameters of a new order, in Binance's documented order.
    public func placeParameters(_ order: Order, timestampMillis: Int64) -> [(String, String)] {
        var p: [(String, String)] = [("symbol", symbol), ("side", order.side == .buy ? "BUY" : "SELL"),
                                     ("type", order.kind == .limit ? "LIMIT" : "MARKET")]
        if order.kind == .limit {
            let tif: String
            switch order.timeInForce {
            case .gtc: tif = "GTC"
            case .ioc: tif = "IOC"
            case .fok: tif = "FOK"
            case .postOnly: tif = "GTX"
            }
            p.append(("timeInForce", tif))
        }
        p.append(("quantity", DecimalFormatter.string(order.quantity.raw, places: spec.quantityScale.places, minFractionDigits: spec.quantityScale.places)))
        if order.kind == .limit { p.append(("price", DecimalFormatter.string(order.price.raw, places: spec.priceScale.places))) }
        p.append(("newClientOrderId", wireId(order.clientOrderId)))
        p.append(("newOrderRespType", "RESULT"))
        p.append(("recvWindow", String(recvWindowMillis)))
        p.append(("timestamp", String(timestampMillis)))
        return p
    }

    /// Parameters of a cancel or status request for `id`.
    public func orderParameters(_ id: ClientOrderId, timestampMillis: Int64) -> [(String, String)] {
        [("symbol", symbol), ("origClientOrderId", wireId(id)), ("recvWindow", String(recvWindowMillis)), ("timestamp", String(timestampMillis))]
    }

    /// The signature of `payload` under the credentials' scheme; empty when an Ed25519 key cannot
    /// be read (the venue then refuses the request with -1022; check `canSign` at start).
    public func signature(_ payload: String) -> String {
        switch credentials.scheme {
        case .hmacSHA256:
            return RequestSigner.hmacSHA256Hex(secret: credentials.secret, message: payload)
        case .ed25519:
            guard let seed = ed25519Seed, let raw = RequestSigner.ed25519Sign(privateKey: seed, message: Array(payload.utf8)) else { return "" }
            return Data(raw).base64EncodedString()
        }
    }

    /// Whether requests can be signed (an Ed25519 scheme needs a readable private key).
    public var canSign: Bool { credentials.scheme == .hmacSHA256 || ed25519Seed != nil }

    /// REST: `query&signature=…` for `/fapi/v1/order` (send the key as `X-MBX-APIKEY`).
    public func signedQuery(_ parameters: [(String, String)]) -> String {
        let query = parameters.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        return query + "&signature=" + Self.percentEncoded(signature(query))
    }

    /// WebSocket API: the request text for `method` with `apiKey` and `signature` added.
    public func webSocketRequest(id: String, method: String, _ parameters: [(String, String)]) -> String {
        var all = parameters + [("apiKey", credentials.apiKey)]
        let payload = all.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        all.append(("signature", signature(payload)))
        let params = all.map { "\"\($0.0)\":\"\(Self.jsonEscaped($0.1))\"" }.joined(separator: ",")
        return "{\"id\":\"\(Self.jsonEscaped(id))\",\"method\":\"\(method)\",\"params\":{\(params)}}"
    }

    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isLetter && b < 128 || c.isNumber && b < 128 || "-_.~".contains(c) { out.append(c) } else { out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2) }
        }
        return out
    }

    static func jsonEscaped(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if c.value < 0x20 { out += "\\u" + String(c.value, radix: 16).leftPadded(4) } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
