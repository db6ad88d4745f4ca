import HFTPrimitives

/// The level changes that turn one side's top levels into another's: one merge of two best-first
/// lists. The Book stage publishes them as level events (`BookEventPublisher`); a consumer that
/// reads snapshot slots applies them to its own book (`BookMirror`).
public enum TopLevelsDiff {
    /// Calls `body`, best price first, with every level of `new` that is not in `old` at the same
    /// quantity, and with `(price, 0)` for every price of `old` that `new` lacks.
    /// - Parameters: `old` and `new` are strictly ordered best first (descending prices for
    ///   `.buy`, ascending for `.sell`), `oldCount` and `newCount` levels.
    /// - Returns: whether `body` was called.
    /// - Complexity: O(`oldCount` + `newCount`); no allocation.
    @inlinable @inline(__always)
    public static func forEachChange(old: UnsafePointer<DepthLevel>, count oldCount: Int, new: UnsafePointer<DepthLevel>, count newCount: Int,
                                     side: Side, _ body: (DepthLevel) -> Void) -> Bool {
        var a = 0, b = 0
        var changed = false
        // SAFETY: a < oldCount and b < newCount wherever old[a] / new[b] are read.
        while a < oldCount || b < newCount {
            let level: DepthLevel
            if a < oldCount && b < newCount && old[a].price == new[b].price {
                let same = old[a].quantity == new[b].quantity
                level = new[b]
                a &+= 1; b &+= 1
                if same { continue }
            } else if b >= newCount || (a < oldCount && better(old[a].price, than: new[b].price, side)) {
                level = DepthLevel(price: old[a].price, quantity: .zero)
                a &+= 1
            } else {
                level = new[b]
                b &+= 1
            }
            changed = true
            body(level)
        }
        return changed
    }

    /// Whether `p` is a better price than `q` on `side` (higher bid, lower ask).
    @inlinable @inline(__always)
    public static func better(_ p: Price, than q: Price, _ side: Side) -> Bool {
        side == .buy ? p.raw > q.raw : p.raw < q.raw
    }
}
