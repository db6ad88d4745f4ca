#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One side of an `OrderBook`, in "key" space where a larger key is a better price
/// (bids: `key = price.raw`, asks: `key = -price.raw`), so both sides share one implementation.
///
/// Storage, all allocated once in `init`:
/// - a **ladder**: `slotCount` quantities indexed by `(key - baseKey) / tick`, with an occupancy
///   bitmap (one bit per slot) so that finding the next occupied slot is word-at-a-time;
/// - an **overflow** store: a sorted array (ascending key, best at the end) for levels outside the
///   ladder window or off the tick grid (far levels, or prices after a venue tick change);
/// - a scratch area used only when the window is re-centred.
///
/// Invariant: a level lives in exactly one of ladder or overflow; a ladder slot is occupied iff its
/// bit is set iff its quantity is non-zero; `bestSlot` is the highest occupied slot (or -1); the
/// overflow is strictly ascending with non-zero quantities and holds no key that is in the window
/// and on the grid.
///
/// - Complexity: update/remove inside the window O(1) (removing the best walks the bitmap down to the
///   next occupied word); overflow update O(log n) search plus a `memmove`; re-centring O(levels).
@usableFromInline
@frozen
struct BookSide: ~Copyable {
    /// Ladder size in ticks, a power of two.
    @usableFromInline let slotCount: Int
    @usableFromInline let quantities: UnsafeMutablePointer<Int64>
    @usableFromInline let occupied: UnsafeMutablePointer<UInt64>
    @usableFromInline let overflowCapacity: Int
    @usableFromInline let overflowKeys: UnsafeMutablePointer<Int64>
    @usableFromInline let overflowQuantities: UnsafeMutablePointer<Int64>
    @usableFromInline let scratchKeys: UnsafeMutablePointer<Int64>
    @usableFromInline let scratchQuantities: UnsafeMutablePointer<Int64>

    /// Price increment in raw units (≥ 1); the ladder's grid.
    @usableFromInline var tick: Int64
    /// Key of slot 0; a multiple of `tick`.
    @usableFromInline var baseKey: Int64
    /// Highest occupied ladder slot, or -1 when the ladder is empty.
    @usableFromInline var bestSlot: Int
    @usableFromInline var ladderCount: Int
    @usableFromInline var overflowCount: Int
    /// Whether the window has been positioned (false until the first level arrives after a reset).
    @usableFromInline var anchored: Bool
    /// Levels discarded because the overflow store was full (always the worst-priced ones).
    @usableFromInline var truncatedLevels: Int
    /// Times the window was re-centred.
    @usableFromInline var recentres: Int

    /// - Precondition: `slotCount` is a power of two ≥ 64; `overflowCapacity ≥ 1`.
    init(slotCount: Int, overflowCapacity: Int, tick: Int64) {
        precondition(slotCount >= 64 && slotCount & (slotCount - 1) == 0, "ladder size must be a power of two ≥ 64")
        precondition(overflowCapacity >= 1 && tick >= 1, "overflow capacity and tick must be positive")
        self.slotCount = slotCount
        self.quantities = .allocate(capacity: slotCount)
        self.quantities.initialize(repeating: 0, count: slotCount)
        self.occupied = .allocate(capacity: slotCount >> 6)
        self.occupied.initialize(repeating: 0, count: slotCount >> 6)
        self.overflowCapacity = overflowCapacity
        self.overflowKeys = .allocate(capacity: overflowCapacity)
        self.overflowQuantities = .allocate(capacity: overflowCapacity)
        self.scratchKeys = .allocate(capacity: slotCount + overflowCapacity)
        self.scratchQuantities = .allocate(capacity: slotCount + overflowCapacity)
        self.tick = tick
        self.baseKey = 0
        self.bestSlot = -1
        self.ladderCount = 0
        self.overflowCount = 0
        self.anchored = false
        self.truncatedLevels = 0
        self.recentres = 0
    }

    @inlinable
    deinit {
        quantities.deallocate()
        occupied.deallocate()
        overflowKeys.deallocate()
        overflowQuantities.deallocate()
        scratchKeys.deallocate()
        scratchQuantities.deallocate()
    }

    @inlinable @inline(__always)
    var count: Int { ladderCount &+ overflowCount }

    @inlinable @inline(__always)
    var isEmpty: Bool { ladderCount == 0 && overflowCount == 0 }

    /// Key of the best level and its quantity, or nil when the side is empty. O(1).
    @inlinable @inline(__always)
    var best: (key: Int64, quantity: Int64)? {
        let ladderKey: Int64 = bestSlot >= 0 ? baseKey &+ Int64(bestSlot) &* tick : .min
        if overflowCount > 0 {
            let last = overflowCount &- 1
            let k = overflowKeys[last]
            if k > ladderKey { return (k, overflowQuantities[last]) }
        }
        if bestSlot >= 0 { return (ladderKey, quantities[bestSlot]) }
        return nil
    }

    /// Empties the side and adopts a new tick grid. O(occupied words + 1).
    @inlinable
    mutating func removeAll(tick newTick: Int64) {
        var w = 0
        let words = slotCount >> 6
        if ladderCount > 0 {
            while w < words {
                var word = occupied[w]
                while word != 0 {
                    let bit = word.trailingZeroBitCount
                    quantities[(w << 6) | bit] = 0
                    word &= word &- 1
                }
                occupied[w] = 0
                w &+= 1
            }
        }
        tick = max(1, newTick)
        bestSlot = -1
        ladderCount = 0
        overflowCount = 0
        anchored = false
    }

    /// The ladder slot of `key`, or -1 when it is outside the window or off the grid.
    @inlinable @inline(__always)
    func slot(of key: Int64) -> Int {
        let offset = key &- baseKey
        guard offset >= 0 else { return -1 }
        let (q, r) = offset.quotientAndRemainder(dividingBy: tick)
        guard r == 0, q < Int64(slotCount) else { return -1 }
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
    /// - Complexity: O(1) in the window; see the type's note otherwise. No allocation.
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

    /// Index of the first overflow key ≥ `key`.
    @inlinable @inline(__always)
    func overflowLowerBound(_ key: Int64) -> Int {
        var lo = 0
        var hi = overflowCount
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if overflowKeys[mid] < key { lo = mid &+ 1 } else { hi = mid }
        }
        return lo
    }

    @inlinable
    mutating func setOverflow(key: Int64, quantity: Int64) {
        let i = overflowLowerBound(key)
        let found = i < overflowCount && overflowKeys[i] == key
        if quantity == 0 {
            guard found else { return }
            let tail = overflowCount &- i &- 1
            if tail > 0 {
                // SAFETY: both ranges lie inside the first `overflowCount` elements; memmove allows overlap.
                memmove(overflowKeys + i, overflowKeys + i + 1, tail &* 8)
                memmove(overflowQuantities + i, overflowQuantities + i + 1, tail &* 8)
            }
            overflowCount &-= 1
            return
        }
        if found {
            overflowQuantities[i] = quantity
            return
        }
        var at = i
        if overflowCount == overflowCapacity {
            // Full: keep the better levels, discard the worst (index 0) or the new one if it is the worst.
            truncatedLevels &+= 1
            if at == 0 { return }
            // SAFETY: shifts elements 1..<at down by one inside the allocated range.
            memmove(overflowKeys, overflowKeys + 1, (at &- 1) &* 8)
            memmove(overflowQuantities, overflowQuantities + 1, (at &- 1) &* 8)
            at &-= 1
        } else {
            let tail = overflowCount &- at
            if tail > 0 {
                // SAFETY: `overflowCount < overflowCapacity`, so the shifted range ends inside the allocation.
                memmove(overflowKeys + at + 1, overflowKeys + at, tail &* 8)
                memmove(overflowQuantities + at + 1, overflowQuantities + at, tail &* 8)
            }
            overflowCount &+= 1
        }
        overflowKeys[at] = key
        overflowQuantities[at] = quantity
    }

    /// Re-centres when the best level is in the overflow (the touch moved above the window or the
    /// ladder emptied) or the ladder's best drifted into the bottom eighth of the window.
    @inlinable @inline(__always)
    mutating func recentreIfNeeded() {
        let topKey = overflowKeys[overflowCount &- 1]
        let ladderBest: Int64 = bestSlot >= 0 ? baseKey &+ Int64(bestSlot) &* tick : .min
        if topKey > ladderBest {
            if topKey % tick == 0 { recentre(on: topKey) }
        } else if bestSlot < slotCount >> 3 {
            recentre(on: ladderBest)
        }
    }

    /// Moves every level to the window anchored on `key`. Cold: O(levels + slotCount/64).
    @usableFromInline
    mutating func recentre(on key: Int64) {
        recentres &+= 1
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
                while oi < overflowCount && overflowKeys[oi] < k {
                    scratchKeys[n] = overflowKeys[oi]; scratchQuantities[n] = overflowQuantities[oi]
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
        while oi < overflowCount {
            scratchKeys[n] = overflowKeys[oi]; scratchQuantities[n] = overflowQuantities[oi]
            n &+= 1; oi &+= 1
        }
        ladderCount = 0
        overflowCount = 0
        bestSlot = -1
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
                overflowKeys[overflowCount] = k
                overflowQuantities[overflowCount] = scratchQuantities[i]
                overflowCount &+= 1
            }
        }
    }

    /// Quantity at `key`, 0 when absent.
    @inlinable
    func quantity(at key: Int64) -> Int64 {
        let s = slot(of: key)
        if s >= 0 { return quantities[s] }
        let i = overflowLowerBound(key)
        return i < overflowCount && overflowKeys[i] == key ? overflowQuantities[i] : 0
    }

    /// Visits levels best first (merging ladder and overflow) until `body` returns false or `limit`
    /// levels were visited. Returns the number visited.
    /// - Complexity: O(limit + empty words skipped); no allocation.
    @inlinable
    func forEachLevel(limit: Int, _ body: (_ key: Int64, _ quantity: Int64) -> Bool) -> Int {
        var visited = 0
        var s = bestSlot
        var oi = overflowCount &- 1
        while visited < limit {
            let lk: Int64 = s >= 0 ? baseKey &+ Int64(s) &* tick : .min
            let ok: Int64 = oi >= 0 ? overflowKeys[oi] : .min
            if s < 0 && oi < 0 { break }
            visited &+= 1
            if s >= 0 && lk > ok {
                if !body(lk, quantities[s]) { break }
                s = occupiedSlot(atOrBelow: s &- 1)
            } else {
                if !body(ok, overflowQuantities[oi]) { break }
                oi &-= 1
            }
        }
        return visited
    }

    /// A description of the first broken invariant, or nil. O(slotCount + overflow).
    func validate() -> String? {
        var counted = 0
        var highest = -1
        for s in 0..<slotCount {
            let bit = (occupied[s >> 6] >> UInt64(s & 63)) & 1 == 1
            let q = quantities[s]
            if bit != (q != 0) { return "slot \(s): bitmap \(bit) but quantity \(q)" }
            if q < 0 { return "slot \(s): negative quantity \(q)" }
            if bit { counted += 1; highest = s }
        }
        if counted != ladderCount { return "ladder count \(ladderCount) but \(counted) occupied slots" }
        if highest != bestSlot { return "best slot \(bestSlot) but highest occupied is \(highest)" }
        if baseKey % tick != 0 && anchored { return "base key \(baseKey) not on the tick grid \(tick)" }
        for i in 0..<overflowCount {
            if overflowQuantities[i] <= 0 { return "overflow \(i): non-positive quantity" }
            if i > 0 && overflowKeys[i - 1] >= overflowKeys[i] { return "overflow not strictly ascending at \(i)" }
            if slot(of: overflowKeys[i]) >= 0 { return "overflow key \(overflowKeys[i]) belongs in the ladder" }
        }
        return nil
    }
}
