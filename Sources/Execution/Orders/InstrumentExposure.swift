import HFTPrimitives

/// What the order manager knows about one instrument's orders: the inputs of `RiskState`.
/// Invariant: every field equals what a scan of the working orders and the fills would give
/// (checked by `OrderManager.checkInvariants`).
@frozen
public struct InstrumentExposure: BitwiseCopyable, Sendable, Equatable {
    public var instrument: InstrumentId
    /// Signed position from fills (+ long).
    public var position: Quantity
    /// Open quantity of working buys and sells.
    public var workingBuy: Quantity
    public var workingSell: Quantity
    /// Working orders.
    public var openOrders: Int
    /// Highest working buy price and lowest working sell price (0 when none).
    public var ownBestBid: Price
    public var ownBestAsk: Price

    @inlinable
    public init(instrument: InstrumentId) {
        self.instrument = instrument
        position = .zero
        workingBuy = .zero
        workingSell = .zero
        openOrders = 0
        ownBestBid = .zero
        ownBestAsk = .zero
    }

    /// Copies the order-derived fields into `state` (mid, equity, feed and latency stay the caller's).
    @inlinable
    public func update(_ state: inout RiskState) {
        state.position = position
        state.workingBuy = workingBuy
        state.workingSell = workingSell
        state.openOrders = openOrders
        state.ownBestBid = ownBestBid
        state.ownBestAsk = ownBestAsk
    }
}
