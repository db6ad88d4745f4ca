import CSystemShims
import Testing
@testable import Engine

@Suite(.serialized) struct MemoryLatencyProbeTests {
    @Test func theWalkIsOneCycleThroughEveryLine() {
        for n in [1, 2, 3, 64, 1_000, 4_096] {
            let next = MemoryLatencyProbe.cycle(n)
            #expect(next.count == n)
            var seen = [Bool](repeating: false, count: n)
            var i = 0
            for _ in 0..<n {
                #expect(!seen[i], "line \(i) visited twice for n = \(n)")
                seen[i] = true
                i = Int(next[i])
            }
            #expect(i == 0 && !seen.contains(false), "n = \(n)")
        }
        #expect(MemoryLatencyProbe.cycle(1_000) == MemoryLatencyProbe.cycle(1_000))
        #expect(MemoryLatencyProbe.cycle(1_000) != MemoryLatencyProbe.cycle(1_000, seed: 7))
    }

    @Test func sizesReachPastTheLastLevelCache() {
        let small = MemoryLatencyProbe.sizes(lastLevelBytes: 36_608 << 10)
        #expect(small.first == 16 << 10 && small.last == 128 << 20)
        #expect(zip(small, small.dropFirst()).allSatisfy { $0 < $1 })
        #expect(MemoryLatencyProbe.sizes(lastLevelBytes: nil).last == 64 << 20)
        #expect(MemoryLatencyProbe.sizes(lastLevelBytes: 512 << 20).last == 1 << 30)
        #expect(MemoryLatencyProbe.bytes(sysfsSize: "36608K") == 36_608 << 10)
        #expect(MemoryLatencyProbe.bytes(sysfsSize: "32M") == 32 << 20)
        #expect(MemoryLatencyProbe.bytes(sysfsSize: "x") == nil)
    }

    /// Synthetic curves: a cache that ends at 2 MiB of a reported 36 MiB warns with the fix; one that
    /// serves half the reported size is ok; no reported size is informational.
    @Test func aLastLevelCacheSmallerThanReportedWarns() {
        let mib = 1 << 20
        let shared: [MemoryLatencyProbe.Point] = [.init(bytes: 16 << 10, nanosPerLoad: 1.3), .init(bytes: mib, nanosPerLoad: 17),
                                                  .init(bytes: 2 * mib, nanosPerLoad: 25), .init(bytes: 4 * mib, nanosPerLoad: 100),
                                                  .init(bytes: 128 * mib, nanosPerLoad: 116)]
        #expect(MemoryLatencyProbe.effectiveCacheBytes(shared) == 2 * mib)
        let warn = MemoryLatencyProbe.finding(core: 1, points: shared, lastLevelBytes: 36_608 << 10)
        #expect(warn.severity == .warn && warn.check == "memory")
        #expect(warn.observed == "core 1: ns per dependent load by working set: 16K 1.3, 1M 17, 2M 25, 4M 100, 128M 116; "
            + "faster than memory up to 2M (the CPU reports 36608K of last-level cache)")
        #expect(warn.fix?.contains("every working set above 2M pays memory latency") == true)

        let whole = shared.map { $0.bytes == 4 * mib ? MemoryLatencyProbe.Point(bytes: 32 * mib, nanosPerLoad: 40) : $0 }
        #expect(MemoryLatencyProbe.effectiveCacheBytes(whole) == 32 * mib)
        #expect(MemoryLatencyProbe.finding(core: 1, points: whole, lastLevelBytes: 36_608 << 10).severity == .ok)
        #expect(MemoryLatencyProbe.finding(core: 1, points: shared, lastLevelBytes: nil).severity == .ok)
        #expect(MemoryLatencyProbe.effectiveCacheBytes([]) == nil)
    }

    /// The probe on this machine: memory is slower than L1 on any real host (≈ 100 ns against
    /// ≈ 1–10 ns, more in a debug build), and a core that does not exist is a typed error.
    @Test func theProbeMeasuresThisCore() throws {
        let core = hft_cpu_count() > 1 ? 1 : 0
        let points = try MemoryLatencyProbe.measure(core: Int(core), sizes: [16 << 10, 64 << 20])
        #expect(points.map(\.bytes) == [16 << 10, 64 << 20])
        #expect(points.allSatisfy { $0.nanosPerLoad > 0.1 && $0.nanosPerLoad < 10_000 })
        #expect(points[1].nanosPerLoad > 3 * points[0].nanosPerLoad, "L1 \(points[0].nanosPerLoad) ns, memory \(points[1].nanosPerLoad) ns")
        #expect(throws: MemoryLatencyProbe.ProbeError.self) { _ = try MemoryLatencyProbe.measure(core: 4_096, sizes: [16 << 10]) }
    }
}
