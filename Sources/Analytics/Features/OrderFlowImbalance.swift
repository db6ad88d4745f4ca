/// The Cont–Kukanov–Stoikov order-flow contribution of one book event at one level
/// (DEFINITIONS.md §1; applied per level for multi-level OFI, Xu–Gould–Howison):
///
/// `e = 1{Pb ≥ Pb'}·qb − 1{Pb ≤ Pb'}·qb' − 1{Pa ≤ Pa'}·qa + 1{Pa ≥ Pa'}·qa'`
///
/// where primes are the previous event's values. Positive = net buying pressure. Exact in raw
/// quantity units. A missing level is passed as price `Int64.min` (bid) / `Int64.max` (ask) with
/// quantity 0, so that a level appearing counts as an addition and one vanishing as a removal.
public enum OrderFlowImbalance {
    /// - Complexity: O(1), branch-light; no allocation.
    @inlinable @inline(__always)
    public static func contribution(previousBid: Int64, previousBidQuantity: Int64, previousAsk: Int64, previousAskQuantity: Int64,
                                    bid: Int64, bidQuantity: Int64, ask: Int64, askQuantity: Int64) -> Int64 {
        var e: Int64 = 0
        if bid >= previousBid { e &+= bidQuantity }
        if bid <= previousBid { e &-= previousBidQuantity }
        if ask <= previousAsk { e &-= askQuantity }
        if ask >= previousAsk { e &+= previousAskQuantity }
        return e
    }
}
