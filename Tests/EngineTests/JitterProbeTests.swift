import Testing
import CSystemShims
@testable import Engine
import HFTRuntime

@Suite(.serialized) struct JitterProbeTests {
    /// A synthetic measurement: `quiet` idle cycles of 300 ticks and `gaps` of `gapTicks`, over
    /// `seconds`, at 2.5 ticks per ns.
    static func jitter(quiet: UInt64, gaps: UInt64, gapTicks: UInt64, seconds: Double) -> ThreadJitter {
        var buckets = [UInt64](repeating: 0, count: ThreadJitter.bucketCount)
        var ticks = [UInt64](repeating: 0, count: ThreadJitter.bucketCount)
        buckets[ThreadJitter.bucket(ofTicks: 300)] += quiet
        ticks[ThreadJitter.bucket(ofTicks: 300)] += quiet * 300
        buckets[ThreadJitter.bucket(ofTicks: gapTicks)] += gaps
        ticks[ThreadJitter.bucket(ofTicks: gapTicks)] += gaps * gapTicks
        return ThreadJitter(buckets: buckets, bucketTicks: ticks, ticksPerNanosecond: 2.5, observedNanos: Int64(seconds * 1e9))
    }

    @Test func aQuietCoreIsOkAndANoisyOneGetsTheIsolationFix() {
        // 1 gap of 40 µs (100 000 ticks) in 2 s: within the allowance.
        let quiet = JitterProbe.finding(core: 3, jitter: Self.jitter(quiet: 1_000_000, gaps: 2, gapTicks: 100_000, seconds: 2))
        #expect(quiet.severity == .ok && quiet.check == "jitter")
        #expect(quiet.observed.hasPrefix("core 3: 2 gaps ≥ "))
        // 50 gaps per second.
        let noisy = JitterProbe.finding(core: 3, jitter: Self.jitter(quiet: 1_000_000, gaps: 100, gapTicks: 100_000, seconds: 2))
        #expect(noisy.severity == .warn)
        #expect(noisy.observed.contains("(50.0/s"))
        #expect(noisy.fix?.contains("isolcpus=managed_irq,domain,3 nohz_full=3 rcu_nocbs=3") == true)
        #expect(noisy.fix?.contains("--cores 3 --only irq --yes") == true)
        // One gap of 1 ms (2.5 M ticks) is too long however rare.
        let long = JitterProbe.finding(core: 3, jitter: Self.jitter(quiet: 1_000_000, gaps: 1, gapTicks: 2_500_000, seconds: 10))
        #expect(long.severity == .warn)
        #expect(JitterProbe.finding(core: 0, jitter: ThreadJitter()).severity == .warn)
    }

    /// The probe on one core: it spins, counts the idle cycles over the requested time and
    /// measures the TSC rate (the finding is whatever this machine gives, ok or warn).
    @Test func theProbeSpinsAndMeasuresACore() throws {
        let core = hft_cpu_count() > 1 ? 1 : 0
        let start = hft_monotonic_ns()
        let measured = try JitterProbe.measure(cores: [Int(core)], seconds: 0.2)
        #expect(hft_monotonic_ns() - start >= 200_000_000)
        #expect(measured.count == 1 && measured[0].core == Int(core))
        let j = measured[0].jitter
        #expect(j.idleCycles > 10_000)
        #expect(j.observedNanos >= 150_000_000 && j.observedNanos < 5_000_000_000)
        #expect(j.ticksPerNanosecond > 0.1 && j.ticksPerNanosecond < 10)
        #expect(JitterProbe.finding(core: Int(core), jitter: j).observed.hasPrefix("core \(core): "))
        #expect(throws: PinnedThreadError.self) { _ = try JitterProbe.measure(cores: [4_096], seconds: 0.01) }
    }
}
