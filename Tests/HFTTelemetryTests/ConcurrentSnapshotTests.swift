import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HFTPrimitives
import Synchronization
import Testing
@testable import HFTTelemetry

@Suite(.serialized) struct ConcurrentSnapshotTests {
    /// A writer thread records while this thread snapshots: every slot count and the total only
    /// grow between snapshots, and after the writer stops a snapshot holds exactly what was recorded.
    @Test func snapshotWhileAnotherThreadRecords() {
        let histogram = LatencyHistogram()
        let values = TestDistribution.logNormal.samples(4096, seed: 99)
        let total = 3_000_000
        let done = Atomic<Bool>(false)
        let readerSawPartial = Atomic<Bool>(false)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            for i in 0..<total / 2 { histogram.record(values[i & 4095]) }
            // Halfway, wait until the reader has seen a partial histogram, so the test always
            // overlaps reads with writes even if the scheduler runs the writer first.
            // ORDERING: relaxed; only the flag's own value matters.
            while !readerSawPartial.load(ordering: .relaxed) { sched_yield() }
            for i in total / 2..<total { histogram.record(values[i & 4095]) }
            // ORDERING: release; the reader's acquire load then sees every record.
            done.store(true, ordering: .releasing)
        }
        var previous = histogram.snapshot()
        var snapshots = 0
        var sawPartial = false
        // ORDERING: acquire pairs with the writer's release store.
        while !done.load(ordering: .acquiring) {
            let current = histogram.snapshot()
            snapshots += 1
            #expect(current.totalCount >= previous.totalCount)
            var monotone = true
            for i in 0..<current.counts.count where current.counts[i] < previous.counts[i] { monotone = false }
            #expect(monotone)
            current.checkInvariants()
            #expect(current.count <= UInt64(total))
            if current.count > 0 && current.count < UInt64(total) {
                sawPartial = true
                // ORDERING: relaxed; the writer only waits for the flag.
                readerSawPartial.store(true, ordering: .relaxed)
                // Queries stay inside the recorded range while the writer runs.
                let p99 = current.valueAtPercentile(99)
                #expect(p99 >= current.min && p99 <= current.max)
            }
            previous = current
        }
        group.wait()
        let final = histogram.snapshot()
        var expected = HistogramSnapshot()
        for i in 0..<total { expected.record(values[i & 4095]) }
        #expect(final == expected)
        #expect(snapshots > 0)
        #expect(sawPartial, "the reader never overlapped the writer (\(snapshots) snapshots)")
    }

    /// Two recorder threads record into one hop while a reader takes registry snapshots.
    @Test func registrySnapshotsMergeRecordersWhileTheyRecord() {
        let registry = TelemetryRegistry(hopCapacity: 4)
        let hop = registry.registerHop(.tickToOrder)
        let events = registry.registerCounter("events")
        let perThread = 500_000
        let group = DispatchGroup()
        for t in 0..<2 {
            DispatchQueue.global().async(group: group) {
                let recorder = registry.makeRecorder(name: "thread\(t)")
                for i in 0..<perThread {
                    recorder.record(hop, Int64(1_000 + (i % 5_000)))
                    recorder.increment(events)
                }
            }
        }
        var last: UInt64 = 0
        var lastCounter: UInt64 = 0
        while group.wait(timeout: .now() + .milliseconds(1)) == .timedOut {
            let s = registry.snapshot(hop)
            s.checkInvariants()
            #expect(s.count >= last)
            last = s.count
            let c = registry.value(of: events)
            #expect(c >= lastCounter)
            lastCounter = c
        }
        let s = registry.snapshot(hop)
        #expect(s.count == UInt64(2 * perThread))
        #expect(registry.value(of: events) == UInt64(2 * perThread))
        #expect(s.min == 1_000)
        #expect(s.max == 5_999)
        #expect(Set(registry.recorderNames) == ["thread0", "thread1"])
    }
}
