/// A registered kind of error (`"binance.sequenceGap"`, `"ws.malformedFrame"`); the distinct-error
/// log keeps one entry per (code, detail) pair, never one line per occurrence.
@frozen
public struct ErrorCode: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    /// Index of the code in its registry, `0 ..< errorCodeCapacity`.
    public let raw: UInt16

    @inlinable
    public init(raw: UInt16) { self.raw = raw }

    public var description: String { "error#\(raw)" }
}
