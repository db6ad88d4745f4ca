import MarketData

/// Large resting orders ("walls") on one side (DEFINITIONS.md §5, our rule): the level nearest to
/// the touch, among the top `levels`, whose displayed size is ≥ `factor × median` of those levels'
/// sizes (lower median for an even count). It is reported once the same price has qualified on
/// every book event for at least `persistNanos`.
///
/// - Complexity: per book event, for up to 10 levels (the default depth) a fixed 32-comparator
///   sorting network on registers (branch-free min/max); above 10, O(levels²) branch-free rank
///   counting over ≤ `levels` ≤ 32 sizes copied to a preallocated scratch buffer. Both replaced an
///   insertion sort whose data-dependent inner loop mispredicted on every level. Never allocates
///   after `init`.
struct WallDetector: ~Copyable {
    let levels: Int
    let factorPermille: Int64
    let persistNanos: Int64
    private let scratch: UnsafeMutablePointer<Int64>
    /// Price of the tracked candidate, `Int64.min` when none.
    private(set) var price: Int64
    private(set) var since: Int64

    init(levels: Int, factorPermille: Int64, persistNanos: Int64) {
        self.levels = max(1, levels)
        self.factorPermille = factorPermille
        self.persistNanos = persistNanos
        self.scratch = .allocate(capacity: max(1, levels))
        self.price = .min
        self.since = 0
    }

    deinit { scratch.deallocate() }

    /// Updates the candidate from the side's levels (best first) at time `now`.
    @inline(__always)
    mutating func update(_ side: UnsafeBufferPointer<DepthLevel>, now: Int64) {
        let n = min(levels, side.count)
        guard n > 0 else {
            price = .min
            return
        }
        var i = 0
        while i < n {
            // SAFETY: i < n <= levels (scratch capacity) and i < side.count.
            scratch[i] = side[i].quantity.raw
            i &+= 1
        }
        let median = WallDetector.lowerMedian(scratch, n)
        var found: Int64 = .min
        i = 0
        while i < n {
            if ExactProduct.isAtLeast(side[i].quantity.raw, times: 1000, factorPermille, times: median) {
                found = side[i].price.raw
                break
            }
            i &+= 1
        }
        if found != price {
            price = found
            since = now
        }
    }

    /// The `(n − 1) / 2`-th smallest of `v[0..<n]` (the lower median), by rank counting: the value
    /// `x` with `#{v < x} ≤ k < #{v ≤ x}`. Equal to sorting and indexing, with no data-dependent
    /// branch in the inner loop. - Precondition: `1 <= n`, `v` holds `n` values.
    @inline(__always)
    static func lowerMedian(_ v: UnsafeMutablePointer<Int64>, _ n: Int) -> Int64 {
        if n <= 10 { return lowerMedianOfAtMostTen(v, n) }
        let k = (n &- 1) >> 1
        var median = v[0]
        var i = 0
        // No early exit: fixed-trip loops that the compiler unrolls and vectorises.
        while i < n {
            // SAFETY: i, j < n, inside the caller's n initialised values.
            let x = v[i]
            var less = 0, lessOrEqual = 0
            var j = 0
            while j < n {
                let y = v[j]
                less &+= y < x ? 1 : 0
                lessOrEqual &+= y <= x ? 1 : 0
                j &+= 1
            }
            median = less <= k && k < lessOrEqual ? x : median
            i &+= 1
        }
        return median
    }

    /// The lower median of `v[0..<n]` for `n ≤ 10`: the sizes padded with `Int64.max` to ten
    /// (the padding sorts last, so rank `(n − 1) / 2` is unchanged) through Batcher's odd–even
    /// merge network for 16 inputs restricted to the first 10 wires (32 comparators; a comparator
    /// touching a padded wire of the 16 never swaps, and the 0–1 principle was checked on all
    /// 2¹⁰ inputs). About 100 instructions on registers against ≈ 400 for rank counting at n = 10.
    /// - Precondition: `1 <= n <= 10`, `v` holds `n` values.
    @inline(__always)
    static func lowerMedianOfAtMostTen(_ v: UnsafeMutablePointer<Int64>, _ n: Int) -> Int64 {
        @inline(__always)
        func order(_ x: inout Int64, _ y: inout Int64) {
            let lower = min(x, y)
            y = max(x, y)
            x = lower
        }
        // SAFETY: only indices < n (and 0 < 1 <= n) are read.
        var a0 = v[0]
        var a1 = n > 1 ? v[1] : .max
        var a2 = n > 2 ? v[2] : .max
        var a3 = n > 3 ? v[3] : .max
        var a4 = n > 4 ? v[4] : .max
        var a5 = n > 5 ? v[5] : .max
        var a6 = n > 6 ? v[6] : .max
        var a7 = n > 7 ? v[7] : .max
        var a8 = n > 8 ? v[8] : .max
        var a9 = n > 9 ? v[9] : .max
        order(&a0, &a1)
        order(&a2, &a3)
        order(&a0, &a2)
        order(&a1, &a3)
        order(&a1, &a2)
        order(&a4, &a5)
        order(&a6, &a7)
        order(&a4, &a6)
        order(&a5, &a7)
        order(&a5, &a6)
        order(&a0, &a4)
        order(&a2, &a6)
        order(&a2, &a4)
        order(&a1, &a5)
        order(&a3, &a7)
        order(&a3, &a5)
        order(&a1, &a2)
        order(&a3, &a4)
        order(&a5, &a6)
        order(&a8, &a9)
        order(&a0, &a8)
        order(&a4, &a8)
        order(&a2, &a4)
        order(&a6, &a8)
        order(&a1, &a9)
        order(&a5, &a9)
        order(&a3, &a5)
        order(&a7, &a9)
        order(&a1, &a2)
        order(&a3, &a4)
        order(&a5, &a6)
        order(&a7, &a8)
        switch (n &- 1) >> 1 {
        case 0: return a0
        case 1: return a1
        case 2: return a2
        case 3: return a3
        default: return a4
        }
    }

    /// The wall's price when one has persisted for `persistNanos` at `now`.
    @inline(__always)
    func persistentWall(now: Int64) -> Int64? {
        price != .min && now &- since >= persistNanos ? price : nil
    }
}
