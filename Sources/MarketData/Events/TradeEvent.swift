import HFTPrimitives

/// One public trade (Binance `trade`/`aggTrade`, Bybit `publicTrade` entry).
///
/// `aggressor` is the taker side: Binance `m == true` ("buyer is maker") means the seller
/// aggressed (`.sell`); Bybit `S` is the taker side directly.
@frozen
public struct TradeEvent: BitwiseCopyable, Equatable, Sendable {
    public var instrument: InstrumentId
    public var venue: VenueId
    public var aggressor: Side
    public var flags: TradeFlags
    public var price: Price
    public var quantity: Quantity
    /// Venue trade id (Binance `t` or aggregate id `a`; Bybit `i` hashed when not numeric).
    public var tradeId: UInt64
    /// Venue trade time (Binance `T`, Bybit `T`), Unix ns.
    public var exchangeTime: Nanos
    /// Local receive time of the frame, monotonic ns.
    public var receiveTime: Nanos

    @inlinable
    public init(instrument: InstrumentId, venue: VenueId, aggressor: Side, flags: TradeFlags, price: Price, quantity: Quantity,
                tradeId: UInt64, exchangeTime: Nanos, receiveTime: Nanos) {
        self.instrument = instrument
        self.venue = venue
        self.aggressor = aggressor
        self.flags = flags
        self.price = price
        self.quantity = quantity
        self.tradeId = tradeId
        self.exchangeTime = exchangeTime
        self.receiveTime = receiveTime
    }
}

/// Trade attributes that change how analytics count a trade.
@frozen
public struct TradeFlags: OptionSet, BitwiseCopyable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bybit `BT == true`: a block trade, excluded from trade-flow imbalance.
    public static let blockTrade = TradeFlags(rawValue: 1 << 0)
    /// Binance `aggTrade` (several fills at one price merged).
    public static let aggregated = TradeFlags(rawValue: 1 << 1)
    /// Binance futures `X == "MARKET"` or unknown execution type kept as-is; set when not a market trade (e.g. `INSURANCE_FUND`, `ADL`).
    public static let nonMarket = TradeFlags(rawValue: 1 << 2)
}
