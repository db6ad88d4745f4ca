import MarketData

/// Large resting orders ("walls") on one side (DEFINITIONS.md §5, our rule): the level nearest to
/// the touch, among the top `levels`, whose displayed size is ≥ `factor × median` of those levels'
/// sizes (lower median for an even count). It is reported once the same price has qualified on
/// every book event for at least `persistNanos`.
///
/// - Complexity: O(levels²) branch-free comparisons per book event (the median is found by
///   counting ranks over ≤ `levels` sizes copied to a preallocated scratch buffer; levels ≤ 32),
///   which replaced an insertion sort whose data-dependent inner loop mispredicted on every level.
///   Never allocates after `init`.
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
        let median = Int128(WallDetector.lowerMedian(scratch, n))
        var found: Int64 = .min
        i = 0
        while i < n {
            if Int128(side[i].quantity.raw) * 1000 >= Int128(factorPermille) * median {
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

    /// The wall's price when one has persisted for `persistNanos` at `now`.
    @inline(__always)
    func persistentWall(now: Int64) -> Int64? {
        price != .min && now &- since >= persistNanos ? price : nil
    }
}
