import CSystemShims
import HFTPrimitives

/// `CLOCK_MONOTONIC` in nanoseconds (≈ 16 ns per read here). The TSC clock of `HFTRuntime` can be
/// supplied instead through `ReceiveClock`.
@frozen
public struct MonotonicReceiveClock: ReceiveClock, Sendable {
    @inlinable public init() {}

    @inlinable @inline(__always)
    public func now() -> Nanos { Nanos(raw: hft_monotonic_ns()) }
}
