import CSystemShims
import HFTPrimitives
import Testing
@testable import HFTRuntime
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized)
struct TSCClockTests {
    @Test func conversionIsExactOnChosenRates() {
        let oneGHz = TSCClock(ticksPerSecond: 1_000_000_000, baseTicks: 1_000, baseNanos: 5)
        #expect(oneGHz.nanos(ticks: 1_000) == Nanos(raw: 5))
        #expect(oneGHz.nanos(ticks: 1_123) == Nanos(raw: 128))
        let twoGHz = TSCClock(ticksPerSecond: 2_000_000_000, baseTicks: 0, baseNanos: 0)
        #expect(twoGHz.nanos(ticks: 2_000_000_000) == Nanos.seconds(1))
        #expect(twoGHz.nanos(ticks: 10) == Nanos(raw: 5))
        let threeGHz = TSCClock(ticksPerSecond: 3_000_000_000, baseTicks: 7_000_000, baseNanos: 1_000_000)
        #expect(threeGHz.nanos(ticks: 7_000_000 + 3) == Nanos(raw: 1_000_001))
        #expect(threeGHz.nanos(ticks: 7_000_000 + 3_000_000_000) == Nanos(raw: 1_001_000_000))
        // One day of ticks: the 128-bit product neither overflows nor loses a nanosecond.
        #expect(threeGHz.nanos(ticks: 7_000_000 + 86_400 * 3_000_000_000) == Nanos(raw: 1_000_000 + 86_400_000_000_000))
        // Ticks before the base convert to earlier times.
        #expect(threeGHz.nanos(ticks: 7_000_000 - 3_000) == Nanos(raw: 999_000))
        let odd = TSCClock(ticksPerSecond: 2_893_437_000, baseTicks: 0, baseNanos: 0)
        #expect(odd.nanos(ticks: 2_893_437_000 * 3_600) == Nanos.seconds(3_600))
    }

    @Test func calibratedClockTracksClockMonotonic() throws {
        let support = TSCSupport.detect()
        let clock = TSCClock.calibrate(duration: .milliseconds(20), support: support)
        if support.usable {
            #expect(clock.source == .tsc)
            #expect(clock.ticksPerSecond > 100_000_000 && clock.ticksPerSecond < 10_000_000_000)
        } else {
            #expect(clock.source == .monotonic)
        }
        let tsc0 = clock.now()
        let mono0 = hft_monotonic_ns()
        var pause = timespec(tv_sec: 0, tv_nsec: 100_000_000)
        nanosleep(&pause, nil)
        let tsc1 = clock.now()
        let mono1 = hft_monotonic_ns()
        let clockElapsed = (tsc1 - tsc0).raw
        let monoElapsed = mono1 - mono0
        // Calibration over 20 ms on a shared VM: allow 0.5 % plus 50 µs of read skew.
        #expect(abs(clockElapsed - monoElapsed) < monoElapsed / 200 + 50_000, "clock \(clockElapsed) ns vs CLOCK_MONOTONIC \(monoElapsed) ns")
        // Same time base as CLOCK_MONOTONIC.
        #expect(abs(tsc1.raw - mono1) < 2_000_000, "offset \(tsc1.raw - mono1) ns")
    }

    @Test func nowIsMonotonic() {
        let clock = TSCClock.shared
        var previous = clock.now()
        for _ in 0..<200_000 {
            let next = clock.now()
            #expect(next >= previous)
            if next < previous { break }
            previous = next
        }
    }

    @Test func fallsBackToClockMonotonicWithoutInvariantTSC() {
        let support = TSCSupport(hasTSC: true, cpuidInvariant: false, constantTSC: true, nonstopTSC: false, clocksource: "hpet")
        #expect(!support.usable)
        let clock = TSCClock.calibrate(duration: .milliseconds(1), support: support)
        #expect(clock.source == .monotonic)
        #expect(clock.ticksPerSecond == 0)
        let reading = clock.now().raw
        let reference = hft_monotonic_ns()
        #expect(reading <= reference && reference - reading < 5_000_000)
        #expect(clock.description.contains("CLOCK_MONOTONIC"))
    }

    @Test func supportDetectionReadsKernelFlags() {
        let flags = TSCSupport.cpuFlags(cpuinfo: "processor\t: 0\nflags\t\t: fpu tsc constant_tsc nonstop_tsc sse2\nbugs\t: x\n")
        #expect(flags.contains("constant_tsc") && flags.contains("nonstop_tsc") && flags.contains("sse2"))
        #expect(!flags.contains("bugs"))
        #expect(TSCSupport(hasTSC: true, cpuidInvariant: false, constantTSC: true, nonstopTSC: true, clocksource: nil).usable)
        #expect(TSCSupport(hasTSC: true, cpuidInvariant: true, constantTSC: false, nonstopTSC: false, clocksource: nil).usable)
        #expect(!TSCSupport(hasTSC: false, cpuidInvariant: true, constantTSC: true, nonstopTSC: true, clocksource: nil).usable)
        let detected = TSCSupport.detect()
        #if arch(x86_64)
        #expect(detected.hasTSC)
        #endif
        #expect(!detected.description.isEmpty)
    }

    @Test func reportNamesSourceAndRate() {
        let clock = TSCClock(ticksPerSecond: 2_995_000_000, baseTicks: 0, baseNanos: 0)
        #expect(clock.description == "tsc 2.995 GHz (invariant)")
        let support = TSCSupport(hasTSC: true, cpuidInvariant: false, constantTSC: true, nonstopTSC: true, clocksource: "kvm-clock")
        #expect(clock.report(support: support) == "tsc 2.995 GHz (invariant); cpuid invariant false, constant_tsc true, nonstop_tsc true, clocksource kvm-clock")
    }
}
