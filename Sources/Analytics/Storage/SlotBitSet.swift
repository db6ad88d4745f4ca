/// A set of slots as a bitset, for work deferred per slot (the node slots of a profile waiting to
/// be re-evaluated): ranges are inserted in O(words) and taken back a word at a time.
///
/// Invariant: bit `s` of word `s / 64` is set iff slot `s` is a member; no bit at or beyond
/// `slotCount` is ever set.
/// - Complexity: `insert(from:through:)` O(words spanned); `take` O(1); `insertAll`/`removeAll`
///   O(slots / 64). Never allocates after `init`.
struct SlotBitSet: ~Copyable {
    let slotCount: Int
    let wordCount: Int
    private let words: UnsafeMutablePointer<UInt64>

    /// - Precondition: `slotCount >= 1`.
    init(slotCount: Int) {
        precondition(slotCount >= 1, "slot count must be positive")
        self.slotCount = slotCount
        self.wordCount = (slotCount &+ 63) >> 6
        self.words = .allocate(capacity: wordCount)
        self.words.initialize(repeating: 0, count: wordCount)
    }

    deinit { words.deallocate() }

    /// Adds the slots `from...through`, clamped into `0..<slotCount`.
    @inline(__always)
    mutating func insert(from: Int, through: Int) {
        let lo = max(from, 0), hi = min(through, slotCount &- 1)
        guard lo <= hi else { return }
        var w = lo >> 6
        while w <= hi >> 6 {
            // SAFETY: w <= hi >> 6 < wordCount.
            words[w] |= BitWords.mask(word: w, lo: lo, hi: hi)
            w &+= 1
        }
    }

    /// Whether any slot in `from...through` (clamped into `0..<slotCount`) is a member.
    /// - Complexity: O(words spanned), one or two for a kernel's reach.
    @inline(__always)
    func intersects(from: Int, through: Int) -> Bool {
        let lo = max(from, 0), hi = min(through, slotCount &- 1)
        guard lo <= hi else { return false }
        let wl = lo >> 6, wh = hi >> 6
        // SAFETY: wl <= wh < wordCount.
        if wl == wh { return words[wl] & BitWords.mask(word: wl, lo: lo, hi: hi) != 0 }
        if words[wl] & BitWords.mask(word: wl, lo: lo, hi: hi) != 0 || words[wh] & BitWords.mask(word: wh, lo: lo, hi: hi) != 0 { return true }
        var w = wl &+ 1
        while w < wh {
            if words[w] != 0 { return true }
            w &+= 1
        }
        return false
    }

    /// Removes and returns the members of word `w` selected by `mask` (bit `i` is slot `64w + i`).
    /// - Precondition: `0 <= w < wordCount` (debug-checked).
    @inline(__always)
    mutating func take(word w: Int, mask: UInt64) -> UInt64 {
        assert(w >= 0 && w < wordCount, "word out of range")
        // SAFETY: w < wordCount.
        let bits = words[w] & mask
        if bits != 0 { words[w] &= ~mask }
        return bits
    }

    mutating func insertAll() { insert(from: 0, through: slotCount &- 1) }

    mutating func removeAll() {
        // SAFETY: the allocation holds wordCount words.
        words.update(repeating: 0, count: wordCount)
    }
}
