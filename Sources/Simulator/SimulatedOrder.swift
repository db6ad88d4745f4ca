import Execution
import HFTPrimitives

/// One order as the simulator's Binance USD-M API shows it (REST/WebSocket responses and
/// `ORDER_TRADE_UPDATE` events). Cold path.
struct SimulatedOrder: Sendable {
    var orderId: Int64
    var symbol: String
    var instrument: Int
    var spec: InstrumentSpec
    var clientOrderId: String
    var side: Side
    var kind: OrderKind
    var timeInForce: TimeInForce
    var price: Price
    var quantity: Quantity
    var executed: Int64 = 0
    /// Σ fill price.raw × quantity.raw.
    var notional: Int128 = 0
    /// `NEW`, `PARTIALLY_FILLED`, `FILLED`, `CANCELED`, `EXPIRED`.
    var status: String = "NEW"
    var updateTime: Int64
    var lastFillPrice: Price = .zero
    var lastFillQuantity: Int64 = 0
    var lastFee: Int64 = 0
    var lastIsMaker = false
    var lastTradeId: Int64 = 0
    /// The paper venue's reject code when `status == "REJECTED"`.
    var rejectCode: Int32 = 0

    var isOpen: Bool { status == "NEW" || status == "PARTIALLY_FILLED" }

    var sideText: String { side == .buy ? "BUY" : "SELL" }
    var typeText: String { kind == .market ? "MARKET" : "LIMIT" }
    var timeInForceText: String {
        switch timeInForce {
        case .gtc: return "GTC"
        case .ioc: return "IOC"
        case .fok: return "FOK"
        case .postOnly: return "GTX"
        }
    }

    /// Decimals at the instrument's scale with all its fraction digits (`"100.0"`, `"3.000"`), as Binance prints them.
    func price(_ raw: Int64) -> String {
        DecimalFormatter.string(raw, places: spec.priceScale.places, minFractionDigits: spec.priceScale.places)
    }
    func quantity(_ raw: Int64) -> String {
        DecimalFormatter.string(raw, places: spec.quantityScale.places, minFractionDigits: spec.quantityScale.places)
    }

    /// Average fill price at the price scale (0 before a fill).
    var averagePrice: String {
        guard executed > 0 else { return price(0) }
        let avg = notional / Int128(executed)
        return price(Int64(clamping: avg))
    }

    /// Σ price × quantity in quote units, at the price scale.
    var cumulativeQuote: String {
        let m = Int128(spec.quantityScale.multiplier)
        return price(Int64(clamping: (notional + m / 2) / m))
    }

    /// The Binance USD-M order object (`POST/GET/DELETE /fapi/v1/order`, `order.*` results).
    var json: String {
        "{\"orderId\":\(orderId),\"symbol\":\"\(symbol)\",\"status\":\"\(status)\",\"clientOrderId\":\(SimJSON.quote(clientOrderId))," +
        "\"price\":\"\(kind == .market ? price(0) : price(self.price.raw))\",\"avgPrice\":\"\(averagePrice)\",\"origQty\":\"\(quantity(self.quantity.raw))\"," +
        "\"executedQty\":\"\(quantity(executed))\",\"cumQty\":\"\(quantity(executed))\",\"cumQuote\":\"\(cumulativeQuote)\"," +
        "\"timeInForce\":\"\(timeInForceText)\",\"type\":\"\(typeText)\",\"reduceOnly\":false,\"closePosition\":false," +
        "\"side\":\"\(sideText)\",\"positionSide\":\"BOTH\",\"stopPrice\":\"0\",\"workingType\":\"CONTRACT_PRICE\"," +
        "\"priceProtect\":false,\"origType\":\"\(typeText)\",\"priceMatch\":\"NONE\",\"selfTradePreventionMode\":\"NONE\"," +
        "\"goodTillDate\":0,\"updateTime\":\(updateTime)}"
    }

    /// The quote asset named in events (`N`): the symbol's known quote suffix.
    var quoteAsset: String {
        for q in ["USDT", "USDC", "BUSD", "FDUSD", "BTC", "ETH", "BNB", "EUR"] where symbol.hasSuffix(q) { return q }
        return "USDT"
    }

    /// An `ORDER_TRADE_UPDATE` user-data event with execution type `x` (`NEW`, `TRADE`, `CANCELED`, `EXPIRED`).
    func tradeUpdate(executionType x: String, eventTime: Int64) -> String {
        let isTrade = x == "TRADE"
        let fee = isTrade ? price(lastFee) : "0"
        return "{\"e\":\"ORDER_TRADE_UPDATE\",\"E\":\(eventTime),\"T\":\(eventTime),\"o\":{\"s\":\"\(symbol)\"," +
        "\"c\":\(SimJSON.quote(clientOrderId)),\"S\":\"\(sideText)\",\"o\":\"\(typeText)\",\"f\":\"\(timeInForceText)\"," +
        "\"q\":\"\(quantity(self.quantity.raw))\",\"p\":\"\(kind == .market ? price(0) : price(self.price.raw))\",\"ap\":\"\(averagePrice)\"," +
        "\"sp\":\"0\",\"x\":\"\(x)\",\"X\":\"\(status)\",\"i\":\(orderId),\"l\":\"\(isTrade ? quantity(lastFillQuantity) : quantity(0))\"," +
        "\"z\":\"\(quantity(executed))\",\"L\":\"\(isTrade ? price(lastFillPrice.raw) : price(0))\",\"N\":\"\(quoteAsset)\",\"n\":\"\(fee)\"," +
        "\"T\":\(eventTime),\"t\":\(isTrade ? lastTradeId : 0),\"b\":\"0\",\"a\":\"0\",\"m\":\(isTrade && lastIsMaker),\"R\":false," +
        "\"wt\":\"CONTRACT_PRICE\",\"ot\":\"\(typeText)\",\"ps\":\"BOTH\",\"cp\":false,\"rp\":\"0\",\"pP\":false,\"si\":0,\"ss\":0," +
        "\"V\":\"NONE\",\"pm\":\"NONE\",\"gtd\":0}}"
    }
}
