import HFTRuntime

/// One ring a `BookEventPublisher` publishes on, and the levels per side it keeps in step there.
///
/// Each consumer gets only the depth it reads: the Signals stage's features and market view read
/// 10 levels, the paper venue's book 20; a level change below a ring's depth is not published on it
/// (its commit is, so that every consumer sees the same sequence of book events).
public struct BookEventOutput: Sendable {
    public let ring: RingProducer<BookEvent>
    /// Levels per side kept in step on `ring` (≥ 1).
    public let depth: Int

    /// - Precondition: `depth ≥ 1` and `ring.capacity ≥ 4 × depth + 2` (one book change fits).
    public init(ring: RingProducer<BookEvent>, depth: Int) {
        precondition(depth >= 1, "depth must be at least 1")
        precondition(ring.capacity >= 4 * depth + 2, "ring too small for one book change")
        self.ring = ring
        self.depth = depth
    }
}
