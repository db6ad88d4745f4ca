/// The small integer a hop name is registered as; the hot path records by id, never by name.
@frozen
public struct HopId: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    /// Index of the hop in its registry, `0 ..< hopCapacity`.
    public let raw: UInt16

    @inlinable
    public init(raw: UInt16) { self.raw = raw }

    public var description: String { "hop#\(raw)" }
}
