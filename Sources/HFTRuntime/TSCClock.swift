import CSystemShims
import HFTPrimitives
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds from the time stamp counter, calibrated against `CLOCK_MONOTONIC`,
/// or `CLOCK_MONOTONIC` itself where the TSC is not usable.
///
/// Readings are in the `CLOCK_MONOTONIC` time base (equal at calibration, drifting by the
/// calibration error, ≈ ppm, afterwards). `now()` is `rdtsc` plus a 64×64→128-bit multiply and
/// shift (≈ 9 ns measured; `clock_gettime` ≈ 16 ns, `ContinuousClock.now` ≈ 47 ns): no division,
/// no syscall, no allocation. The value is trivial: give each stage its own copy.
@frozen
public struct TSCClock: Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Which counter `now()` reads.
    @frozen
    public enum Source: Sendable, Hashable, BitwiseCopyable {
        /// `rdtsc`, scaled to ns.
        case tsc
        /// `clock_gettime(CLOCK_MONOTONIC)` (no usable TSC, or calibration was implausible).
        case monotonic
    }

    /// The active source.
    public let source: Source
    /// Measured (or given) TSC ticks per second; 0 for `.monotonic`.
    public let ticksPerSecond: UInt64
    /// ns per tick × 2^48, rounded.
    @usableFromInline let multiplier: UInt64
    /// The tick count at which the clock read `baseNanos`.
    @usableFromInline let baseTicks: UInt64
    /// `CLOCK_MONOTONIC` at `baseTicks`.
    @usableFromInline let baseNanos: Int64
    /// Whether the TSC looked invariant (CPUID or `constant_tsc` + `nonstop_tsc`).
    public let tscInvariant: Bool

    /// Binary point of `multiplier`.
    @inlinable static var shift: UInt64 { 48 }

    /// A TSC clock with a known rate: `nanos(ticks: baseTicks)` is `baseNanos`.
    /// - Precondition: `ticksPerSecond` is within 1 MHz … 100 GHz.
    public init(ticksPerSecond: UInt64, baseTicks: UInt64, baseNanos: Int64) {
        precondition(ticksPerSecond >= 1_000_000 && ticksPerSecond <= 100_000_000_000, "implausible TSC rate \(ticksPerSecond)")
        self.source = .tsc
        self.ticksPerSecond = ticksPerSecond
        self.multiplier = Self.multiplier(nanos: 1_000_000_000, ticks: ticksPerSecond)
        self.baseTicks = baseTicks
        self.baseNanos = baseNanos
        self.tscInvariant = true
    }

    /// The `CLOCK_MONOTONIC` fallback.
    public static var monotonic: TSCClock { TSCClock(monotonicWithInvariant: false) }

    init(monotonicWithInvariant invariant: Bool) {
        source = .monotonic
        ticksPerSecond = 0
        multiplier = 0
        baseTicks = 0
        baseNanos = 0
        tscInvariant = invariant
    }

    init(calibratedRate: UInt64, baseTicks: UInt64, baseNanos: Int64, multiplier: UInt64) {
        source = .tsc
        ticksPerSecond = calibratedRate
        self.multiplier = multiplier
        self.baseTicks = baseTicks
        self.baseNanos = baseNanos
        tscInvariant = true
    }

    /// The current time in ns in the `CLOCK_MONOTONIC` time base. Hot path.
    @inlinable @inline(__always)
    public func now() -> Nanos {
        if source == .tsc { return nanos(ticks: hft_rdtsc()) }
        return Nanos(raw: hft_monotonic_ns())
    }

    /// A raw TSC read (0 for `.monotonic` sources): the cheapest stamp, converted later with
    /// `nanos(ticks:)`.
    @inlinable @inline(__always)
    public func ticks() -> UInt64 {
        source == .tsc ? hft_rdtsc() : UInt64(bitPattern: hft_monotonic_ns())
    }

    /// Converts a tick count read on this machine to ns: one 64×64→128 multiply and a shift,
    /// rounded to nearest; no overflow while the result fits `Int64` (≈ 292 years).
    @inlinable @inline(__always)
    public func nanos(ticks: UInt64) -> Nanos {
        if source == .monotonic { return Nanos(raw: Int64(bitPattern: ticks)) }
        if ticks >= baseTicks {
            return Nanos(raw: baseNanos &+ Int64(bitPattern: scale(ticks &- baseTicks)))
        }
        return Nanos(raw: baseNanos &- Int64(bitPattern: scale(baseTicks &- ticks)))
    }

    /// `nanos / ticks × 2^48`, rounded to nearest (cold path: the only division).
    /// - Precondition: `nanos / ticks < 2^16` (a TSC slower than 15 kHz is rejected earlier).
    static func multiplier(nanos: UInt64, ticks: UInt64) -> UInt64 {
        let numerator = nanos.multipliedFullWidth(by: 1 << shift)
        let (quotient, remainder) = ticks.dividingFullWidth(numerator)
        return quotient &+ (remainder >= ticks &- remainder ? 1 : 0)
    }

    /// Ticks → ns for a duration: `(delta × multiplier + 2^47) >> 48` in 128-bit arithmetic
    /// (exact to ±0.5 ns per 2^48 ticks of rate error, i.e. < 1 ns per day at 3 GHz).
    @inlinable @inline(__always)
    public func scale(_ delta: UInt64) -> UInt64 {
        let (high, low) = delta.multipliedFullWidth(by: multiplier)
        let (rounded, carry) = low.addingReportingOverflow(1 << (Self.shift - 1))
        let top = high &+ (carry ? 1 : 0)
        return (top << (64 - Self.shift)) | (rounded >> Self.shift)
    }

    /// Calibrates the TSC against `CLOCK_MONOTONIC` over `duration` (sleeping), or returns the
    /// `CLOCK_MONOTONIC` fallback when `support` says the TSC is not invariant or the measured
    /// rate is implausible. Cold path: call once at start-up.
    public static func calibrate(duration: Nanos = .milliseconds(50), support: TSCSupport = .detect()) -> TSCClock {
        guard support.usable else { return TSCClock(monotonicWithInvariant: false) }
        let first = bracketedSample()
        var pause = timespec(tv_sec: Int(duration.raw / 1_000_000_000), tv_nsec: Int(duration.raw % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
        let last = bracketedSample()
        let elapsedNanos = last.nanos &- first.nanos
        guard elapsedNanos > 0, last.ticks > first.ticks, elapsedNanos < 4_000_000_000 else {
            return TSCClock(monotonicWithInvariant: true)
        }
        let elapsedTicks = last.ticks &- first.ticks
        let rate = UInt64((Double(elapsedTicks) * 1e9 / Double(elapsedNanos)).rounded())
        guard rate >= 10_000_000, rate <= 100_000_000_000 else { return TSCClock(monotonicWithInvariant: true) }
        let multiplier = Self.multiplier(nanos: UInt64(elapsedNanos), ticks: elapsedTicks)
        return TSCClock(calibratedRate: rate, baseTicks: last.ticks, baseNanos: last.nanos, multiplier: multiplier)
    }

    /// A (ticks, monotonic ns) pair whose two `clock_gettime` reads were closest together
    /// among 7 tries, the TSC read sitting in the middle.
    static func bracketedSample() -> (ticks: UInt64, nanos: Int64) {
        var best: (ticks: UInt64, nanos: Int64) = (0, 0)
        var bestWidth = Int64.max
        for _ in 0..<7 {
            let before = hft_monotonic_ns()
            let ticks = hft_rdtsc()
            let after = hft_monotonic_ns()
            if after &- before < bestWidth {
                bestWidth = after &- before
                best = (ticks, before &+ (after &- before) / 2)
            }
        }
        return best
    }

    /// The process-wide clock, calibrated (50 ms) on first use. Stages should copy it once.
    public static let shared: TSCClock = calibrate()

    /// A one-line start-up report: the active source, the measured rate and the evidence,
    /// e.g. `tsc 2.995 GHz (invariant); cpuid invariant false, constant_tsc true, …`.
    public func report(support: TSCSupport = .detect()) -> String {
        "\(description); \(support.description)"
    }

    /// Which source is active and the measured rate, e.g. `tsc 2.995 GHz (invariant)`.
    public var description: String {
        switch source {
        case .tsc:
            let mhz = Double(ticksPerSecond) / 1e6
            return "tsc \(Double(Int((mhz / 1000) * 1000 + 0.5)) / 1000) GHz (invariant)"
        case .monotonic:
            return tscInvariant ? "CLOCK_MONOTONIC (TSC calibration implausible)" : "CLOCK_MONOTONIC (TSC not invariant)"
        }
    }
}
