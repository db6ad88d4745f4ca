import Execution
import Foundation
import HFTPrimitives
import Signing

/// Bybit v5 order entry over the trade websocket (`/v5/trade`): the `auth` message (HMAC-SHA256 of
/// `"GET/realtime" + expires` under the secret), `order.create` and `order.cancel` requests, and
/// their replies (`retCode` 0 = accepted). Cold path (builds `String`s).
///
/// Endpoints: mainnet `wss://stream.bybit.com/v5/trade`, testnet `wss://stream-testnet.bybit.com/v5/trade`.
public struct BybitTradeMessages: Sendable {
    public let credentials: VenueCredentials
    /// `linear` (USDT perpetuals) or `spot`.
    public let category: String
    public let symbol: String
    public let spec: InstrumentSpec
    public let clientIdPrefix: String
    public var recvWindowMillis: Int64

    public init(credentials: VenueCredentials, category: String = "linear", symbol: String, spec: InstrumentSpec,
                clientIdPrefix: String = "hft-", recvWindowMillis: Int64 = 5_000) {
        self.credentials = credentials
        self.category = category
        self.symbol = symbol
        self.spec = spec
        self.clientIdPrefix = clientIdPrefix
        self.recvWindowMillis = recvWindowMillis
    }

    /// The trade websocket URL for `environment`.
    public static func url(_ environment: VenueEnvironment) -> String {
        environment == .mainnet ? "wss://stream.bybit.com/v5/trade" : "wss://stream-testnet.bybit.com/v5/trade"
    }

    /// `{"req_id":…,"op":"auth","args":[key, expires, signature]}`, valid until `expiresMillis`.
    public func auth(requestId: String, expiresMillis: Int64) -> String {
        let signature = RequestSigner.hmacSHA256Hex(secret: credentials.secret, message: "GET/realtime\(expiresMillis)")
        return "{\"req_id\":\"\(requestId)\",\"op\":\"auth\",\"args\":[\"\(credentials.apiKey)\",\(expiresMillis),\"\(signature)\"]}"
    }

    func header(_ timestampMillis: Int64) -> String {
        "\"header\":{\"X-BAPI-TIMESTAMP\":\"\(timestampMillis)\",\"X-BAPI-RECV-WINDOW\":\"\(recvWindowMillis)\"}"
    }

    /// `order.create` for `order` (its client id as `orderLinkId`).
    public func create(_ order: Order, requestId: String, timestampMillis: Int64) -> String {
        var args = "\"category\":\"\(category)\",\"symbol\":\"\(symbol)\",\"side\":\"\(order.side == .buy ? "Buy" : "Sell")\","
        args += "\"orderType\":\"\(order.kind == .limit ? "Limit" : "Market")\","
        args += "\"qty\":\"\(DecimalFormatter.string(order.quantity.raw, places: spec.quantityScale.places))\","
        if order.kind == .limit {
            args += "\"price\":\"\(DecimalFormatter.string(order.price.raw, places: spec.priceScale.places))\","
            let tif: String
            switch order.timeInForce {
            case .gtc: tif = "GTC"
            case .ioc: tif = "IOC"
            case .fok: tif = "FOK"
            case .postOnly: tif = "PostOnly"
            }
            args += "\"timeInForce\":\"\(tif)\","
        }
        args += "\"orderLinkId\":\"\(clientIdPrefix)\(order.clientOrderId.raw)\""
        return "{\"reqId\":\"\(requestId)\",\(header(timestampMillis)),\"op\":\"order.create\",\"args\":[{\(args)}]}"
    }

    /// `order.cancel` by client id.
    public func cancel(_ id: ClientOrderId, requestId: String, timestampMillis: Int64) -> String {
        "{\"reqId\":\"\(requestId)\",\(header(timestampMillis)),\"op\":\"order.cancel\",\"args\":[{\"category\":\"\(category)\",\"symbol\":\"\(symbol)\",\"orderLinkId\":\"\(clientIdPrefix)\(id.raw)\"}]}"
    }

    /// A trade-websocket reply: (request id, retCode, venue order id when accepted).
    public static func parseReply(_ bytes: [UInt8]) -> (requestId: String, code: Int32, orderId: String?)? {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let code = (o["retCode"] as? NSNumber)?.int32Value else { return nil }
        let data = o["data"] as? [String: Any]
        return (o["reqId"] as? String ?? o["req_id"] as? String ?? "", code, data?["orderId"] as? String)
    }
}
