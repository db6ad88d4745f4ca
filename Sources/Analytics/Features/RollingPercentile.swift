/// The percentile rank of the latest non-negative `Double` sample among the last `window`
/// samples (itself included), on 1/16-octave bins taken from the IEEE-754 bit pattern (top 16 bits:
/// exponent and 4 mantissa bits), so the bins are exact and monotone:
/// `rank = (count below the sample's bin + ½ · count in its bin) / n`.
///
/// - Complexity: O(log 32768) per sample; never allocates after `init`.
struct RollingPercentile: ~Copyable {
    static let bins = 32_768
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
        return Int(truncatingIfNeeded: v.bitPattern >> 48) & (bins - 1)
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
