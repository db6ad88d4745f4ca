/// The percentile rank of the latest non-negative `Double` sample among the last `window`
/// samples (itself included), on 1/16-octave bins taken from the IEEE-754 bit pattern (exponent
/// and 4 mantissa bits) over [2⁻⁶⁴, 1) — smaller values share bin 0, larger ones the last bin — so
/// the bins are exact and monotone: `rank = (count below the sample's bin + ½ · count in its bin) / n`.
///
/// - Complexity: O(1) per sample plus the bins between this sample's bin and the last one's
///   (`CursorCounts.prefix`; a volatility estimate moves a bin or two between events); never
///   allocates after `init`.
struct RollingPercentile: ~Copyable {
    static let bins = 1024
    /// Top 16 bits of the bit pattern of 2⁻⁶⁴ (exponent 1023 − 64, mantissa 0).
    static let lowestKey = (1023 - 64) << 4
    private var counts: CursorCounts
    private var ring: UnsafeRing<Int32>

    init(window: Int) {
        counts = CursorCounts(count: RollingPercentile.bins)
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
        // SAFETY: bins are in 0..<bins (`bin` clamps; the ring holds only such bins).
        if ring.isFull {
            let old = Int(ring.removeFirst())
            counts.add(old, -1)
        }
        ring.append(Int32(b))
        counts.add(b, 1)
        let below = counts.prefix(b)
        let within = counts[b]
        return (Double(below) + 0.5 * Double(within)) / Double(ring.count)
    }
}
