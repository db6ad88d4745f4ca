/// A max segment tree over `leafCount` `Int64` leaves (a power of two), stored
/// bottom-up in one array: node `i` covers its children `2i`, `2i+1`; leaves start at `leafCount`.
///
/// Invariant: every internal node holds the max of its two children.
/// - Complexity: `set` O(log n); `maximum` O(1); `first(atLeast:from:)`/`last(atLeast:upTo:)`
///   O(log n); `rebuild` O(n). Never allocates after `init`.
struct MaxSegmentTree: ~Copyable {
    let leafCount: Int
    private let nodes: UnsafeMutablePointer<Int64>

    /// Every leaf (and so every node) starts at `initialValue`.
    /// - Precondition: `leafCount` is a power of two ≥ 2.
    init(leafCount: Int, initialValue: Int64 = 0) {
        precondition(leafCount >= 2 && leafCount & (leafCount - 1) == 0, "leaf count must be a power of two ≥ 2")
        self.leafCount = leafCount
        self.nodes = .allocate(capacity: 2 * leafCount)
        self.nodes.initialize(repeating: initialValue, count: 2 * leafCount)
    }

    deinit { nodes.deallocate() }

    /// The value of leaf `i`. - Precondition: `0 <= i < leafCount` (debug-checked).
    @inline(__always)
    subscript(i: Int) -> Int64 {
        assert(i >= 0 && i < leafCount, "leaf out of range")
        // SAFETY: leafCount + i < 2 * leafCount.
        return nodes[leafCount &+ i]
    }

    @inline(__always) var maximum: Int64 { nodes[1] }

    /// Σ leaves `lo...hi` (wrapping), 0 when `lo > hi`: a contiguous loop over the leaf row.
    /// - Precondition: `0 <= lo`, `hi < leafCount` when `lo <= hi` (debug-checked).
    @inline(__always)
    func leafSum(_ lo: Int, _ hi: Int) -> Int64 {
        guard lo <= hi else { return 0 }
        assert(lo >= 0 && hi < leafCount, "leaf out of range")
        // SAFETY: leafCount + lo ... leafCount + hi lie in the leaf row.
        let row = nodes + leafCount
        var s: Int64 = 0
        var i = lo
        while i <= hi {
            s &+= row[i]
            i &+= 1
        }
        return s
    }

    /// Sets leaf `i` to `value` and repairs its ancestors, stopping at the first one whose max
    /// does not change (every ancestor above it held that same max already).
    /// - Complexity: O(log n), usually a few levels: most updates leave the upper maxima alone.
    @inline(__always)
    mutating func set(_ i: Int, _ value: Int64) {
        var n = leafCount &+ i
        // SAFETY: n and every ancestor index are in 1..<2*leafCount.
        nodes[n] = value
        n >>= 1
        while n >= 1 {
            let m = max(nodes[2 &* n], nodes[2 &* n &+ 1])
            if nodes[n] == m { break }
            nodes[n] = m
            n >>= 1
        }
    }

    /// Writes leaf `i` without repairing ancestors; call `rebuild()` afterwards.
    @inline(__always)
    mutating func setLeafOnly(_ i: Int, _ value: Int64) {
        // SAFETY: leafCount + i < 2 * leafCount.
        nodes[leafCount &+ i] = value
    }

    /// Recomputes every internal node from the leaves.
    mutating func rebuild() {
        var n = leafCount &- 1
        while n >= 1 {
            // SAFETY: 2n+1 < 2*leafCount for n < leafCount.
            nodes[n] = max(nodes[2 &* n], nodes[2 &* n &+ 1])
            n &-= 1
        }
    }

    /// The smallest leaf index `>= from` whose value is `>= threshold`, or -1.
    @inline(__always)
    func first(atLeast threshold: Int64, from: Int) -> Int {
        guard from < leafCount else { return -1 }
        var i = leafCount &+ max(from, 0)
        while true {
            // SAFETY: 1 <= i < 2*leafCount throughout (climbing stops at the root).
            if nodes[i] >= threshold {
                while i < leafCount {
                    i = 2 &* i
                    if nodes[i] < threshold { i &+= 1 }
                }
                return i &- leafCount
            }
            while i & 1 == 1 { i >>= 1 }
            if i == 0 { return -1 }
            i &+= 1
        }
    }

    /// The largest leaf index `<= upTo` whose value is `>= threshold`, or -1.
    @inline(__always)
    func last(atLeast threshold: Int64, upTo: Int) -> Int {
        guard upTo >= 0 else { return -1 }
        var i = leafCount &+ min(upTo, leafCount &- 1)
        while true {
            // SAFETY: 1 <= i < 2*leafCount throughout (climbing stops at the root).
            if nodes[i] >= threshold {
                while i < leafCount {
                    i = 2 &* i &+ 1
                    if nodes[i] < threshold { i &-= 1 }
                }
                return i &- leafCount
            }
            while i & 1 == 0 { i >>= 1 }
            if i == 1 { return -1 }
            i &-= 1
        }
    }
}
