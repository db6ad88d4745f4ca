/// Prefix sums of `count` `Int64` values with O(log n) point updates: the range sums the value-area
/// repair needs when it jumps along a remembered path.
///
/// Invariant: `tree` is the Fenwick (binary indexed) tree of the values (wrapping arithmetic).
/// - Complexity: `add`, `prefix`, `rangeSum` O(log n); `rebuild` and `removeAll` O(n); never
///   allocates after `init`.
struct FenwickSums: ~Copyable {
    let count: Int
    private let tree: UnsafeMutablePointer<Int64>

    /// - Precondition: `count >= 1`.
    init(count: Int) {
        precondition(count >= 1, "count must be positive")
        self.count = count
        self.tree = .allocate(capacity: count &+ 1)
        self.tree.initialize(repeating: 0, count: count &+ 1)
    }

    deinit { tree.deallocate() }

    /// Adds `delta` to value `i`. - Precondition: `0 <= i < count`.
    @inline(__always)
    mutating func add(_ i: Int, _ delta: Int64) {
        var j = i &+ 1
        while j <= count {
            // SAFETY: 1 <= j <= count, inside the count+1 allocation.
            tree[j] &+= delta
            j &+= j & (0 &- j)
        }
    }

    /// Σ values `[0, end)`; `end` is clamped into `0...count`.
    @inline(__always)
    func prefix(_ end: Int) -> Int64 {
        var j = min(max(end, 0), count)
        var s: Int64 = 0
        while j > 0 {
            // SAFETY: 1 <= j <= count.
            s &+= tree[j]
            j &-= j & (0 &- j)
        }
        return s
    }

    /// Σ values `[lo, hi]` (inclusive). - Precondition: `0 <= lo <= hi < count`.
    @inline(__always)
    func rangeSum(_ lo: Int, _ hi: Int) -> Int64 { prefix(hi &+ 1) &- prefix(lo) }

    /// Rebuilds the tree from `value(i)` for every `i` in O(n).
    mutating func rebuild(_ value: (Int) -> Int64) {
        // SAFETY: indices 1...count, and j <= count is checked before the write.
        for i in 1...count { tree[i] = value(i &- 1) }
        for i in 1...count {
            let j = i &+ (i & (0 &- i))
            if j <= count { tree[j] &+= tree[i] }
        }
    }

    mutating func removeAll() {
        // SAFETY: the allocation holds count+1 elements.
        tree.update(repeating: 0, count: count &+ 1)
    }
}
