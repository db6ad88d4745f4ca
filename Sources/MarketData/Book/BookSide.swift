/// One side of an `OrderBook`, in "key" space where a larger key is a better price
/// (bids: `key = price.raw`, asks: `key = -price.raw`), so both sides share one implementation.
///
/// Storage, all allocated once in `init`:
/// - a **ladder**: `slotCount` quantities indexed by `(key - baseKey) / tick`, with an occupancy
///   bitmap (one bit per slot) so that finding the next occupied slot is word-at-a-time;
/// - an **overflow** store for levels outside the ladder window or off the tick grid: an
///   open-addressing hash table (linear probing, backward-shift deletion), O(1) per update. Real
///   feeds update far levels often (on Binance USD-M ETHUSDT about 10% of level updates are more
///   than $700 from the touch), so a sorted array here costs a `memmove` of the whole store per far
///   update; the hash does not. Sorted order is only needed when a walk goes past the ladder, and is
///   built then (heapsort into scratch, no allocation);
/// - scratch areas used by such walks and by re-centring.
///
/// Invariant: a level lives in exactly one of ladder or overflow; a ladder slot is occupied iff its
/// bit is set iff its quantity is non-zero; `bestSlot` is the highest occupied slot (or -1); the
/// overflow holds no zero quantity and no key that is in the window and on the grid;
/// `overflowMaxBound` ≥ every overflow key.
///
/// - Complexity: update O(1) (ladder or overflow); removing the best walks the bitmap down to the
///   next occupied word; re-centring O(levels + table) (rare: the touch moved ~¾ of the window).
@usableFromInline
@frozen
struct BookSide: ~Copyable {
    /// Ladder size in ticks, a power of two.
    @usableFromInline let slotCount: Int
    @usableFromInline let quantities: UnsafeMutablePointer<Int64>
    @usableFromInline let occupied: UnsafeMutablePointer<UInt64>
    /// Most levels the overflow holds.
    @usableFromInline let overflowCapacity: Int
    /// Hash table size − 1 (size is a power of two ≥ 2 × capacity).
    @usableFromInline let tableMask: Int
    @usableFromInline let tableKeys: UnsafeMutablePointer<Int64>
    @usableFromInline let tableQuantities: UnsafeMutablePointer<Int64>
    @usableFromInline let sortedKeys: UnsafeMutablePointer<Int64>
    @usableFromInline let sortedQuantities: UnsafeMutablePointer<Int64>
    @usableFromInline let scratchKeys: UnsafeMutablePointer<Int64>
    @usableFromInline let scratchQuantities: UnsafeMutablePointer<Int64>

    /// Price increment in raw units (≥ 1); the ladder's grid.
    @usableFromInline var tick: Int64 {
        didSet { tickReciprocal = BookSide.reciprocal(of: tick) }
    }
    /// ⌈2^64 / tick⌉ (0 for a tick of 1): `slot(of:)` divides by multiplying (a 64-bit `idiv` is
    /// tens of cycles per level).
    @usableFromInline var tickReciprocal: UInt64
    /// Key of slot 0; a multiple of `tick`.
    @usableFromInline var baseKey: Int64
    /// Highest occupied ladder slot, or -1 when the ladder is empty.
    @usableFromInline var bestSlot: Int
    @usableFromInline var ladderCount: Int
    @usableFromInline var overflowCount: Int
    /// An upper bound of the overflow's keys (`.min` when empty); tightened when it matters.
    @usableFromInline var overflowMaxBound: Int64
    /// Whether the window has been positioned (false until the first level arrives after a reset).
    @usableFromInline var anchored: Bool
    /// Levels discarded because the overflow store was full (always the worst-priced ones).
    @usableFromInline var truncatedLevels: Int
    /// Times the window was re-centred.
    @usableFromInline var recentres: Int

    /// The empty-slot marker of the hash table (no price key can be `Int64.min`).
    @inlinable static var emptyKey: Int64 { .min }

    /// - Precondition: `slotCount` is a power of two ≥ 64; `overflowCapacity ≥ 1`; `tick ≥ 1`.
    init(slotCount: Int, overflowCapacity: Int, tick: Int64) {
        precondition(slotCount >= 64 && slotCount & (slotCount - 1) == 0, "ladder size must be a power of two ≥ 64")
        precondition(overflowCapacity >= 1 && tick >= 1, "overflow capacity and tick must be positive")
        self.slotCount = slotCount
        self.quantities = .allocate(capacity: slotCount)
        self.quantities.initialize(repeating: 0, count: slotCount)
        self.occupied = .allocate(capacity: slotCount >> 6)
        self.occupied.initialize(repeating: 0, count: slotCount >> 6)
        self.overflowCapacity = overflowCapacity
        var size = 16
        while size < overflowCapacity * 2 { size <<= 1 }
        self.tableMask = size - 1
        self.tableKeys = .allocate(capacity: size)
        self.tableKeys.initialize(repeating: BookSide.emptyKey, count: size)
        self.tableQuantities = .allocate(capacity: size)
        self.tableQuantities.initialize(repeating: 0, count: size)
        self.sortedKeys = .allocate(capacity: overflowCapacity)
        self.sortedQuantities = .allocate(capacity: overflowCapacity)
        self.scratchKeys = .allocate(capacity: slotCount + overflowCapacity)
        self.scratchQuantities = .allocate(capacity: slotCount + overflowCapacity)
        self.tick = tick
        self.tickReciprocal = BookSide.reciprocal(of: tick)
        self.baseKey = 0
        self.bestSlot = -1
        self.ladderCount = 0
        self.overflowCount = 0
        self.overflowMaxBound = .min
        self.anchored = false
        self.truncatedLevels = 0
        self.recentres = 0
    }

    @inlinable
    deinit {
        quantities.deallocate()
        occupied.deallocate()
        tableKeys.deallocate()
        tableQuantities.deallocate()
        sortedKeys.deallocate()
        sortedQuantities.deallocate()
        scratchKeys.deallocate()
        scratchQuantities.deallocate()
    }

    @inlinable @inline(__always)
    var count: Int { ladderCount &+ overflowCount }

    @inlinable @inline(__always)
    var isEmpty: Bool { ladderCount == 0 && overflowCount == 0 }

    @inlinable @inline(__always)
    var ladderBestKey: Int64 { bestSlot >= 0 ? baseKey &+ Int64(bestSlot) &* tick : .min }

    /// Key of the best level and its quantity, or nil when the side is empty.
    /// - Complexity: O(1), except while an off-grid overflow level is better than the ladder (a
    ///   table scan; only after a venue tick change).
    @inlinable
    var best: (key: Int64, quantity: Int64)? {
        let ladderKey = ladderBestKey
        if overflowCount > 0 && overflowMaxBound > ladderKey {
            let m = overflowMax()
            if m.key > ladderKey { return (m.key, m.quantity) }
        }
        if bestSlot >= 0 { return (ladderKey, quantities[bestSlot]) }
        return nil
    }

    /// Empties the side and adopts a new tick grid. O(occupied words + table when non-empty).
    @inlinable
    mutating func removeAll(tick newTick: Int64) {
        if ladderCount > 0 {
            var w = 0
            let words = slotCount >> 6
            while w < words {
                var word = occupied[w]
                while word != 0 {
                    quantities[(w << 6) | word.trailingZeroBitCount] = 0
                    word &= word &- 1
                }
                occupied[w] = 0
                w &+= 1
            }
        }
        if overflowCount > 0 { clearTable() }
        tick = max(1, newTick)
        bestSlot = -1
        ladderCount = 0
        anchored = false
    }

    @usableFromInline
    mutating func clearTable() {
        tableKeys.update(repeating: BookSide.emptyKey, count: tableMask &+ 1)
        overflowCount = 0
        overflowMaxBound = .min
    }

    /// ⌈2^64 / `tick`⌉ for a tick ≥ 2, 0 for 1. Cold.
    @usableFromInline
    static func reciprocal(of tick: Int64) -> UInt64 {
        tick <= 1 ? 0 : UInt64.max / UInt64(tick) &+ 1
    }

    /// The ladder slot of `key`, or -1 when it is outside the window or off the grid.
    ///
    /// The quotient is `⌊offset × ⌈2^64/tick⌉ / 2^64⌋`: for `0 ≤ offset < 2^63` it overshoots
    /// `offset/tick` by less than `offset/2^64 < ½`, so it is exact whenever `tick` divides `offset`,
    /// and the check `q × tick == offset` rejects every offset it does not divide.
    @inlinable @inline(__always)
    func slot(of key: Int64) -> Int {
        let offset = key &- baseKey
        guard offset >= 0 else { return -1 }
        let q = tick == 1 ? UInt64(offset) : UInt64(offset).multipliedFullWidth(by: tickReciprocal).high
        guard q < UInt64(slotCount), Int64(truncatingIfNeeded: q) &* tick == offset else { return -1 }
        return Int(truncatingIfNeeded: q)
    }

    /// Highest occupied slot at or below `from`, or -1. Word-at-a-time.
    @inlinable @inline(__always)
    func occupiedSlot(atOrBelow from: Int) -> Int {
        guard from >= 0 else { return -1 }
        var w = from >> 6
        let shift = 63 &- (from & 63)
        var word = (occupied[w] << UInt64(shift)) >> UInt64(shift)
        while true {
            if word != 0 { return (w << 6) | (63 &- word.leadingZeroBitCount) }
            w &-= 1
            if w < 0 { return -1 }
            word = occupied[w]
        }
    }

    /// Sets the absolute quantity at `key`; 0 removes the level (removing an unknown level is a no-op).
    /// - Complexity: O(1); no allocation.
    @inlinable
    mutating func set(key: Int64, quantity: Int64) {
        if !anchored {
            guard quantity != 0 else { return }
            anchor(on: key)
        }
        let s = slot(of: key)
        if s >= 0 {
            let old = quantities[s]
            quantities[s] = quantity
            if quantity != 0 {
                if old == 0 {
                    occupied[s >> 6] |= (1 as UInt64) << UInt64(s & 63)
                    ladderCount &+= 1
                    if s > bestSlot { bestSlot = s }
                }
            } else if old != 0 {
                occupied[s >> 6] &= ~((1 as UInt64) << UInt64(s & 63))
                ladderCount &-= 1
                if s == bestSlot { bestSlot = occupiedSlot(atOrBelow: s &- 1) }
            }
        } else {
            setOverflow(key: key, quantity: quantity)
        }
        if overflowCount > 0 { recentreIfNeeded() }
    }

    /// Positions the window so that `key` sits at three quarters of it (room to improve above,
    /// depth below).
    @inlinable
    mutating func anchor(on key: Int64) {
        let below = Int64(slotCount - slotCount / 4)
        let aligned = key - ((key % tick) + tick) % tick
        baseKey = aligned &- below &* tick
        anchored = true
    }

    /// Home bucket of `key` in the hash table.
    @inlinable @inline(__always)
    func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 29) & tableMask
    }

    /// The bucket holding `key`, or the empty bucket where it would go.
    @inlinable @inline(__always)
    func probe(_ key: Int64) -> (index: Int, found: Bool) {
        var i = home(key)
        while true {
            let k = tableKeys[i]
            if k == key { return (i, true) }
            if k == BookSide.emptyKey { return (i, false) }
            i = (i &+ 1) & tableMask
        }
    }

    /// Removes the entry at bucket `index` (backward-shift deletion keeps probe chains intact).
    @inlinable
    mutating func removeBucket(_ index: Int) {
        var i = index
        var j = index
        while true {
            j = (j &+ 1) & tableMask
            let k = tableKeys[j]
            if k == BookSide.emptyKey { break }
            let h = home(k)
            let stays = i <= j ? (i < h && h <= j) : (i < h || h <= j)
            if !stays {
                tableKeys[i] = k
                tableQuantities[i] = tableQuantities[j]
                i = j
            }
        }
        tableKeys[i] = BookSide.emptyKey
        overflowCount &-= 1
        if overflowCount == 0 { overflowMaxBound = .min }
    }

    @inlinable
    mutating func setOverflow(key: Int64, quantity: Int64) {
        let (i, found) = probe(key)
        if quantity == 0 {
            if found { removeBucket(i) }
            return
        }
        if found {
            tableQuantities[i] = quantity
            return
        }
        if overflowCount == overflowCapacity {
            insertIntoFullOverflow(key: key, quantity: quantity)
            return
        }
        tableKeys[i] = key
        tableQuantities[i] = quantity
        overflowCount &+= 1
        if key > overflowMaxBound { overflowMaxBound = key }
    }

    /// Full overflow: keep the better levels; discard the worst one (or the new one if it is the worst).
    /// Cold: O(table).
    @usableFromInline
    mutating func insertIntoFullOverflow(key: Int64, quantity: Int64) {
        truncatedLevels &+= 1
        var worst = -1
        var i = 0
        while i <= tableMask {
            let k = tableKeys[i]
            if k != BookSide.emptyKey && (worst < 0 || k < tableKeys[worst]) { worst = i }
            i &+= 1
        }
        guard worst >= 0, key > tableKeys[worst] else { return }
        removeBucket(worst)
        let (j, _) = probe(key)
        tableKeys[j] = key
        tableQuantities[j] = quantity
        overflowCount &+= 1
        if key > overflowMaxBound { overflowMaxBound = key }
    }

    /// The best overflow level (exact). O(table).
    @usableFromInline
    func overflowMax() -> (key: Int64, quantity: Int64) {
        var best: Int64 = .min
        var q: Int64 = 0
        var i = 0
        while i <= tableMask {
            let k = tableKeys[i]
            if k != BookSide.emptyKey && k > best { best = k; q = tableQuantities[i] }
            i &+= 1
        }
        return (best, q)
    }

    /// Re-centres when the best level is in the overflow (the touch moved above the window or the
    /// ladder emptied) or the ladder's best drifted into the bottom eighth of the window.
    @inlinable @inline(__always)
    mutating func recentreIfNeeded() {
        let ladderBest = ladderBestKey
        if overflowMaxBound > ladderBest {
            let top = overflowMax().key
            overflowMaxBound = top
            if top > ladderBest && top % tick == 0 { recentre(on: top) }
        } else if bestSlot < slotCount >> 3 {
            recentre(on: ladderBest)
        }
    }

    /// Copies the overflow into `sortedKeys`/`sortedQuantities`, ascending. O(n log n + table), no allocation.
    @usableFromInline
    func sortOverflow() {
        var n = 0
        var i = 0
        while i <= tableMask {
            let k = tableKeys[i]
            if k != BookSide.emptyKey {
                sortedKeys[n] = k
                sortedQuantities[n] = tableQuantities[i]
                n &+= 1
            }
            i &+= 1
        }
        // Heapsort (in place, ascending).
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while true {
                var child = 2 &* root &+ 1
                if child >= end { return }
                if child &+ 1 < end && sortedKeys[child] < sortedKeys[child &+ 1] { child &+= 1 }
                if sortedKeys[root] >= sortedKeys[child] { return }
                sortedKeys.swapAt(root, child, with: sortedQuantities)
                root = child
            }
        }
        var start = n / 2 - 1
        while start >= 0 { siftDown(start, n); start &-= 1 }
        var end = n &- 1
        while end > 0 {
            sortedKeys.swapAt(0, end, with: sortedQuantities)
            siftDown(0, end)
            end &-= 1
        }
    }

    /// Moves every level to the window anchored on `key`. Cold: O(levels + slotCount/64 + table).
    @usableFromInline
    mutating func recentre(on key: Int64) {
        recentres &+= 1
        sortOverflow()
        let overflowN = overflowCount
        // Gather all levels ascending: ladder and overflow are disjoint, merge them.
        var n = 0
        var oi = 0
        var w = 0
        let words = slotCount >> 6
        while w < words {
            var word = occupied[w]
            while word != 0 {
                let s = (w << 6) | word.trailingZeroBitCount
                let k = baseKey &+ Int64(s) &* tick
                while oi < overflowN && sortedKeys[oi] < k {
                    scratchKeys[n] = sortedKeys[oi]; scratchQuantities[n] = sortedQuantities[oi]
                    n &+= 1; oi &+= 1
                }
                scratchKeys[n] = k; scratchQuantities[n] = quantities[s]
                n &+= 1
                quantities[s] = 0
                word &= word &- 1
            }
            occupied[w] = 0
            w &+= 1
        }
        while oi < overflowN {
            scratchKeys[n] = sortedKeys[oi]; scratchQuantities[n] = sortedQuantities[oi]
            n &+= 1; oi &+= 1
        }
        ladderCount = 0
        bestSlot = -1
        if overflowCount > 0 { clearTable() }
        anchor(on: key)
        // Levels bound for the overflow beyond its capacity are the worst ones (lowest keys): skip them.
        var overflowBound = 0
        for i in 0..<n where slot(of: scratchKeys[i]) < 0 { overflowBound &+= 1 }
        var skip = max(0, overflowBound &- overflowCapacity)
        truncatedLevels &+= skip
        for i in 0..<n {
            let k = scratchKeys[i]
            let s = slot(of: k)
            if s >= 0 {
                quantities[s] = scratchQuantities[i]
                occupied[s >> 6] |= (1 as UInt64) << UInt64(s & 63)
                ladderCount &+= 1
                if s > bestSlot { bestSlot = s }
            } else if skip > 0 {
                skip &-= 1
            } else {
                let (j, _) = probe(k)
                tableKeys[j] = k
                tableQuantities[j] = scratchQuantities[i]
                overflowCount &+= 1
                if k > overflowMaxBound { overflowMaxBound = k }
            }
        }
    }

    /// Quantity at `key`, 0 when absent.
    @inlinable
    func quantity(at key: Int64) -> Int64 {
        let s = slot(of: key)
        if s >= 0 { return quantities[s] }
        let (i, found) = probe(key)
        return found ? tableQuantities[i] : 0
    }

    /// Visits levels best first until `body` returns false or `limit` levels were visited; returns
    /// the number visited. The overflow is sorted (into scratch) only if the walk reaches it.
    /// - Complexity: O(limit + empty words skipped) inside the ladder; + O(n log n) of the overflow
    ///   when the walk goes past the ladder. No allocation.
    @inlinable
    func forEachLevel(limit: Int, _ body: (_ key: Int64, _ quantity: Int64) -> Bool) -> Int {
        // Nothing in the overflow is above the ladder (the usual case: it holds far levels): walk
        // the occupancy words with their set bits in hand, then the overflow, highest first.
        if overflowCount == 0 || overflowMaxBound < baseKey { return forEachLevelLadderFirst(limit: limit, body) }
        var visited = 0
        var s = bestSlot
        var oi = -1
        var sorted = false
        while visited < limit {
            let lk: Int64 = s >= 0 ? baseKey &+ Int64(s) &* tick : .min
            if !sorted && overflowCount > 0 && overflowMaxBound > lk {
                sortOverflow()
                sorted = true
                oi = overflowCount &- 1
            }
            let ok: Int64 = oi >= 0 ? sortedKeys[oi] : .min
            if s < 0 && oi < 0 { break }
            visited &+= 1
            if s >= 0 && lk > ok {
                if !body(lk, quantities[s]) { break }
                s = occupiedSlot(atOrBelow: s &- 1)
            } else {
                if !body(ok, sortedQuantities[oi]) { break }
                oi &-= 1
            }
        }
        return visited
    }

    /// `forEachLevel` when every overflow key is below the ladder: the ladder's levels from the best
    /// slot down, one occupancy word at a time (a leading-zero count and a bit clear per level),
    /// then the overflow's, sorted, highest first.
    @inlinable @inline(__always)
    func forEachLevelLadderFirst(limit: Int, _ body: (_ key: Int64, _ quantity: Int64) -> Bool) -> Int {
        var visited = 0
        if bestSlot >= 0 {
            var w = bestSlot >> 6
            // SAFETY: 0 <= w < slotCount / 64 (bestSlot is a ladder slot; w only decreases to 0);
            // a set bit marks an occupied slot < slotCount.
            var word = occupied[w] & (UInt64.max >> UInt64(63 &- (bestSlot & 63)))
            while visited < limit {
                while word == 0 {
                    w &-= 1
                    if w < 0 { break }
                    word = occupied[w]
                }
                if w < 0 { break }
                let b = 63 &- word.leadingZeroBitCount
                let slot = (w << 6) | b
                visited &+= 1
                if !body(baseKey &+ Int64(slot) &* tick, quantities[slot]) { return visited }
                word &= ~((1 as UInt64) &<< UInt64(b))
            }
        }
        if visited < limit && overflowCount > 0 {
            sortOverflow()
            var oi = overflowCount &- 1
            while visited < limit && oi >= 0 {
                visited &+= 1
                // SAFETY: 0 <= oi < overflowCount, the sorted scratch's length.
                if !body(sortedKeys[oi], sortedQuantities[oi]) { break }
                oi &-= 1
            }
        }
        return visited
    }

    /// A description of the first broken invariant, or nil. O(slotCount + table).
    ///
    /// Written with `while` loops over raw pointers and the empty key in a local: debug builds run it
    /// after book mutations, and there a `for … in` range walks a generic iterator per element.
    func validate() -> String? {
        var counted = 0
        var highest = -1
        var w = 0
        let words = slotCount >> 6
        while w < words {
            let word = occupied[w]
            let base = w << 6
            var b = 0
            while b < 64 {
                let s = base | b
                let bit = (word >> UInt64(b)) & 1 == 1
                let q = quantities[s]
                if bit != (q != 0) { return "slot \(s): bitmap \(bit) but quantity \(q)" }
                if q < 0 { return "slot \(s): negative quantity \(q)" }
                if bit { counted += 1; highest = s }
                b += 1
            }
            w += 1
        }
        if counted != ladderCount { return "ladder count \(ladderCount) but \(counted) occupied slots" }
        if highest != bestSlot { return "best slot \(bestSlot) but highest occupied is \(highest)" }
        if anchored && baseKey % tick != 0 { return "base key \(baseKey) not on the tick grid \(tick)" }
        let empty = BookSide.emptyKey
        var entries = 0
        var i = 0
        while i <= tableMask {
            let k = tableKeys[i]
            if k != empty {
                entries += 1
                if tableQuantities[i] <= 0 { return "overflow key \(k): non-positive quantity" }
                if slot(of: k) >= 0 { return "overflow key \(k) belongs in the ladder" }
                if k > overflowMaxBound { return "overflow key \(k) above the bound \(overflowMaxBound)" }
                if probe(k).index != i { return "overflow key \(k) unreachable by probing" }
            }
            i += 1
        }
        if entries != overflowCount { return "overflow count \(overflowCount) but \(entries) entries" }
        return nil
    }
}

extension UnsafeMutablePointer where Pointee == Int64 {
    /// Swaps elements `a` and `b` here and in the parallel array `other`.
    @usableFromInline
    func swapAt(_ a: Int, _ b: Int, with other: UnsafeMutablePointer<Int64>) {
        let k = self[a]; self[a] = self[b]; self[b] = k
        let q = other[a]; other[a] = other[b]; other[b] = q
    }
}
