import HFTPrimitives

/// Position, average entry price, realized PnL and fees of one instrument from paper fills.
/// Units: quantity raw; price raw; PnL and fees in price raw × quantity raw (fees as the venue reports them).
@frozen
public struct PaperLedger: BitwiseCopyable, Sendable {
    public var position: Int64 = 0
    /// Average entry price of the open position; 0 when flat.
    public var entryPrice: Int64 = 0
    public var realized: Int64 = 0
    public var fees: Int64 = 0

    public init() {}

    /// Applies one fill. Closing (part of) a position realizes `(price − entry) · closed · sign`.
    public mutating func apply(side: Side, price: Int64, quantity: Int64, fee: Int64) {
        fees &+= fee
        let signed = side == .buy ? quantity : -quantity
        if position == 0 || (position > 0) == (signed > 0) {
            let total = abs(position) + quantity
            entryPrice = (entryPrice * abs(position) + price * quantity) / total
            position += signed
            return
        }
        let closed = min(abs(position), quantity)
        realized += (price - entryPrice) * closed * (position > 0 ? 1 : -1)
        position += signed
        if position == 0 {
            entryPrice = 0
        } else if (position > 0) == (signed > 0) {
            entryPrice = price
        }
    }
}
