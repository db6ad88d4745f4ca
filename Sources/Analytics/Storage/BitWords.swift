/// Range operations on a bitset stored as 64-bit words, where bit `s & 63` of word `s >> 6` stands
/// for slot `s`, shared by the slot sets (`SlotBitSet`, `SlotChangeSet`). `ProfileNodeSet` keeps its
/// own scans: they test each member against a threshold inside the word loop, and restarting a
/// `first`/`last` search per failing member measured slower.
/// - Complexity: `first`/`last` O(words scanned); no allocation.
enum BitWords {
    /// The bits of word `w` that stand for slots in `lo...hi` (`lo >> 6 <= w <= hi >> 6`).
    @inline(__always)
    static func mask(word w: Int, lo: Int, hi: Int) -> UInt64 {
        var mask = UInt64.max
        if w == lo >> 6 { mask &= UInt64.max &<< UInt64(lo & 63) }
        if w == hi >> 6 { mask &= UInt64.max >> UInt64(63 &- (hi & 63)) }
        return mask
    }

    /// The smallest set slot in `lo...hi`, or -1.
    /// - Precondition: `0 <= lo`; the words cover slot `hi`.
    @inline(__always)
    static func first(_ words: UnsafePointer<UInt64>, in lo: Int, _ hi: Int) -> Int {
        guard lo <= hi else { return -1 }
        var w = lo >> 6
        let last = hi >> 6
        // SAFETY: lo >> 6 <= w <= hi >> 6, inside the words (precondition).
        var bits = words[w] & (UInt64.max &<< UInt64(lo & 63))
        while true {
            if w == last { bits &= UInt64.max >> UInt64(63 &- (hi & 63)) }
            if bits != 0 { return (w << 6) &+ bits.trailingZeroBitCount }
            if w == last { return -1 }
            w &+= 1
            bits = words[w]
        }
    }

    /// The largest set slot in `lo...hi`, or -1.
    /// - Precondition: `0 <= lo`; the words cover slot `hi`.
    @inline(__always)
    static func last(_ words: UnsafePointer<UInt64>, in lo: Int, _ hi: Int) -> Int {
        guard lo <= hi else { return -1 }
        var w = hi >> 6
        let first = lo >> 6
        // SAFETY: lo >> 6 <= w <= hi >> 6, inside the words (precondition).
        var bits = words[w] & (UInt64.max >> UInt64(63 &- (hi & 63)))
        while true {
            if w == first { bits &= UInt64.max &<< UInt64(lo & 63) }
            if bits != 0 { return (w << 6) &+ 63 &- bits.leadingZeroBitCount }
            if w == first { return -1 }
            w &-= 1
            bits = words[w]
        }
    }
}
