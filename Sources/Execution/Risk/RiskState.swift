import HFTPrimitives

/// What the gate needs to know about one instrument at the moment an intent arrives; maintained
/// by the execution stage from fills, order states, the book and telemetry.
@frozen
public struct RiskState: BitwiseCopyable, Sendable {
    /// Signed position (+ long).
    public var position: Quantity
    /// Open quantity of working buy orders.
    public var workingBuy: Quantity
    /// Open quantity of working sell orders.
    public var workingSell: Quantity
    /// Number of working orders.
    public var openOrders: Int
    /// Highest price of our working buys (0 when none) and lowest of our working sells (0 when none).
    public var ownBestBid: Price
    public var ownBestAsk: Price
    /// Reference mid from the book (0 = none yet).
    public var mid: Price
    /// Current equity and its intraday peak, quote raw units at price scale.
    public var equity: Int64
    public var peakEquity: Int64
    public var feedStale: Bool
    /// Latest measured tick→order p99.
    public var tickToOrderP99: Nanos

    public init() {
        position = .zero
        workingBuy = .zero
        workingSell = .zero
        openOrders = 0
        ownBestBid = .zero
        ownBestAsk = .zero
        mid = .zero
        equity = 0
        peakEquity = 0
        feedStale = false
        tickToOrderP99 = .zero
    }
}
