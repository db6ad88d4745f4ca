import HFTPrimitives

/// The top levels of a book at each commit, for a consumer that reads snapshots instead of
/// rebuilding a mirror from level events: `count` slots of `depth` levels per side, used in ring
/// order by one `BookEventPublisher` output (`BookEventOutput(ring:depth:snapshots:)`).
///
/// A commit on that ring names its slot (`BookEvent.slot`). A slot is written only while no commit
/// naming it is in the ring or being processed: with `count ≥ ring capacity + 2` (one slot per
/// event the ring can hold, the one the consumer is processing, the one the producer is filling)
/// the producer's next slot is always free, so no lock is needed.
public final class BookSnapshotSlots: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): the memory is allocated in init and freed in deinit; a slot is
    // written by the producing thread before the releasing ring push of the commit that names it and
    // read by the consuming thread after the acquiring pop, never both at once (see the type's contract).
    public let count: Int
    /// Levels per side a slot holds.
    public let depth: Int
    /// `[slot][side][depth]`, best first.
    @usableFromInline let levels: UnsafeMutablePointer<DepthLevel>
    /// `[slot][side]` levels filled.
    @usableFromInline let counts: UnsafeMutablePointer<Int>

    /// - Parameter ringCapacity: capacity of the ring whose commits name the slots.
    public init(ringCapacity: Int, depth: Int) {
        precondition(ringCapacity >= 1 && depth >= 1, "capacity and depth must be positive")
        count = ringCapacity + 2
        self.depth = depth
        levels = .allocate(capacity: count * 2 * depth)
        levels.initialize(repeating: DepthLevel(price: .zero, quantity: .zero), count: count * 2 * depth)
        counts = .allocate(capacity: count * 2)
        counts.initialize(repeating: 0, count: count * 2)
    }

    deinit {
        levels.deallocate()
        counts.deallocate()
    }

    /// The bids (side `.buy`) or asks of slot `k`, best first.
    /// - Precondition: `k < count`.
    @inlinable @inline(__always)
    public func levels(_ k: Int, _ side: Side) -> UnsafeBufferPointer<DepthLevel> {
        let row = k &* 2 &+ (side == .buy ? 0 : 1)
        return UnsafeBufferPointer(start: levels + row &* depth, count: counts[row])
    }
}
