import HFTPrimitives

/// Pre-trade limits for one instrument, in the instrument's raw fixed-point units.
///
/// Notional limits are in `price.raw × quantity.raw` units (scale = price places + quantity
/// places), compared exactly in `Int128`; build them with `notional(_:spec:)` from a decimal.
public struct RiskLimits: Sendable, Equatable {
    /// Largest order quantity.
    public var maxOrderQuantity: Quantity
    /// Largest order notional.
    public var maxOrderNotional: Int128
    /// Largest absolute position, counting working orders on the same side (worst case).
    public var maxPosition: Quantity
    /// Largest absolute position notional at the mid, worst case with working orders.
    public var maxNotional: Int128
    /// Limit prices must lie within this many basis points of the mid.
    public var priceBandBps: Int64
    /// At most `maxOrdersPerWindow` accepted intents per `rateWindow` (≤ 64).
    public var maxOrdersPerWindow: Int
    public var rateWindow: Nanos
    /// Largest number of working orders on this instrument.
    public var maxOpenOrders: Int
    /// Capital the drawdown breakers are measured against, in quote raw units at price scale.
    public var capital: Int64
    /// Stop opening (only position-reducing intents pass) at this drawdown of capital, in bps (default 10 %).
    public var drawdownStopOpeningBps: Int64
    /// Flatten and halt at this drawdown of capital, in bps (default 15 %).
    public var drawdownHaltBps: Int64
    /// Halt opening when the measured tick→order p99 exceeds this (0 = off).
    public var maxTickToOrderP99: Nanos

    public init(maxOrderQuantity: Quantity, maxOrderNotional: Int128, maxPosition: Quantity, maxNotional: Int128,
                priceBandBps: Int64 = 100, maxOrdersPerWindow: Int = 20, rateWindow: Nanos = .seconds(1),
                maxOpenOrders: Int = 10, capital: Int64, drawdownStopOpeningBps: Int64 = 1_000, drawdownHaltBps: Int64 = 1_500,
                maxTickToOrderP99: Nanos = .zero) {
        precondition(maxOrdersPerWindow >= 1 && maxOrdersPerWindow <= RateWindow.capacity, "maxOrdersPerWindow must be 1...\(RateWindow.capacity)")
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOrderNotional = maxOrderNotional
        self.maxPosition = maxPosition
        self.maxNotional = maxNotional
        self.priceBandBps = priceBandBps
        self.maxOrdersPerWindow = maxOrdersPerWindow
        self.rateWindow = rateWindow
        self.maxOpenOrders = maxOpenOrders
        self.capital = capital
        self.drawdownStopOpeningBps = drawdownStopOpeningBps
        self.drawdownHaltBps = drawdownHaltBps
        self.maxTickToOrderP99 = maxTickToOrderP99
    }

    /// A notional in raw units from a decimal quote amount (e.g. `"50000"` USDT).
    public static func notional(_ text: String, spec: InstrumentSpec) throws(DecimalParseError) -> Int128 {
        let places = spec.priceScale.places + spec.quantityScale.places
        // Parse at price scale, then scale up by the quantity places (keeps within Int64 while parsing).
        let raw = try DecimalParser.parse(text, places: spec.priceScale.places)
        return Int128(raw) * Int128(DecimalScale.pow10(places - spec.priceScale.places))
    }
}
