import HFTPrimitives

/// How long an order may rest.
@frozen
public enum TimeInForce: UInt8, BitwiseCopyable, Sendable, CaseIterable {
    /// Good till canceled.
    case gtc = 0
    /// Immediate or cancel: fill what crosses now, cancel the rest.
    case ioc = 1
    /// Fill or kill: fill all now or nothing.
    case fok = 2
    /// Post only (Binance `GTX`): rejected if it would take liquidity.
    case postOnly = 3
}

/// Market or limit.
@frozen
public enum OrderKind: UInt8, BitwiseCopyable, Sendable {
    case limit = 0
    case market = 1
}

/// What a strategy asks for. It becomes an `Order` only after the risk gate accepts it.
///
/// 56 bytes: crosses rings by value.
@frozen
public struct Intent: BitwiseCopyable, Equatable, Sendable {
    public var instrument: InstrumentId
    public var strategy: StrategyId
    public var side: Side
    public var kind: OrderKind
    public var timeInForce: TimeInForce
    /// Reduce-only: may only shrink the absolute position.
    public var reduceOnly: Bool
    /// Limit price (ignored for market orders except for the price-band check, which uses the mid).
    public var price: Price
    public var quantity: Quantity
    /// Assigned by the execution stage when the intent is accepted; zero before.
    public var clientOrderId: ClientOrderId
    /// Strategy-defined tag echoed in fills and reports.
    public var tag: UInt32
    /// Receive time of the tick that caused this intent (for the `tick→order` hop).
    public var tickReceiveTime: Nanos
    /// Time the strategy emitted it (context time).
    public var createdAt: Nanos

    @inlinable
    public init(instrument: InstrumentId, strategy: StrategyId, side: Side, kind: OrderKind = .limit, timeInForce: TimeInForce = .gtc,
                reduceOnly: Bool = false, price: Price, quantity: Quantity, tag: UInt32 = 0,
                tickReceiveTime: Nanos = .zero, createdAt: Nanos = .zero) {
        self.instrument = instrument
        self.strategy = strategy
        self.side = side
        self.kind = kind
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
        self.price = price
        self.quantity = quantity
        self.clientOrderId = ClientOrderId(raw: 0)
        self.tag = tag
        self.tickReceiveTime = tickReceiveTime
        self.createdAt = createdAt
    }
}
