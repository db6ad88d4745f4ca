/// A time or a duration in nanoseconds. Receive times are TSC-derived monotonic nanoseconds;
/// exchange times are Unix-epoch nanoseconds converted from the venue's ms or µs.
@frozen
public struct Nanos: BitwiseCopyable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: Int64

    @inlinable @inline(__always)
    public init(raw: Int64) { self.raw = raw }

    public static let zero = Nanos(raw: 0)

    @inlinable public static func microseconds(_ us: Int64) -> Nanos { Nanos(raw: us &* 1_000) }
    @inlinable public static func milliseconds(_ ms: Int64) -> Nanos { Nanos(raw: ms &* 1_000_000) }
    @inlinable public static func seconds(_ s: Int64) -> Nanos { Nanos(raw: s &* 1_000_000_000) }

    @inlinable @inline(__always)
    public static func < (a: Nanos, b: Nanos) -> Bool { a.raw < b.raw }
    @inlinable @inline(__always)
    public static func + (a: Nanos, b: Nanos) -> Nanos { Nanos(raw: a.raw &+ b.raw) }
    @inlinable @inline(__always)
    public static func - (a: Nanos, b: Nanos) -> Nanos { Nanos(raw: a.raw &- b.raw) }
    @inlinable @inline(__always)
    public static func += (a: inout Nanos, b: Nanos) { a.raw &+= b.raw }

    public var description: String { "\(raw)ns" }
}
