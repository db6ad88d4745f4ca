/// The order-table slots whose orders are working, as a dense list: O(1) insert and remove, and a
/// scan that visits only the working orders (a few) instead of the whole table (1 024 slots of
/// 128-byte orders, ≈ 128 KB, which an order leaving the book at our own best price used to read).
///
/// All memory is allocated in `init`; no operation allocates, retains or locks.
/// - Invariant: `position[members[k]] == k` for `k < count`, and `position[s] == -1` for every
///   slot `s` not in the list.
@usableFromInline @frozen
struct WorkingSlotList: ~Copyable {
    /// The slots in the list, in no particular order: `members[0..<count]`.
    @usableFromInline let members: UnsafeMutablePointer<Int32>
    /// Per slot: its index in `members`, or -1.
    @usableFromInline let position: UnsafeMutablePointer<Int32>
    @usableFromInline var count: Int
    @usableFromInline let capacity: Int

    /// An empty list for slots `0..<capacity`.
    init(capacity: Int) {
        precondition(capacity > 0 && capacity <= Int(Int32.max), "capacity out of range")
        self.capacity = capacity
        members = .allocate(capacity: capacity)
        members.initialize(repeating: 0, count: capacity)
        position = .allocate(capacity: capacity)
        position.initialize(repeating: -1, count: capacity)
        count = 0
    }

    @inlinable
    deinit {
        members.deallocate()
        position.deallocate()
    }

    /// Slots in the list.
    @inlinable var size: Int { count }

    /// Whether `slot` is in the list.
    @inlinable
    func contains(_ slot: Int) -> Bool {
        // SAFETY: callers pass a table slot, `0..<capacity` (checked in debug builds).
        assert(slot >= 0 && slot < capacity, "slot out of range")
        return position[slot] >= 0
    }

    /// Adds `slot`; does nothing when it is already in. O(1).
    @inlinable
    mutating func insert(_ slot: Int) {
        assert(slot >= 0 && slot < capacity, "slot out of range")
        // SAFETY: slot < capacity; count < capacity whenever a slot is absent (at most capacity members).
        guard position[slot] < 0 else { return }
        members[count] = Int32(truncatingIfNeeded: slot)
        position[slot] = Int32(truncatingIfNeeded: count)
        count &+= 1
    }

    /// Removes `slot` (the last member takes its place); does nothing when it is not in. O(1).
    @inlinable
    mutating func remove(_ slot: Int) {
        assert(slot >= 0 && slot < capacity, "slot out of range")
        // SAFETY: slot < capacity; a member's position is < count, and the last member's index count − 1.
        let k = Int(position[slot])
        guard k >= 0 else { return }
        count &-= 1
        let last = Int(members[count])
        members[k] = Int32(truncatingIfNeeded: last)
        position[last] = Int32(truncatingIfNeeded: k)
        position[slot] = -1
    }

    /// Calls `body` with every slot in the list (in no particular order). O(size).
    @inlinable
    func forEach(_ body: (Int) -> Void) {
        var k = 0
        while k < count {
            // SAFETY: k < count ≤ capacity.
            body(Int(members[k]))
            k &+= 1
        }
    }
}
