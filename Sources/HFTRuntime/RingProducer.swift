import Atomics

/// The producing end of a `Ring`: a pointer and a mask, trivially copyable, no ARC.
///
/// Its state (`tail`, the cached `head`) lives in the ring's producer cache line, not in the view,
/// so copies of the view are interchangeable; the contract is about threads, not values.
/// - Precondition: one thread at a time publishes through a given ring.
/// - Warning: dangles once the owning `Ring` is destroyed.
@frozen
public struct RingProducer<Element: BitwiseCopyable> {
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

    /// Whether `count` more events can be pushed now without back-pressure (refreshes the cached
    /// consumer index only when the cached one says no). Lets a producer that must publish a group
    /// of events atomically (a book change, a record's trades) check once instead of unwinding.
    /// - Complexity: O(1); the consumer's line is read only when the cache is insufficient.
    @inlinable
    public func hasRoom(for count: Int) -> Bool {
        // SAFETY: producer fields are two Ints bound at init at the start of the producer line.
        let fields = (base + RingLayout.producerOffset).assumingMemoryBound(to: Int.self)
        let tail = fields[0]
        if tail &+ count &- fields[1] <= mask &+ 1 { return true }
        // SAFETY: `head` is an atomic Int bound at init at `consumerOffset`.
        let head = UnsafeAtomic<Int>(at: (base + RingLayout.consumerOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
        // ORDERING: acquiring, as in `push`: the slots below `head` are free once we see it.
        let fresh = head.load(ordering: .acquiring)
        fields[1] = fresh
        return tail &+ count &- fresh <= mask &+ 1
    }

    /// Copies `element` into the next slot and makes it visible to the consumer.
    ///
    /// - Returns: `.published`, or `.backPressured` when the ring holds `capacity` events (nothing written).
    /// - Complexity: O(1); no allocation, no lock. Touches the producer's own line, the slot's lines,
    ///   and the consumer's `head` line only when the cached head says full.
    @_transparent
    public func push(_ element: Element) -> RingPublishResult {
        // SAFETY: producer fields are two Ints bound at init at the start of the producer line.
        let fields = (base + RingLayout.producerOffset).assumingMemoryBound(to: Int.self)
        let tail = fields[0]
        if tail &- fields[1] > mask {
            // SAFETY: `head` is an atomic Int bound at init at `consumerOffset`.
            let head = UnsafeAtomic<Int>(at: (base + RingLayout.consumerOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
            // ORDERING: acquiring pairs with the consumer's releasing store of `head`: its reads of
            // the slots below `head` happen before we overwrite them.
            let fresh = head.load(ordering: .acquiring)
            fields[1] = fresh
            if tail &- fresh > mask { return .backPressured }
        }
        // SAFETY: `tail & mask` < capacity, so the slot lies inside the allocation; the slot is free
        // (checked above) and only this thread writes it until the sequence store publishes it.
        let slot = base + (RingLayout.slotsOffset &+ (tail & mask) &* RingLayout.slotStride(of: Element.self))
        (slot + RingLayout.payloadOffset(of: Element.self)).storeBytes(of: element, as: Element.self)
        // SAFETY: the sequence word was bound to Int.AtomicRepresentation at init.
        let sequence = UnsafeAtomic<Int>(at: (slot + RingLayout.sequenceOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
        // ORDERING: releasing publishes the payload stored above to the consumer's acquiring load.
        sequence.store(tail &+ 1, ordering: .releasing)
        fields[0] = tail &+ 1
        return .published
    }
}

// SAFETY: the view is a pointer into memory the owning `Ring` keeps alive; the SPSC protocol (one
// producer thread, release/acquire on the sequence and head words) orders every access to it.
extension RingProducer: @unchecked Sendable {}
