import Atomics
import Benchmark
import CSystemShims
import HFTPrimitives
import HFTRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The stage the benchmarks enter: one counter, bumped synchronously or by control `await`.
actor CounterStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    var count: UInt64 = 0

    init(executor: PinnedExecutor) { pinnedExecutor = executor }

    func doWork() -> Int { 0 }

    /// The control-plane call measured by `ControlAwait.*`.
    func bump() { count &+= 1 }
}

/// How the driver enters `CounterStage` in a batch.
enum EntryMode: Int {
    /// `Agent.withPinnedIsolation`: thread check + bit-cast isolated call.
    case pinnedIsolation = 1
    /// The standard library's `Actor.assumeIsolated`.
    case assumeIsolated = 2
}

/// Runs batches of synchronous entries on the pinned thread when the benchmark thread asks:
/// the entries must happen on the stage's own thread, so the benchmark thread hands over the
/// iteration count and waits. Malloc and retain counters are process-wide, so they cover the
/// pinned thread's duty cycle (polls, idle) as well as the entries.
actor DriverStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    nonisolated let target: CounterStage
    /// Requested `EntryMode` raw value, 0 when idle.
    nonisolated let request: UnsafeAtomic<Int>
    nonisolated let iterations: UnsafeAtomic<Int>
    nonisolated let completed: UnsafeAtomic<Int>

    init(executor: PinnedExecutor, target: CounterStage) {
        pinnedExecutor = executor
        self.target = target
        request = .create(0)
        iterations = .create(0)
        completed = .create(0)
    }

    func doWork() -> Int {
        // ORDERING: acquire; pairs with the benchmark thread's release of the request.
        let mode = request.load(ordering: .acquiring)
        if mode == 0 { return 0 }
        // ORDERING: relaxed; published by the acquire above.
        let count = iterations.load(ordering: .relaxed)
        let target = self.target
        if mode == EntryMode.pinnedIsolation.rawValue {
            for _ in 0..<count { target.withPinnedIsolation { $0.count &+= 1 } }
        } else {
            for _ in 0..<count { target.assumeIsolated { $0.count &+= 1 } }
        }
        // ORDERING: relaxed for the reset (only this thread reads it next), release for the
        // completion the benchmark thread waits for.
        request.store(0, ordering: .relaxed)
        completed.wrappingIncrement(ordering: .releasing)
        return count
    }

    /// Called from the benchmark thread: runs `count` entries on the pinned thread and waits.
    nonisolated func runBatch(_ mode: EntryMode, count: Int) {
        // ORDERING: acquire/relaxed/release: the iteration count is published by the request.
        let before = completed.load(ordering: .acquiring)
        iterations.store(count, ordering: .relaxed)
        request.store(mode.rawValue, ordering: .releasing)
        while completed.load(ordering: .acquiring) == before { hft_cpu_relax() }
    }
}

/// One pinned thread (core 1 when there is one) running the driver and the target stage.
final class Fixture: Sendable {
    let thread: PinnedThread
    let target: CounterStage
    let driver: DriverStage

    init() {
        let core = hft_cpu_count() >= 2 ? 1 : 0
        // Spins through back-to-back benchmark iterations, parks when the suite moves on.
        let idle = IdleStrategyConfig.backoff(.init(maxSpins: 200_000, maxYields: 1_000, minParkNanos: 10_000, maxParkNanos: 200_000))
        do {
            thread = try PinnedThread(name: "bench-pinned", core: core, idle: idle)
            target = CounterStage(executor: thread.executor)
            driver = DriverStage(executor: thread.executor, target: target)
            try thread.attach(driver)
            try thread.attach(target)
            try thread.start()
        } catch {
            fatalError("ExecutorBenchmarks: \(error)")
        }
    }
}

let fixture = Fixture()

let benchmarks: @Sendable () -> Void = {
    /// Any allocation, retain or release fails `thresholds check`.
    let zero = BenchmarkThresholds(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0])
    let counted: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .retainCount, .releaseCount]
    let hot = Benchmark.Configuration(
        metrics: counted,
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .mega,
        maxDuration: .seconds(2),
        maxIterations: 200,
        thresholds: [.mallocCountTotal: zero, .retainCount: zero, .releaseCount: zero]
    )
    let peer = Benchmark.Configuration(
        metrics: counted,
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 500
    )
    let control = Benchmark.Configuration(
        metrics: counted,
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 200
    )
    let clock = TSCClock.shared
    let _ = fixture

    Benchmark("SyncEntry.withPinnedIsolation", configuration: hot) { benchmark in
        fixture.driver.runBatch(.pinnedIsolation, count: benchmark.scaledIterations.count)
    }

    Benchmark("SyncEntry.assumeIsolated", configuration: peer) { benchmark in
        fixture.driver.runBatch(.assumeIsolated, count: benchmark.scaledIterations.count)
    }

    Benchmark("Clock.TSCClock.now", configuration: hot) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(clock.now()) }
    }

    Benchmark("Clock.clock_gettime", configuration: hot) { benchmark in
        for _ in benchmark.scaledIterations {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            blackHole(now.tv_nsec)
        }
    }

    Benchmark("Clock.ContinuousClock.now", configuration: hot) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ContinuousClock.now) }
    }

    Benchmark("ControlAwait.fromTask", configuration: control) { benchmark in
        for _ in benchmark.scaledIterations { await fixture.target.bump() }
    }

    Benchmark("ControlAwait.withTaskExecutorPreference", configuration: control) { benchmark in
        await withTaskExecutorPreference(fixture.thread.executor) {
            for _ in benchmark.scaledIterations { await fixture.target.bump() }
        }
    }
}
