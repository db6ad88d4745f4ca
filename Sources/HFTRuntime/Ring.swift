import Atomics

/// A bounded single-producer single-consumer queue of fixed-size events: the data plane between
/// pinned threads (DESIGN.md, "Ring").
///
/// `Ring` is the `~Copyable` owner of one `UnsafeAlignedMemory` block laid out as `RingLayout`
/// describes; it frees the block in `deinit`. The two ends are `RingProducer` and `RingConsumer`:
/// trivially copyable views (a pointer and a mask, no ARC) handed to one thread each.
///
/// Each hop costs one cache-line transfer for events of up to 56 bytes: the consumer spins on the
/// sequence word inside the slot (written by the producer with release ordering after the payload),
/// never on the producer's index. The producer reads the consumer's `head` only when its cached copy
/// says the ring is full.
///
/// Why an owner plus views (STYLE 6): the owner's `deinit` pairs the allocation with exactly one
/// free, while the hot path passes only trivially copyable values (no ARC, no existential, no
/// exclusivity checks). The views' hot methods are `@_transparent`: inlined and specialized at the
/// call site even in debug builds.
///
/// - Warning: the views dangle once the owner is destroyed. Keep the owner alive (in the engine, the
///   test, the benchmark) until both threads have stopped. Exactly one thread may use the producer
///   and exactly one the consumer at any time.
@frozen
public struct Ring<Element: BitwiseCopyable>: ~Copyable {
    /// The ring's memory; freed in `deinit`.
    @usableFromInline let memory: UnsafeAlignedMemory
    /// Number of slots (a power of two).
    public let capacity: Int

    /// Allocates and initializes a ring of `capacity` slots.
    ///
    /// - Parameters:
    ///   - capacity: slots, a power of two ≥ 2; the ring holds up to `capacity` events.
    ///   - placement: NUMA node for the memory; pass `.nodeOfCPU(consumerCore)` so the slots live
    ///     next to the reader. Ignored on one-node machines.
    /// - Precondition: `capacity` is a power of two ≥ 2; `Element` has alignment ≤ 64.
    /// - Complexity: O(`capacity`), allocates; cold path only.
    public init(capacity: Int, placement: NumaPlacement = .anyNode) {
        precondition(capacity >= 2 && capacity & (capacity - 1) == 0, "Ring: capacity must be a power of two >= 2")
        precondition(MemoryLayout<Element>.alignment <= 64, "Ring: element alignment above 64 bytes")
        let bytes = RingLayout.byteCount(capacity: capacity, of: Element.self)
        let memory = UnsafeAlignedMemory.allocate(byteCount: bytes, placement: placement)
        let base = memory.base
        // SAFETY: all offsets below are inside the `bytes`-long zeroed block; each word is bound once,
        // to the type the views access it as, before any view exists.
        (base + RingLayout.producerOffset).bindMemory(to: Int.self, capacity: 2).initialize(repeating: 0, count: 2)
        (base + RingLayout.consumerOffset).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1)
            .initialize(to: Int.AtomicRepresentation(0))
        let stride = RingLayout.slotStride(of: Element.self)
        for index in 0..<capacity {
            // Sequence 0 never equals `position + 1`, so every slot starts empty.
            (base + RingLayout.slotsOffset + index * stride + RingLayout.sequenceOffset)
                .bindMemory(to: Int.AtomicRepresentation.self, capacity: 1)
                .initialize(to: Int.AtomicRepresentation(0))
        }
        self.memory = memory
        self.capacity = capacity
    }

    deinit {
        memory.deallocate()
    }

    /// The producing end. Hand it to exactly one thread.
    @inlinable
    public var producer: RingProducer<Element> {
        RingProducer(base: memory.base, mask: capacity - 1)
    }

    /// The consuming end. Hand it to exactly one thread.
    @inlinable
    public var consumer: RingConsumer<Element> {
        RingConsumer(base: memory.base, mask: capacity - 1)
    }

    /// The NUMA node the slots were placed on, or `nil` when the kernel chose (one-node machines).
    public var node: Int? { memory.node }
}

// SAFETY: the owner only frees its memory in deinit, which runs once after the last use; the views
// it hands out synchronize through the ring's atomics.
extension Ring: @unchecked Sendable {}
