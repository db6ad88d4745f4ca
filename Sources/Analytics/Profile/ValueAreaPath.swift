/// The one-row value-area expansion of a `VolumeProfile`, remembered step by step so that the next
/// recomputation re-walks only the steps that changed bins can alter.
///
/// The expansion from the POC is a monotone lattice path: state (a, b) has taken `a` rows above
/// and `b` rows below; from it the next step goes up iff `e(poc + a + 1) ≥ e(poc − b − 1)`, where
/// `e(x)` is the volume of slot `x` inside the occupied range and −1 outside; it stops at the first
/// state whose area (the volume of its rows) is ≥ `needed`, or when both sides are at the edge.
/// The path's decisions depend on the volumes only; where it stops depends on `needed` too.
///
/// Repair after some bins changed (same POC): the path is unchanged up to the first state where a
/// changed bin (or a moved edge) is one of the two compared rows; from there it is walked again
/// with the new volumes until it is back on the old path at a state whose two compared rows are
/// unchanged, after which it follows the old path (a jump) to the next such state or to the old
/// end. Since rows only add volume, the area is non-decreasing along the path, so the stop is the
/// last state reached when the walk crossed `needed`, or the old end stepped back (`needed` fell)
/// or walked on (`needed` rose). The result is the path a from-scratch walk produces, exactly.
///
/// Invariant (when `isValid`): for 1 ≤ a ≤ `up`, `upAt[a]` is the number of rows below taken when
/// the a-th row above was taken; for 1 ≤ b ≤ `down`, `downAt[b]` the rows above taken when the b-th
/// row below was; `upAt[0] = downAt[0] = 0`.
/// - Complexity: a full walk O(value-area width); a repair O(rows re-walked + jumps · (log bins +
///   bitset search)), typically a few rows per changed bin compared on the path; changes the path
///   never compares cost nothing. Never allocates after `init`.
struct ValueAreaPath: ~Copyable {
    /// Up to this many listed changes `firstCompared` considers each one; above, it searches.
    static let listedChangesScanned = 4
    /// Spans of fewer rows are added up from the bins; longer ones come from the prefix sums.
    static let directSumRows = 32
    let capacity: Int
    private let upAt: UnsafeMutablePointer<Int32>
    private let downAt: UnsafeMutablePointer<Int32>
    private(set) var poc = 0
    private(set) var up = 0
    private(set) var down = 0
    /// The occupied range the path was walked in.
    private var lowEdge = 0
    private var highEdge = 0
    private(set) var isValid = false
    /// Full walks and repairs done (for tests and telemetry).
    private(set) var fullWalks = 0
    private(set) var repairs = 0

    /// - Parameter binCount: slots of the profile (rows on each side are fewer).
    init(binCount: Int) {
        self.capacity = binCount
        self.upAt = .allocate(capacity: binCount &+ 1)
        self.upAt.initialize(repeating: 0, count: binCount &+ 1)
        self.downAt = .allocate(capacity: binCount &+ 1)
        self.downAt.initialize(repeating: 0, count: binCount &+ 1)
    }

    deinit {
        upAt.deallocate()
        downAt.deallocate()
    }

    /// Lowest and highest slot of the value area.
    @inline(__always) var low: Int { poc &- down }
    @inline(__always) var high: Int { poc &+ up }

    /// Forgets the path: the next `update` walks from the POC.
    @inline(__always)
    mutating func invalidate() { isValid = false }

    /// Brings the path to the value area of the current volumes.
    /// - Parameters:
    ///   - volumes: the profile's bins (slot volumes).
    ///   - sums: prefix sums of the same bins.
    ///   - changes: the slots whose volume changed since the last `update` (ignored when the path is
    ///     invalid; a full walk when it overflowed).
    ///   - poc, minSlot, maxSlot: the POC and occupied range of the current volumes.
    ///   - needed: the smallest area that completes the value area.
    mutating func update(volumes: borrowing MaxSegmentTree, sums: borrowing FenwickTree<Int64>, changes: borrowing SlotChangeSet,
                         poc p: Int, minSlot: Int, maxSlot: Int, needed: Int64) {
        let repairing = isValid && p == poc && !changes.overflowed
        if !repairing {
            poc = p
            up = 0
            down = 0
            fullWalks &+= 1
        } else {
            repairs &+= 1
        }
        // Old path (empty when walking from scratch: no state is on it).
        let oldUp = repairing ? up : -1
        let oldDown = repairing ? down : -1
        // A moved edge changes e() at the first slot past the nearer of the old and new edge.
        let edgeAbove = repairing && highEdge != maxSlot ? min(highEdge, maxSlot) &+ 1 : Int.min
        let edgeBelow = repairing && lowEdge != minSlot ? max(lowEdge, minSlot) &- 1 : Int.min

        // The first state of the old path at which a changed slot is compared.
        var a = 0, b = 0
        if repairing {
            (a, b) = firstCompared(changes, edgeAbove, edgeBelow, fromRow: 0, fromColumn: 0, oldUp: oldUp, oldDown: oldDown)
        }
        // The prefix sums at the area's edges, P(p + a + 1) above and P(p − b) below, once a long
        // span needed them: kept up to date by every step (one add), so that a later jump costs
        // one prefix walk per side it moves instead of two.
        var upperPrefix: Int64 = 0, lowerPrefix: Int64 = 0
        var upperKnown = false, lowerKnown = false
        var area: Int64
        if a &+ b < ValueAreaPath.directSumRows {
            area = volumes.leafSum(p &- b, p &+ a)
        } else {
            upperPrefix = sums.prefix(p &+ a &+ 1)
            lowerPrefix = sums.prefix(p &- b)
            upperKnown = true
            lowerKnown = true
            area = upperPrefix &- lowerPrefix
        }
        // The old path's span of row a (rows below taken while on it); empty when not on it.
        var rowStart = Int.max, rowEnd = Int.min
        if repairing { (rowStart, rowEnd) = oldRow(a, oldUp: oldUp, oldDown: oldDown) }

        while true {
            if area >= needed {
                // Reached by a jump (or at the start): step back while the previous state is enough.
                while a &+ b > 0 {
                    // SAFETY: a, b <= capacity.
                    let wasUp = a > 0 && Int(upAt[a]) == b
                    let v = volumes[wasUp ? p &+ a : p &- b]
                    guard area &- v >= needed else { break }
                    area &-= v
                    if wasUp { a &-= 1 } else { b &-= 1 }
                }
                break
            }
            let above: Int64 = p &+ a < maxSlot ? volumes[p &+ a &+ 1] : -1
            let below: Int64 = p &- b > minSlot ? volumes[p &- b &- 1] : -1
            if above < 0, below < 0 { break }
            if above >= below {
                a &+= 1
                if repairing { (rowStart, rowEnd) = oldRow(a, oldUp: oldUp, oldDown: oldDown) }
                // SAFETY: a <= maxSlot − poc < capacity.
                upAt[a] = Int32(truncatingIfNeeded: b)
                area &+= above
                upperPrefix &+= above
            } else {
                b &+= 1
                // SAFETY: b <= poc − minSlot < capacity.
                downAt[b] = Int32(truncatingIfNeeded: a)
                area &+= below
                lowerPrefix &-= below
            }
            if area >= needed { break }
            // Back on the old path with neither compared row changed: follow it to the next state
            // where a changed row is compared, or to its end.
            guard repairing, b >= rowStart, b <= rowEnd else { continue }
            let nextUp = p &+ a &+ 1, nextDown = p &- b &- 1
            if changes.contains(nextUp) || nextUp == edgeAbove || changes.contains(nextDown) || nextDown == edgeBelow { continue }
            let (ta, tb) = firstCompared(changes, edgeAbove, edgeBelow, fromRow: a &+ 1, fromColumn: b &+ 1, oldUp: oldUp, oldDown: oldDown)
            guard ta &+ tb > a &+ b else { continue }
            // The rows the jump adds: above (a, ta], below (b, tb].
            if ta > a {
                if ta &- a < ValueAreaPath.directSumRows {
                    let d = volumes.leafSum(p &+ a &+ 1, p &+ ta)
                    area &+= d
                    upperPrefix &+= d
                } else {
                    if !upperKnown { upperPrefix = sums.prefix(p &+ a &+ 1) }
                    let u = sums.prefix(p &+ ta &+ 1)
                    area &+= u &- upperPrefix
                    upperPrefix = u
                    upperKnown = true
                }
            }
            if tb > b {
                if tb &- b < ValueAreaPath.directSumRows {
                    let d = volumes.leafSum(p &- tb, p &- b &- 1)
                    area &+= d
                    lowerPrefix &-= d
                } else {
                    if !lowerKnown { lowerPrefix = sums.prefix(p &- b) }
                    let l = sums.prefix(p &- tb)
                    area &+= lowerPrefix &- l
                    lowerPrefix = l
                    lowerKnown = true
                }
            }
            a = ta
            b = tb
            (rowStart, rowEnd) = oldRow(a, oldUp: oldUp, oldDown: oldDown)
        }
        up = a
        down = b
        lowEdge = minSlot
        highEdge = maxSlot
        isValid = true
    }

    /// The earliest state of the old path at which a changed slot (or a moved edge) on a row ≥
    /// `fromRow` above or a column ≥ `fromColumn` below is compared; the old end when none is.
    ///
    /// A slot `x = poc + r + 1` above is first compared at the old state `(r, upAt[r])`, whose
    /// index `r + upAt[r]` is non-decreasing in `r` (`upAt` is); likewise below in the column. So
    /// the earliest is the nearest changed slot on each side (a bitset search from the row or
    /// column on) and the edges, not a pass over every change; up to `listedChangesScanned`
    /// changes are simply all considered.
    /// - Complexity: O(min(changes, bitset words from the row or column to the nearest change on
    ///   each side)).
    @inline(__always)
    private func firstCompared(_ changes: borrowing SlotChangeSet, _ edgeAbove: Int, _ edgeBelow: Int, fromRow: Int, fromColumn: Int,
                               oldUp: Int, oldDown: Int) -> (Int, Int) {
        var best = oldUp &+ oldDown, ba = oldUp, bb = oldDown
        @inline(__always) func consider(_ x: Int) {
            if x > poc {
                let r = x &- poc &- 1
                guard r >= fromRow, r <= oldUp else { return }
                // SAFETY: r <= oldUp <= capacity.
                let c = Int(upAt[r])
                if r &+ c < best { best = r &+ c; ba = r; bb = c }
            } else if x < poc {
                let c = poc &- x &- 1
                guard c >= fromColumn, c <= oldDown else { return }
                // SAFETY: c <= oldDown <= capacity.
                let r = Int(downAt[c])
                if r &+ c < best { best = r &+ c; ba = r; bb = c }
            }
        }
        if changes.listCount <= ValueAreaPath.listedChangesScanned, !changes.overflowed {
            // A few changes (a trade, a small expiry): one pass over the list beats the searches.
            for i in 0..<changes.listCount { consider(changes[i]) }
        } else {
            if fromRow <= oldUp {
                let x = changes.firstMember(from: poc &+ fromRow &+ 1, through: poc &+ oldUp &+ 1)
                if x >= 0 { consider(x) }
            }
            if fromColumn <= oldDown {
                let x = changes.lastMember(from: poc &- fromColumn &- 1, downTo: poc &- oldDown &- 1)
                if x >= 0 { consider(x) }
            }
        }
        if edgeAbove != .min { consider(edgeAbove) }
        if edgeBelow != .min { consider(edgeBelow) }
        return (ba, bb)
    }

    /// The span of rows below the old path takes while on row `a` above (read before row `a` is
    /// rewritten); empty beyond the old path.
    @inline(__always)
    private func oldRow(_ a: Int, oldUp: Int, oldDown: Int) -> (Int, Int) {
        guard a <= oldUp else { return (.max, .min) }
        // SAFETY: a + 1 <= oldUp <= capacity when read.
        return (Int(upAt[a]), a < oldUp ? Int(upAt[a &+ 1]) : oldDown)
    }
}
