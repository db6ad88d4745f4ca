/// The market regime the scalper trades in; each has its own parameter set.
@frozen
public enum Regime: UInt8, BitwiseCopyable, Sendable, CaseIterable, CustomStringConvertible {
    /// Low trend strength, normal volatility: mean reversion (TabNet or VWAP/value-area fallback).
    case ranging = 0
    /// Efficient directional moves: momentum (TCN or OFI/micro-price fallback).
    case trending = 1
    /// High realized volatility or the HMM's high-volatility state: momentum, small size.
    case volatile = 2

    public var description: String {
        switch self {
        case .ranging: "ranging"
        case .trending: "trending"
        case .volatile: "volatile"
        }
    }
}
