/// The small integer a named counter is registered as; the hot path increments by id.
@frozen
public struct CounterId: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    /// Index of the counter in its registry, `0 ..< counterCapacity`.
    public let raw: UInt16

    @inlinable
    public init(raw: UInt16) { self.raw = raw }

    public var description: String { "counter#\(raw)" }
}
