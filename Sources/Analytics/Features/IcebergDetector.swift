/// Executed-versus-displayed iceberg heuristic at the touch of one side (DEFINITIONS.md §5).
///
/// An episode is the time the best price of the side stays at one price: it starts with
/// `peak = displayed size`, `executed = 0`; each book event at the same price raises `peak` to the
/// displayed size if larger; each trade at that price whose aggressor hits this side adds to
/// `executed`. A new best price starts a new episode (the level moved or was depleted). The level
/// is flagged when `executed ≥ ratio × peak` and `executed ≥ minimumExecuted` — it kept refilling.
///
/// - Complexity: O(1) per event.
struct IcebergDetector {
    let ratioPermille: Int64
    let minimumExecuted: Int64
    private(set) var price: Int64 = .min
    private(set) var peak: Int64 = 0
    private(set) var executed: Int64 = 0

    init(ratioPermille: Int64, minimumExecuted: Int64) {
        self.ratioPermille = ratioPermille
        self.minimumExecuted = minimumExecuted
    }

    /// The side's best level after a book event.
    @inline(__always)
    mutating func onTouch(price p: Int64, displayed q: Int64) {
        if p != price {
            price = p
            peak = q
            executed = 0
        } else if q > peak {
            peak = q
        }
    }

    /// A trade that took liquidity from this side at `p`.
    @inline(__always)
    mutating func onExecution(price p: Int64, quantity q: Int64) {
        if p == price { executed &+= q }
    }

    /// executed / peak (0 when nothing is displayed).
    @inline(__always) var ratio: Double { peak > 0 ? Double(executed) / Double(peak) : 0 }

    @inline(__always)
    var isIceberg: Bool {
        executed >= minimumExecuted && executed > 0 && ExactProduct.isAtLeast(executed, times: 1000, ratioPermille, times: peak)
    }
}
