/// The side of an order or a book level: `buy` is the bid side, `sell` the ask side.
@frozen
public enum Side: UInt8, BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    case buy = 0
    case sell = 1

    /// +1 for buy, −1 for sell (the aggressor sign in trade-flow formulas).
    @inlinable @inline(__always)
    public var sign: Int64 { self == .buy ? 1 : -1 }

    @inlinable @inline(__always)
    public var opposite: Side { self == .buy ? .sell : .buy }

    public var description: String { self == .buy ? "buy" : "sell" }
}
