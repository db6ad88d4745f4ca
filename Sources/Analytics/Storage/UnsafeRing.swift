#if canImport(Glibc)
import Glibc
#endif
import HFTPrimitives

/// A fixed-capacity FIFO of trivial values, allocated once; the oldest element is index 0.
///
/// Invariant: `0 <= count <= capacity`, `0 <= head < capacity`; elements live at
/// `(head + i) % capacity` for `i < count`.
/// - Complexity: every operation O(1); never allocates after `init`.
struct UnsafeRing<Element: BitwiseCopyable>: ~Copyable {
    let capacity: Int
    private let storage: UnsafeMutablePointer<Element>
    private(set) var head: Int
    private(set) var count: Int

    /// - Precondition: `capacity >= 1`.
    init(capacity: Int) {
        precondition(capacity >= 1, "ring capacity must be positive")
        self.capacity = capacity
        self.storage = .allocate(capacity: capacity)
        // Every page is written now: the ring fills during the run, and the first write to each
        // untouched page would be a page fault on the hot path (µs in a VM; `hft bench` counted
        // about 340 of them in the trade and book windows before this).
        // SAFETY: `capacity` elements were just allocated; zero bytes are a valid trivial value.
        memset(storage, 0, capacity &* MemoryLayout<Element>.stride)
        self.head = 0
        self.count = 0
    }

    deinit { storage.deallocate() }

    @inline(__always) var isEmpty: Bool { count == 0 }
    @inline(__always) var isFull: Bool { count == capacity }

    @inline(__always)
    private func slot(_ i: Int) -> Int { RingIndex.wrap(head &+ i, capacity) }

    /// The `i`-th oldest element.
    /// - Precondition: `0 <= i < count` (checked in debug builds only).
    @inline(__always)
    subscript(i: Int) -> Element {
        assert(i >= 0 && i < count, "ring index out of range")
        // SAFETY: slot(i) < capacity and the slot was written by `append` (i < count).
        return storage[slot(i)]
    }

    @inline(__always) var first: Element { self[0] }
    @inline(__always) var last: Element { self[count &- 1] }

    /// Appends `e`. - Precondition: not full (callers evict first; checked in debug builds only).
    @inline(__always)
    mutating func append(_ e: Element) {
        assert(count < capacity, "ring full")
        // SAFETY: slot(count) < capacity; Element is trivial so plain assignment initializes it.
        storage[slot(count)] = e
        count &+= 1
    }

    /// Removes and returns the oldest element. - Precondition: not empty.
    @inline(__always) @discardableResult
    mutating func removeFirst() -> Element {
        assert(count > 0, "ring empty")
        // SAFETY: head < capacity and holds a written element because count > 0.
        let e = storage[head]
        head &+= 1
        if head == capacity { head = 0 }
        count &-= 1
        return e
    }

    /// Overwrites the `i`-th oldest element. - Precondition: `0 <= i < count` (debug-checked).
    @inline(__always)
    mutating func update(_ i: Int, _ e: Element) {
        assert(i >= 0 && i < count, "ring index out of range")
        // SAFETY: slot(i) < capacity.
        storage[slot(i)] = e
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }
}
