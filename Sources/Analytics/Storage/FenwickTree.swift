/// A Fenwick (binary indexed) tree over `count` integer values with O(log n) point updates and
/// prefix sums: the prefix sums behind the value-area repair's jumps (`Int64` bin volumes). The
/// rolling percentiles, whose samples move a bin or two between events, count with `CursorCounts`.
///
/// Invariant: `tree` is the Fenwick tree of the values (wrapping arithmetic).
/// - Complexity: `add`, `prefix`, `rangeSum` O(log n), independent loads that pipeline;
///   `rebuild` and `removeAll` O(n). Never allocates after `init`. Generic code specialised
///   in the module (whole-module optimisation), no existentials.
struct FenwickTree<Element: FixedWidthInteger & BitwiseCopyable>: ~Copyable {
    let count: Int
    private let tree: UnsafeMutablePointer<Element>

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
    mutating func add(_ i: Int, _ delta: Element) {
        var j = i &+ 1
        while j <= count {
            // SAFETY: 1 <= j <= count, inside the count+1 allocation.
            tree[j] &+= delta
            j &+= j & (0 &- j)
        }
    }

    /// Σ values `[0, end)`; `end` is clamped into `0...count` (so this is the number of samples
    /// in bins below `end` for counts).
    @inline(__always)
    func prefix(_ end: Int) -> Element {
        var j = min(max(end, 0), count)
        var s: Element = 0
        while j > 0 {
            // SAFETY: 1 <= j <= count.
            s &+= tree[j]
            j &-= j & (0 &- j)
        }
        return s
    }

    /// Σ values `[lo, hi]` (inclusive). - Precondition: `0 <= lo <= hi < count`.
    @inline(__always)
    func rangeSum(_ lo: Int, _ hi: Int) -> Element { prefix(hi &+ 1) &- prefix(lo) }

    /// Rebuilds the tree from `value(i)` for every `i` in O(n).
    mutating func rebuild(_ value: (Int) -> Element) {
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
