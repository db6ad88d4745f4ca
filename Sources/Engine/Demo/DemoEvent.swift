import HFTPrimitives

/// The event of the runtime latency demo: 48 bytes, one cache line per ring slot.
@frozen
public struct DemoEvent: BitwiseCopyable, Sendable {
    public var sequence: UInt64
    /// When the source should have sent it (the fixed-rate schedule): the start of every
    /// end-to-end measurement, so a stalled source cannot hide latency (coordinated omission).
    public var intendedAt: Nanos
    /// When it was published into the next ring.
    public var publishedAt: Nanos
    /// A value the stages transform, so the work cannot be optimized away.
    public var value: UInt64
    public var checksum: UInt64
    public var transformedAt: Nanos

    @inlinable
    public init(sequence: UInt64, intendedAt: Nanos, publishedAt: Nanos, value: UInt64) {
        self.sequence = sequence
        self.intendedAt = intendedAt
        self.publishedAt = publishedAt
        self.value = value
        self.checksum = 0
        self.transformedAt = .zero
    }
}
