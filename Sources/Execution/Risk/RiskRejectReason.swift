/// Why the risk gate refused an intent. Every reason has its own counter.
@frozen
public enum RiskRejectReason: UInt8, BitwiseCopyable, Sendable, CaseIterable, CustomStringConvertible {
    case killSwitch = 0
    /// Halted by the 15 % drawdown breaker or the latency trip.
    case halted
    /// The 10 % drawdown breaker allows only position-reducing intents.
    case drawdownOpeningBlocked
    case feedStale
    case latencyTrip
    case invalidQuantity
    case invalidPrice
    case maxOrderQuantity
    case maxOrderNotional
    case maxPosition
    case maxNotional
    case priceBand
    case orderRate
    case maxOpenOrders
    case selfTrade
    case reduceOnlyWouldIncrease
    case noReferencePrice

    public var description: String {
        switch self {
        case .killSwitch: return "kill_switch"
        case .halted: return "halted"
        case .drawdownOpeningBlocked: return "drawdown_opening_blocked"
        case .feedStale: return "feed_stale"
        case .latencyTrip: return "latency_trip"
        case .invalidQuantity: return "invalid_quantity"
        case .invalidPrice: return "invalid_price"
        case .maxOrderQuantity: return "max_order_quantity"
        case .maxOrderNotional: return "max_order_notional"
        case .maxPosition: return "max_position"
        case .maxNotional: return "max_notional"
        case .priceBand: return "price_band"
        case .orderRate: return "order_rate"
        case .maxOpenOrders: return "max_open_orders"
        case .selfTrade: return "self_trade"
        case .reduceOnlyWouldIncrease: return "reduce_only_would_increase"
        case .noReferencePrice: return "no_reference_price"
        }
    }
}

/// The gate's answer for one intent.
@frozen
public enum RiskDecision: BitwiseCopyable, Sendable, Equatable {
    case accept
    case reject(RiskRejectReason)
}
