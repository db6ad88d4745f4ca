import HFTRuntime

/// One ring a `BookEventPublisher` publishes on, and the levels per side it keeps in step there.
///
/// Each consumer gets only the depth it reads: the Signals stage's features and market view read
/// 10 levels, the paper venue's book 20; a level change below a ring's depth is not published on it
/// (its commit is, so that every consumer sees the same sequence of book events).
///
/// With `snapshots`, the ring carries no level events: each commit names the slot holding the top
/// `depth` levels per side at that commit (`BookEvent.slot`), for a consumer that reads the levels
/// rather than keeping a mirror of them.
public struct BookEventOutput: Sendable {
    public let ring: RingProducer<BookEvent>
    /// Levels per side kept in step on `ring` (≥ 1).
    public let depth: Int
    /// Where the commits' levels are written, instead of level events.
    public let snapshots: BookSnapshotSlots?

    /// - Precondition: `depth ≥ 1` and `ring.capacity ≥ 4 × depth + 2` (one book change fits).
    public init(ring: RingProducer<BookEvent>, depth: Int) {
        precondition(depth >= 1, "depth must be at least 1")
        precondition(ring.capacity >= 4 * depth + 2, "ring too small for one book change")
        self.ring = ring
        self.depth = depth
        snapshots = nil
    }

    /// A ring whose commits name a slot of `snapshots` holding the top `snapshots.depth` levels.
    /// - Precondition: `snapshots.count ≥ ring.capacity + 2`.
    public init(ring: RingProducer<BookEvent>, snapshots: BookSnapshotSlots) {
        precondition(snapshots.count >= ring.capacity + 2, "fewer snapshot slots than the ring can name")
        self.ring = ring
        depth = snapshots.depth
        self.snapshots = snapshots
    }
}
