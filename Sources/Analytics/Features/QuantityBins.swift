/// Log-spaced bins of raw quantities with 8 bins per octave, computed exactly from the bit
/// pattern: bin = 8 × floor(log2 q) + the 3 bits after the leading one. Monotone in `q`;
/// `q <= 0` maps to bin 0. 512 bins cover every positive `Int64`.
public enum QuantityBins {
    public static let count = 512

    @inlinable @inline(__always)
    public static func bin(_ q: Int64) -> Int {
        guard q > 0 else { return 0 }
        let e = 63 &- q.leadingZeroBitCount
        let m = e >= 3 ? Int((q >> Int64(e &- 3)) & 7) : Int((q << Int64(3 &- e)) & 7)
        return e &* 8 &+ m
    }

    /// The smallest positive quantity whose bin is ≥ `b` (bins below octave 3 round up).
    @inlinable
    public static func lowerEdge(_ b: Int) -> Int64 {
        let e = b / 8, m = Int64(b % 8)
        if e >= 3 { return (8 &+ m) << Int64(e &- 3) }
        var q: Int64 = 1
        while bin(q) < b { q &+= 1 }
        return q
    }
}

/// Large-trade ("whale") detection against a rolling percentile of trade sizes (DEFINITIONS.md §5,
/// the percentile-baseline variant): a trade is large when its size bin is above the bin of the
/// `percentilePermille`-th percentile of the previous `window` trade sizes (binned by
/// `QuantityBins`), once at least `minimumSamples` trades are in the window.
///
/// - Complexity: O(1) per trade plus the bins the threshold moves (`CursorCounts.select`); never
///   allocates after `init`.
struct LargeTradeDetector: ~Copyable {
    let percentilePermille: Int
    let minimumSamples: Int
    private var counts: CursorCounts
    private var ring: UnsafeRing<Int32>
    /// Whether the last trade was large.
    private(set) var lastWasLarge: Bool
    /// Bin of the current threshold percentile (-1 until `minimumSamples`).
    private(set) var thresholdBin: Int

    init(window: Int, percentilePermille: Int, minimumSamples: Int) {
        self.percentilePermille = min(max(percentilePermille, 0), 1000)
        self.minimumSamples = max(1, minimumSamples)
        self.counts = CursorCounts(count: QuantityBins.count)
        self.ring = UnsafeRing(capacity: max(1, window))
        self.lastWasLarge = false
        self.thresholdBin = -1
    }

    /// Classifies `quantity` against the window, then adds it to the window.
    @inline(__always)
    mutating func observe(_ quantity: Int64) {
        let b = QuantityBins.bin(quantity)
        let n = ring.count
        if n >= minimumSamples {
            let rank = max(1, (percentilePermille &* n &+ 999) / 1000)
            thresholdBin = counts.select(rank: rank)
            lastWasLarge = b > thresholdBin
        } else {
            lastWasLarge = false
        }
        if ring.isFull { counts.add(Int(ring.removeFirst()), -1) }
        ring.append(Int32(b))
        counts.add(b, 1)
    }

    /// The smallest raw quantity that counts as large now, or 0 before `minimumSamples`.
    @inline(__always)
    var thresholdQuantity: Int64 { thresholdBin < 0 ? 0 : QuantityBins.lowerEdge(thresholdBin &+ 1) }
}
