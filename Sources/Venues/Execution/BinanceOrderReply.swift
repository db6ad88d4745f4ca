import Execution
import Foundation
import HFTPrimitives

/// What Binance says about one order (REST body, WebSocket API `result`, or `order.status`).
public struct BinanceOrderSnapshot: Sendable, Equatable {
    public var orderId: UInt64
    public var clientOrderId: String
    /// Binance's status mapped onto ours (`EXPIRED`/`EXPIRED_IN_MATCH` → `.canceled`, `NEW` → `.acked`).
    public var status: OrderStatus
    public var venueStatus: String
    /// Cumulative filled quantity.
    public var executedQuantity: Quantity
}

/// A reply to an order request: the order, or a Binance error code (e.g. -2010 rejected,
/// -2011 unknown order on cancel, -2013 no such order on status, -1022 bad signature, -5022 post-only).
public enum BinanceOrderReply: Sendable, Equatable {
    case order(BinanceOrderSnapshot)
    case error(code: Int32, message: String)

    /// Parses a REST body (`{…order…}` or `{"code":…,"msg":…}`) or a WebSocket API reply
    /// (`{"id":…,"status":…,"result":{…}}` / `"error":{…}`); nil when it is neither.
    public static func parse(_ bytes: [UInt8], spec: InstrumentSpec) -> BinanceOrderReply? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return nil }
        if let result = object["result"] as? [String: Any] { return order(result, spec: spec) }
        if let error = object["error"] as? [String: Any] { return self.error(error) }
        if object["code"] != nil && object["orderId"] == nil { return self.error(object) }
        return order(object, spec: spec)
    }

    /// The request `id` of a WebSocket API reply (`{"id":"…","status":…,…}`), as text; nil when
    /// the message is not a reply (no id, or `"id":null` for a request the venue could not read).
    public static func webSocketReplyId(_ bytes: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return nil }
        if let text = object["id"] as? String { return text }
        if let number = object["id"] as? NSNumber { return number.stringValue }
        return nil
    }

    static func error(_ o: [String: Any]) -> BinanceOrderReply? {
        guard let code = (o["code"] as? NSNumber)?.int32Value else { return nil }
        return .error(code: code, message: o["msg"] as? String ?? "")
    }

    static func order(_ o: [String: Any], spec: InstrumentSpec) -> BinanceOrderReply? {
        guard let id = (o["orderId"] as? NSNumber)?.uint64Value, let text = o["status"] as? String,
              let status = mapStatus(text) else { return nil }
        let executed = (o["executedQty"] as? String).flatMap { try? DecimalParser.parse($0, places: spec.quantityScale.places) } ?? 0
        return .order(BinanceOrderSnapshot(orderId: id, clientOrderId: o["clientOrderId"] as? String ?? "", status: status,
                                           venueStatus: text, executedQuantity: Quantity(raw: executed)))
    }

    /// Binance order status → ours.
    public static func mapStatus(_ s: String) -> OrderStatus? {
        switch s {
        case "NEW": return .acked
        case "PARTIALLY_FILLED": return .partiallyFilled
        case "FILLED": return .filled
        case "CANCELED", "EXPIRED", "EXPIRED_IN_MATCH": return .canceled
        case "REJECTED": return .rejected
        default: return nil
        }
    }
}

/// One `ORDER_TRADE_UPDATE` of the USD-M user-data stream, reduced to what the order manager needs.
public struct BinanceOrderUpdate: Sendable, Equatable {
    public var clientOrderId: String
    public var orderId: UInt64
    /// Execution type `x`: NEW, TRADE, CANCELED, EXPIRED, CALCULATED, AMENDMENT.
    public var executionType: String
    public var status: OrderStatus
    public var lastPrice: Price
    public var lastQuantity: Quantity
    /// Cumulative filled quantity `z` (fills are applied as `z − our filled`, so repeats are harmless).
    public var cumulativeQuantity: Quantity
    /// Commission `n` in quote raw units at the price scale (assumes a quote-asset commission).
    public var fee: Int64
    public var isMaker: Bool

    /// Parses one user-data message; nil for other event types or malformed text.
    public static func parse(_ bytes: [UInt8], spec: InstrumentSpec) -> BinanceOrderUpdate? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return nil }
        let event = (root["data"] as? [String: Any]) ?? root
        guard event["e"] as? String == "ORDER_TRADE_UPDATE", let o = event["o"] as? [String: Any],
              let c = o["c"] as? String, let i = (o["i"] as? NSNumber)?.uint64Value, let x = o["x"] as? String,
              let xs = o["X"] as? String, let status = BinanceOrderReply.mapStatus(xs) else { return nil }
        func decimal(_ key: String, _ places: Int) -> Int64 {
            (o[key] as? String).flatMap { try? DecimalParser.parse($0, places: places) } ?? 0
        }
        // Commission at 8 places, rounded to the price scale.
        let commission8 = decimal("n", 8)
        let p = spec.priceScale.places
        let fee: Int64
        if p >= 8 { fee = commission8 &* DecimalScale.pow10(p - 8) } else {
            let d = DecimalScale.pow10(8 - p)
            fee = (commission8 + (commission8 >= 0 ? d / 2 : -d / 2)) / d
        }
        return BinanceOrderUpdate(clientOrderId: c, orderId: i, executionType: x, status: status,
                                  lastPrice: Price(raw: decimal("L", spec.priceScale.places)),
                                  lastQuantity: Quantity(raw: decimal("l", spec.quantityScale.places)),
                                  cumulativeQuantity: Quantity(raw: decimal("z", spec.quantityScale.places)),
                                  fee: fee, isMaker: o["m"] as? Bool ?? false)
    }

    /// The events this update means for `order` (our current view): an ack for NEW, a fill of the
    /// not-yet-counted part of `z` for TRADE, a cancel for CANCELED/EXPIRED.
    public func events(for order: Order) -> [OrderEvent] {
        var out: [OrderEvent] = []
        switch executionType {
        case "NEW":
            out.append(.acked(VenueOrderId(raw: orderId)))
        case "TRADE":
            if order.status == .sent || order.status == .outcomeUnknown { out.append(.acked(VenueOrderId(raw: orderId))) }
            let add = cumulativeQuantity.raw - order.filled.raw
            if add > 0 { out.append(.fill(price: lastPrice, quantity: Quantity(raw: add), fee: fee, isMaker: isMaker)) }
        case "CANCELED", "EXPIRED":
            out.append(.canceled)
        default:
            break
        }
        return out
    }
}
