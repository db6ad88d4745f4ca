/// Counts of samples per bin with O(log bins) rank and select: the order-statistics structure behind
/// the rolling percentiles (large trades, realized-volatility percentile).
///
/// Invariant: `tree` is the Fenwick (binary indexed) tree of the per-bin counts; `total` is their sum.
/// - Complexity: `add`, `countBelow`, `select` O(log bins); never allocates after `init`.
struct FenwickCounts: ~Copyable {
    let bins: Int
    /// Highest power of two ≤ bins (the first descent step of `select`).
    private let topBit: Int
    private let tree: UnsafeMutablePointer<Int32>
    private(set) var total: Int

    /// - Precondition: `bins >= 1`.
    init(bins: Int) {
        precondition(bins >= 1, "bins must be positive")
        self.bins = bins
        var b = 1
        while b << 1 <= bins { b <<= 1 }
        self.topBit = b
        self.tree = .allocate(capacity: bins &+ 1)
        self.tree.initialize(repeating: 0, count: bins &+ 1)
        self.total = 0
    }

    deinit { tree.deallocate() }

    /// Adds `delta` samples to `bin`. - Precondition: `0 <= bin < bins`.
    @inline(__always)
    mutating func add(_ bin: Int, _ delta: Int32) {
        var i = bin &+ 1
        while i <= bins {
            // SAFETY: 1 <= i <= bins, inside the bins+1 allocation.
            tree[i] &+= delta
            i &+= i & (0 &- i)
        }
        total &+= Int(delta)
    }

    /// Number of samples in bins `< bin` (0 when bin <= 0, `total` when bin >= bins).
    @inline(__always)
    func countBelow(_ bin: Int) -> Int {
        var i = min(bin, bins)
        var s = 0
        while i > 0 {
            // SAFETY: 1 <= i <= bins.
            s &+= Int(tree[i])
            i &-= i & (0 &- i)
        }
        return s
    }

    /// The smallest bin `b` such that `countBelow(b + 1) >= rank`, for `1 <= rank <= total`.
    @inline(__always)
    func select(rank: Int) -> Int {
        var pos = 0
        var remaining = rank
        var step = topBit
        while step > 0 {
            let next = pos &+ step
            // SAFETY: next <= bins is checked before the read.
            if next <= bins, Int(tree[next]) < remaining {
                pos = next
                remaining &-= Int(tree[next])
            }
            step >>= 1
        }
        return pos
    }
}
