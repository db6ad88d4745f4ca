/// The set of slots changed since it was last emptied: a bitset for O(1) membership and ordered
/// searches, plus a short list of the members for O(members) iteration and clearing. Past
/// `listCapacity` distinct members the list stops growing (`overflowed`); membership, the ordered
/// searches and the `low`/`high` bounds stay exact.
///
/// Invariant: a slot's bit is set iff it was inserted since `removeAll`; `list[0..<listCount]`
/// holds distinct members (all of them unless `overflowed`); `low`/`high` are the least and
/// greatest member (`Int.max`/`Int.min` when empty).
/// - Complexity: `insert`, `contains` O(1); `firstMember`/`lastMember` O(words searched);
///   `removeAll` O(listCount), O(slots / 64) after an overflow. Never allocates after `init`.
struct SlotChangeSet: ~Copyable {
    let slotCount: Int
    let listCapacity: Int
    private let words: UnsafeMutablePointer<UInt64>
    private let wordCount: Int
    private let list: UnsafeMutablePointer<Int32>
    private(set) var listCount = 0
    private(set) var overflowed = false
    private(set) var low = Int.max
    private(set) var high = Int.min

    /// - Precondition: `slotCount >= 1`, `listCapacity >= 1`.
    init(slotCount: Int, listCapacity: Int) {
        precondition(slotCount >= 1 && listCapacity >= 1, "sizes must be positive")
        self.slotCount = slotCount
        self.listCapacity = listCapacity
        self.wordCount = (slotCount &+ 63) >> 6
        self.words = .allocate(capacity: wordCount)
        self.words.initialize(repeating: 0, count: wordCount)
        self.list = .allocate(capacity: listCapacity)
        self.list.initialize(repeating: 0, count: listCapacity)
    }

    deinit {
        words.deallocate()
        list.deallocate()
    }

    var isEmpty: Bool { low == .max }

    /// Adds slot `s`. - Precondition: `0 <= s < slotCount` (debug-checked).
    @inline(__always)
    mutating func insert(_ s: Int) {
        assert(s >= 0 && s < slotCount, "slot out of range")
        let bit: UInt64 = 1 &<< UInt64(s & 63)
        // SAFETY: s >> 6 < wordCount for s < slotCount.
        let w = words[s >> 6]
        guard w & bit == 0 else { return }
        words[s >> 6] = w | bit
        if listCount < listCapacity {
            // SAFETY: listCount < listCapacity.
            list[listCount] = Int32(truncatingIfNeeded: s)
            listCount &+= 1
        } else {
            overflowed = true
        }
        low = min(low, s)
        high = max(high, s)
    }

    /// Whether slot `s` is a member; false for any `s` outside `0..<slotCount`.
    @inline(__always)
    func contains(_ s: Int) -> Bool {
        guard s >= 0, s < slotCount else { return false }
        // SAFETY: s >> 6 < wordCount.
        return words[s >> 6] & (1 &<< UInt64(s & 63)) != 0
    }

    /// The smallest member in `from...through`, or -1 (the range is clamped into the slots).
    /// - Complexity: O(words spanned until the first member), from the bitset (exact after an overflow too).
    @inline(__always)
    func firstMember(from: Int, through: Int) -> Int {
        BitWords.first(words, in: max(from, 0), min(through, slotCount &- 1))
    }

    /// The largest member in `downTo...from`, or -1 (the range is clamped into the slots).
    /// - Complexity: O(words spanned until the first member), from the bitset.
    @inline(__always)
    func lastMember(from: Int, downTo: Int) -> Int {
        BitWords.last(words, in: max(downTo, 0), min(from, slotCount &- 1))
    }

    /// The `i`-th listed member. - Precondition: `0 <= i < listCount` (debug-checked).
    @inline(__always)
    subscript(i: Int) -> Int {
        assert(i >= 0 && i < listCount, "list index out of range")
        // SAFETY: i < listCount <= listCapacity.
        return Int(list[i])
    }

    mutating func removeAll() {
        if overflowed {
            // SAFETY: the allocation holds wordCount words.
            words.update(repeating: 0, count: wordCount)
        } else {
            for i in 0..<listCount {
                let s = Int(list[i])
                // SAFETY: listed slots are < slotCount.
                words[s >> 6] &= ~(1 &<< UInt64(s & 63))
            }
        }
        listCount = 0
        overflowed = false
        low = .max
        high = .min
    }
}
