import CSystemShims

/// Clock helpers of the simulator (cold path).
enum SimulatorClock {
    /// `CLOCK_REALTIME` in Unix milliseconds.
    static func realtimeMillis() -> Int64 { hft_realtime_ns() / 1_000_000 }
    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func monotonicNanos() -> Int64 { hft_monotonic_ns() }
}
