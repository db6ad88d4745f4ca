/// Index arithmetic of the fixed-capacity rings whose capacity is a run-time value (not a power of
/// two, so no mask): Analytics' `UnsafeRing`, the paper venue's request and report queues and the
/// Execution stage's backlog.
public enum RingIndex {
    /// `i mod n` for `0 <= i < 2n` (a head below the capacity plus at most the capacity): a compare
    /// and a subtract, where `%` by a run-time capacity compiles to a 64-bit `idiv` (40–44 TSC ticks
    /// each on machine B, `Benchmarks/InstructionCounts/idiv-latency.c`).
    @inlinable @inline(__always)
    public static func wrap(_ i: Int, _ n: Int) -> Int { i >= n ? i &- n : i }
}
