import HFTPrimitives

/// Infers a price grid from a depth snapshot: the greatest common divisor of all its raw prices.
///
/// Any real tick divides every resting price, so the result is the tick or a multiple of it when
/// the snapshot is tiny; prices that later fall off the inferred grid still land correctly in the
/// book's overflow store. Prefer the instrument's configured tick when it is known (> 1).
public enum TickInference {
    /// GCD of the raw prices of both sides, at least 1. O(levels), no allocation (runs on snapshots).
    @inlinable
    public static func tick(bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) -> Int64 {
        var g: Int64 = 0
        for level in bids {
            g = gcd(g, level.price.raw.magnitude)
            if g == 1 { return 1 }
        }
        for level in asks {
            g = gcd(g, level.price.raw.magnitude)
            if g == 1 { return 1 }
        }
        return max(1, g)
    }

    @usableFromInline
    static func gcd(_ a: Int64, _ b: UInt64) -> Int64 {
        var x = UInt64(a)
        var y = b
        while y != 0 { (x, y) = (y, x % y) }
        return Int64(truncatingIfNeeded: x)
    }
}
