import CSystemShims
import HFTRuntime

/// Times one event inside a benchmark loop with the time stamp counter: `rdtsc` before, `rdtscp`
/// after (it waits for the event's instructions to complete), ticks converted with the calibrated
/// rate; the monotonic clock where the TSC is not usable. Its floor (nothing between the two
/// readings) is ≈ 20 ns here, against ≈ 50 ns for package-benchmark's wall clock around one call
/// of a benchmark closure.
public struct EventTimer: Sendable {
    /// Calibrated once per process (50 ms against `CLOCK_MONOTONIC`).
    public static let shared = EventTimer(clock: TSCClock.calibrate())

    public let usesTSC: Bool
    let nanosPerTick: Double

    public init(clock: TSCClock) {
        usesTSC = clock.source == .tsc
        nanosPerTick = usesTSC ? 1e9 / Double(clock.ticksPerSecond) : 1
    }

    /// The reading that starts an event.
    @inline(__always)
    public func start() -> UInt64 { usesTSC ? hft_rdtsc() : UInt64(bitPattern: hft_monotonic_ns()) }

    /// ns since `t0` (a `start()` reading).
    @inline(__always)
    public func nanos(since t0: UInt64) -> Int {
        var aux: UInt32 = 0
        let t1 = usesTSC ? hft_rdtscp(&aux) : UInt64(bitPattern: hft_monotonic_ns())
        return Int((Double(t1 &- t0) * nanosPerTick).rounded())
    }
}
