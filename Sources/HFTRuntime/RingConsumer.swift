import Atomics

/// The consuming end of a `Ring`: a pointer and a mask, trivially copyable, no ARC.
///
/// Its only state is the ring's `head` word on the consumer's cache line.
/// - Precondition: one thread at a time consumes from a given ring.
/// - Warning: dangles once the owning `Ring` is destroyed.
@frozen
public struct RingConsumer<Element: BitwiseCopyable> {
    /// Base of the ring's allocation (see `RingLayout`).
    @usableFromInline let base: UnsafeMutableRawPointer
    /// `capacity - 1`.
    @usableFromInline let mask: Int

    @inlinable
    init(base: UnsafeMutableRawPointer, mask: Int) {
        self.base = base
        self.mask = mask
    }

    /// Slots in the ring.
    @inlinable
    public var capacity: Int { mask + 1 }

    /// The consumer's `head` word.
    @usableFromInline @_transparent
    var head: UnsafeAtomic<Int> {
        // SAFETY: bound to Int.AtomicRepresentation at init at `consumerOffset`.
        UnsafeAtomic<Int>(at: (base + RingLayout.consumerOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }

    /// The slot that holds `position`.
    @usableFromInline @_transparent
    func slot(_ position: Int) -> UnsafeMutableRawPointer {
        // SAFETY: `position & mask` < capacity, so the slot lies inside the allocation.
        base + (RingLayout.slotsOffset &+ (position & mask) &* RingLayout.slotStride(of: Element.self))
    }

    /// The event at `position` if the producer has published it, read without consuming it.
    @usableFromInline @_transparent
    func load(_ position: Int) -> Element? {
        let slot = slot(position)
        // SAFETY: the sequence word was bound to Int.AtomicRepresentation at init.
        let sequence = UnsafeAtomic<Int>(at: (slot + RingLayout.sequenceOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
        // ORDERING: acquiring pairs with the producer's releasing store: the payload read below is
        // the one written for this position.
        guard sequence.load(ordering: .acquiring) == position &+ 1 else { return nil }
        // SAFETY: the payload offset is aligned for Element and the producer wrote an Element there.
        return (slot + RingLayout.payloadOffset(of: Element.self)).load(as: Element.self)
    }

    /// Takes the oldest event, or returns `nil` when the ring is empty.
    /// - Complexity: O(1); no allocation, no lock; one releasing store to `head` per event.
    @_transparent
    public func pop() -> Element? {
        let head = self.head
        // ORDERING: relaxed: only this thread writes `head`.
        let position = head.load(ordering: .relaxed)
        guard let element = load(position) else { return nil }
        // ORDERING: releasing: our read of the slot happens before the producer may reuse it.
        head.store(position &+ 1, ordering: .releasing)
        return element
    }

    /// Calls `body` for up to `max` available events, oldest first, then frees their slots with one
    /// store to `head`.
    ///
    /// - Returns: the number of events consumed (0 when the ring is empty).
    /// - Complexity: O(events); no allocation. `body` must not consume from this ring.
    @_transparent
    public func consume(max: Int, _ body: (Element) -> Void) -> Int {
        let head = self.head
        // ORDERING: relaxed: only this thread writes `head`.
        let start = head.load(ordering: .relaxed)
        var position = start
        while position &- start < max, let element = load(position) {
            body(element)
            position &+= 1
        }
        if position != start {
            // ORDERING: releasing: our reads of the consumed slots happen before the producer reuses them.
            head.store(position, ordering: .releasing)
        }
        return position &- start
    }

    /// Whether no published event is waiting (a snapshot: the producer may publish right after).
    @inlinable
    public var isEmpty: Bool {
        // ORDERING: relaxed: only this thread writes `head`.
        load(head.load(ordering: .relaxed)) == nil
    }
}

// SAFETY: the view is a pointer into memory the owning `Ring` keeps alive; the SPSC protocol (one
// consumer thread, release/acquire on the sequence and head words) orders every access to it.
extension RingConsumer: @unchecked Sendable {}
