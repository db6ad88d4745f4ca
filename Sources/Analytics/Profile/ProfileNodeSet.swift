/// The HVNs (or LVNs) of a profile: every slot's key when it has the node's shape, a bitset of
/// those slots, and the threshold a key must reach; a member is a shape slot whose key is ≥ the
/// threshold (HVN: key = smoothed value, threshold = the HVN minimum; LVN: key = −smoothed value,
/// threshold = −(the LVN maximum)). The threshold test is made at lookup, so a threshold move
/// (the mean moves with every trade) costs nothing, and a rewrite is a store and a bit.
///
/// Invariant: `keys[j]` is slot j's key, `Int64.min` when it does not have the shape; `words` has
/// slot j's bit iff `keys[j] != Int64.min`; keys are > `Int64.min`.
/// - Complexity: `write` O(1); `last`/`first` O(words scanned + shape slots that fail the
///   threshold), a few words for the default 64-bin scan. Never allocates after `init`.
struct ProfileNodeSet: ~Copyable {
    let slotCount: Int
    private let words: UnsafeMutablePointer<UInt64>
    private let keys: UnsafeMutablePointer<Int64>
    /// The smallest key of a member (as of the last recomputation).
    var threshold: Int64 = .max

    /// - Precondition: `slotCount >= 1`.
    init(slotCount: Int) {
        self.slotCount = slotCount
        self.words = .allocate(capacity: (slotCount &+ 63) >> 6)
        self.words.initialize(repeating: 0, count: (slotCount &+ 63) >> 6)
        self.keys = .allocate(capacity: slotCount)
        self.keys.initialize(repeating: .min, count: slotCount)
    }

    deinit {
        words.deallocate()
        keys.deallocate()
    }

    /// Records slot `j`'s key (`Int64.min`: not the node's shape).
    /// - Precondition: `0 <= j < slotCount`.
    @inline(__always)
    mutating func write(_ j: Int, key: Int64) {
        // SAFETY: 0 <= j < slotCount, so j >> 6 is inside the words.
        keys[j] = key
        let bit: UInt64 = 1 &<< UInt64(j & 63)
        if key != .min { words[j >> 6] |= bit } else { words[j >> 6] &= ~bit }
    }

    /// Records slot `j`'s key without its bit: the caller sets the bits of a whole word after
    /// (`replaceBits`), which restores the invariant. - Precondition: `0 <= j < slotCount`.
    @inline(__always)
    mutating func storeKey(_ j: Int, _ key: Int64) {
        // SAFETY: 0 <= j < slotCount.
        keys[j] = key
    }

    /// Sets the bits of word `w` selected by `mask` to `bits` (a subset of `mask`): bit i for
    /// slot 64w + i whose key, stored with `storeKey`, is not `Int64.min`.
    /// - Precondition: `0 <= w < (slotCount + 63) / 64`.
    @inline(__always)
    mutating func replaceBits(word w: Int, mask: UInt64, bits: UInt64) {
        // SAFETY: w is inside the word allocation.
        words[w] = (words[w] & ~mask) | bits
    }

    /// The largest member in `lo...hi`, or -1. - Precondition: `0 <= lo`, `hi < slotCount`.
    @inline(__always)
    func last(in lo: Int, _ hi: Int) -> Int {
        guard lo <= hi else { return -1 }
        var w = hi >> 6
        let first = lo >> 6
        // SAFETY: first <= w <= hi >> 6 < word count; set bits index slots < slotCount.
        var bits = words[w] & (UInt64.max >> UInt64(63 &- (hi & 63)))
        while true {
            if w == first { bits &= UInt64.max &<< UInt64(lo & 63) }
            while bits != 0 {
                let b = 63 &- bits.leadingZeroBitCount
                let j = (w << 6) &+ b
                if keys[j] >= threshold { return j }
                bits &= ~(1 &<< UInt64(b))
            }
            if w == first { return -1 }
            w &-= 1
            bits = words[w]
        }
    }

    /// The smallest member in `lo...hi`, or -1. - Precondition: `0 <= lo`, `hi < slotCount`.
    @inline(__always)
    func first(in lo: Int, _ hi: Int) -> Int {
        guard lo <= hi else { return -1 }
        var w = lo >> 6
        let last = hi >> 6
        // SAFETY: lo >> 6 <= w <= last < word count; set bits index slots < slotCount.
        var bits = words[w] & (UInt64.max &<< UInt64(lo & 63))
        while true {
            if w == last { bits &= UInt64.max >> UInt64(63 &- (hi & 63)) }
            while bits != 0 {
                let j = (w << 6) &+ bits.trailingZeroBitCount
                if keys[j] >= threshold { return j }
                bits &= bits &- 1
            }
            if w == last { return -1 }
            w &+= 1
            bits = words[w]
        }
    }
}
