import CSystemShims
import Synchronization
import Testing
@testable import HFTRuntime

/// A stage that is idle (returns 0) and, every `stallEvery`-th poll, busy-waits `stallNanos`
/// first: a stand-in for an interrupt or a preemption, which the duty cycle sees only as an idle
/// cycle that took long.
actor StallingStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    let stallEvery: Int
    let stallNanos: Int64
    var polls = 0
    /// Read without a control job (a job would make its cycle a working one).
    nonisolated let stalls = Atomic<Int>(0)

    init(on thread: PinnedThread, every: Int, nanos: Int64) {
        pinnedExecutor = thread.executor
        stallEvery = every
        stallNanos = nanos
    }

    func doWork() -> Int {
        polls += 1
        if polls % stallEvery == 0 {
            let until = hft_monotonic_ns() + stallNanos
            while hft_monotonic_ns() < until {}
            // ORDERING: relaxed; the test reads it after `stop()` joined the thread.
            stalls.add(1, ordering: .relaxed)
        }
        return 0
    }

    func pollCount() -> Int { polls }
}

@Suite(.serialized) struct ThreadJitterTests {
    @Test func bucketsArePowersOfTwoOfTicks() {
        #expect(ThreadJitter.bucket(ofTicks: 0) == 0)
        #expect(ThreadJitter.bucket(ofTicks: 1) == 0)
        #expect(ThreadJitter.bucket(ofTicks: 2) == 1 && ThreadJitter.bucket(ofTicks: 3) == 1)
        #expect(ThreadJitter.bucket(ofTicks: 1 << 20) == 20 && ThreadJitter.bucket(ofTicks: (1 << 21) - 1) == 20)
        #expect(ThreadJitter.bucket(ofTicks: .max) == ThreadJitter.bucketCount - 1)
    }

    @Test func recordedGapsAreCountedConvertedAndMerged() {
        let cells = ThreadJitterCells()
        #expect(cells.snapshot().idleCycles == 0 && cells.snapshot().observedNanos == 0)
        let startNanos = hft_monotonic_ns()
        cells.begin(ticks: hft_rdtsc(), nanos: startNanos)
        for _ in 0..<1_000 { cells.record(300) }        // bucket 8
        for _ in 0..<3 { cells.record(100_000) }        // bucket 16
        cells.record(5_000_000)                           // bucket 22
        var spin: UInt64 = 0
        while hft_monotonic_ns() - startNanos < 2_000_000 { spin &+= 1 }
        #expect(cells.snapshot().observedNanos >= 2_000_000)    // running: measured up to now
        cells.end(ticks: hft_rdtsc(), nanos: hft_monotonic_ns())
        var j = cells.snapshot()
        #expect(cells.snapshot() == j)                            // ended: frozen
        #expect(j.idleCycles == 1_004)
        #expect(j.buckets[8] == 1_000 && j.buckets[16] == 3 && j.buckets[22] == 1)
        #expect(j.bucketTicks[16] == 300_000)
        #expect(j.observedNanos >= 2_000_000)
        let rate = j.ticksPerNanosecond
        #expect(rate > 0.1 && rate < 10, "TSC ticks per ns: \(rate)")
        // Everything from bucket 16 up: 4 gaps, 5.3 M ticks.
        let (count, nanos) = j.gaps(fromBucket: 16)
        #expect(count == 4)
        #expect(abs(Double(nanos) - 5_300_000 / rate) < 2)
        #expect(j.firstBucket(atLeast: Int64(Double(1 << 16) / rate)) == 16)
        #expect(j.lowerEdgeNanos(j.firstBucket(atLeast: 10_000)) >= 10_000)
        #expect(j.longestBelowNanos == Int64(Double(1 << 23) / rate))
        j.merge(j)
        #expect(j.idleCycles == 2_008 && j.gaps(fromBucket: 16).count == 8 && abs(j.ticksPerNanosecond - rate) < 1e-9)
        #expect(ThreadJitter().gaps(fromBucket: 0) == (0, 0) && ThreadJitter().longestBelowNanos == 0)
    }

    /// A spinning thread whose stage stalls 200 µs every 2 000th poll: each stall is an idle
    /// cycle of ≥ 200 µs, so the gaps of at least 100 µs are at least the stalls (the machine may
    /// add its own), and their time at least the stalls' time. One stall may go unmeasured: the
    /// one in the cycle that saw the stop request.
    @Test func aSpinningThreadCountsItsStalledIdleCycles() async throws {
        let thread = try PinnedThread(name: "t-jitter", core: testCore(), idle: .busySpin)
        let stage = StallingStage(on: thread, every: 2_000, nanos: 200_000)
        try thread.attach(stage)
        try thread.start()
        for _ in 0..<500 where stage.stalls.load(ordering: .relaxed) < 20 { try await Task.sleep(for: .milliseconds(2)) }
        let live = thread.jitter                                  // read while it spins
        #expect(live.idleCycles > 0 && live.observedNanos > 0)
        thread.stop()
        let stalls = stage.stalls.load(ordering: .relaxed)
        #expect(stalls >= 20)
        let jitter = thread.runStatistics.jitter
        #expect(thread.jitter == jitter)
        #expect(jitter.idleCycles > 20_000)
        let first = jitter.firstBucket(atLeast: 100_000)
        let long = jitter.gaps(fromBucket: first)
        #expect(long.count + 1 >= UInt64(stalls), "\(long.count) gaps ≥ \(jitter.lowerEdgeNanos(first)) ns for \(stalls) stalls")
        #expect(long.nanos >= Int64(stalls - 1) * 200_000)
        #expect(jitter.longestBelowNanos > 200_000)
    }

    /// `backoff` parks on purpose when idle: its idle cycles are not gaps and are not measured.
    @Test func aParkingThreadMeasuresNothing() async throws {
        let thread = try PinnedThread(name: "t-nojitter", core: testCore(), idle: .backoff())
        let stage = StallingStage(on: thread, every: 1_000_000, nanos: 0)
        try thread.attach(stage)
        try thread.start()
        #expect(await waitUntil(timeoutMs: 10_000) { await stage.pollCount() > 100 })
        thread.stop()
        #expect(thread.runStatistics.jitter.idleCycles == 0)
    }
}
