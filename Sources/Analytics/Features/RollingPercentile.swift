/// The percentile rank of the latest non-negative `Double` sample among the last `window`
/// samples (itself included), on 1/16-octave bins taken from the IEEE-754 bit pattern (exponent
/// and 4 mantissa bits) over [2⁻⁶⁴, 1) — smaller values share bin 0, larger ones the last bin — so
/// the bins are exact and monotone: `rank = (count below the sample's bin + ½ · count in its bin) / n`.
///
/// - Complexity: O(log 1024) per sample over a 4 KB tree; never allocates after `init`.
struct RollingPercentile: ~Copyable {
    static let bins = 1024
    /// Top 16 bits of the bit pattern of 2⁻⁶⁴ (exponent 1023 − 64, mantissa 0).
    static let lowestKey = (1023 - 64) << 4
    private var counts: FenwickCounts
    private var ring: UnsafeRing<Int32>

    init(window: Int) {
        counts = FenwickCounts(bins: RollingPercentile.bins)
        ring = UnsafeRing(capacity: max(1, window))
    }

    /// The bin of a sample (negative and NaN values go to bin 0).
    @inline(__always)
    static func bin(_ v: Double) -> Int {
        guard v > 0 else { return 0 }
        let key = Int(truncatingIfNeeded: v.bitPattern >> 48) &- lowestKey
        return key < 0 ? 0 : min(key, bins &- 1)
    }

    /// Adds `v` and returns its percentile rank in [0, 1].
    @inline(__always)
    mutating func push(_ v: Double) -> Double {
        let b = RollingPercentile.bin(v)
        if ring.isFull { counts.add(Int(ring.removeFirst()), -1) }
        ring.append(Int32(b))
        counts.add(b, 1)
        let below = counts.countBelow(b)
        let within = counts.countBelow(b &+ 1) &- below
        return (Double(below) + 0.5 * Double(within)) / Double(ring.count)
    }
}
