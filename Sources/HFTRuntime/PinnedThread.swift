import Atomics
import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// An OS thread bound to one core that runs a duty cycle over its agents:
/// poll every agent (`doWork()`) → run queued control-plane jobs → idle.
///
/// Lifecycle: `init` (validates the core) → `attach` agents → `start()` (creates the thread,
/// pins it, waits until pinned) → … → `stop()` (asks the loop to leave, joins). A thread runs
/// once; create a new one to run again.
///
/// The loop is specialized for the configured idle strategy at start (one switch), so each
/// cycle is: one vtable call per agent, one acquire load of the executor's signal word, and the
/// idle step. No allocation, lock or ARC traffic while there are no control jobs.
///
/// - Warning: a started thread keeps itself alive until `stop()`. After `stop()`, control jobs
///   run on the thread that enqueues them (see `PinnedExecutor.enqueue`), no longer pinned.
public final class PinnedThread: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): `slots`/`pollList` are written only before start (under
    // `lifecycle`) and read by the pinned thread after `pthread_create`, which orders them;
    // `state`, `tid` and run statistics are atomics or written before `pthread_join` returns.

    /// What a finished run did; read after `stop()`.
    public struct RunStatistics: Sendable, Hashable {
        /// Duty cycles executed.
        public var cycles: UInt64
        /// Sum of the agents' `doWork()` results.
        public var work: UInt64
        /// Control-plane jobs run.
        public var jobs: UInt64
        /// Durations of the idle cycles (spinning idle strategies only; empty for `backoff`,
        /// whose idle cycles park on purpose).
        public var jitter = ThreadJitter()
    }

    /// Where the thread is in its lifecycle.
    public enum State: Int, Sendable {
        case created = 0, starting, running, stopped, failed
    }

    /// The thread's name (the OS truncates it to 15 bytes).
    public let name: String
    /// The core the thread is pinned to.
    public let core: Int
    /// The idle strategy the duty cycle uses.
    public let idleStrategy: IdleStrategyConfig
    /// The executor agents on this thread must return from `unownedExecutor`.
    public let executor: PinnedExecutor

    private let lifecycle: UnsafeMutablePointer<pthread_mutex_t>
    private let stateCell: UnsafeAtomic<Int>
    private let tidCell: UnsafeAtomic<Int>
    private let pinErrno: UnsafeAtomic<Int>
    private var slots: [AgentSlot] = []
    /// Unmanaged views of `slots` for the loop: no retain/release per poll.
    private var pollList: UnsafeMutableBufferPointer<Unmanaged<AgentSlot>> = .init(start: nil, count: 0)
    private var handle: pthread_t = 0
    private var statistics = RunStatistics(cycles: 0, work: 0, jobs: 0)
    private let jitterCells = ThreadJitterCells()

    /// Creates a thread (not yet started) for `core` with the given idle strategy.
    /// - Throws: `.coreDoesNotExist`, `.coreNotAllowed`, `.invalidIdleStrategy`.
    public init(name: String, core: Int, idle: IdleStrategyConfig = .backoff()) throws(PinnedThreadError) {
        try Self.checkCore(core)
        if let reason = idle.validate() { throw .invalidIdleStrategy(reason: reason) }
        self.name = name
        self.core = core
        self.idleStrategy = idle
        self.executor = PinnedExecutor(name: name)
        lifecycle = .allocate(capacity: 1)
        lifecycle.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lifecycle, nil)
        stateCell = .create(State.created.rawValue)
        tidCell = .create(0)
        pinErrno = .create(0)
    }

    deinit {
        pollList.deallocate()
        pthread_mutex_destroy(lifecycle)
        lifecycle.deinitialize(count: 1)
        lifecycle.deallocate()
        stateCell.destroy()
        tidCell.destroy()
        pinErrno.destroy()
    }

    /// Checks that `core` exists and is in the allowed CPU set.
    public static func checkCore(_ core: Int) throws(PinnedThreadError) {
        let cpuCount = Int(hft_cpu_count())
        if core < 0 || core >= cpuCount { throw .coreDoesNotExist(core: core, cpuCount: cpuCount) }
        if !hft_cpu_is_allowed(Int32(core)) { throw .coreNotAllowed(core: core) }
    }

    /// The lifecycle state.
    public var state: State {
        // ORDERING: acquire; pairs with the pinned thread's release stores.
        State(rawValue: stateCell.load(ordering: .acquiring)) ?? .failed
    }

    /// The kernel thread id while running (0 before start).
    public var threadID: Int32 {
        // ORDERING: acquire; published by the release store of `.running`.
        Int32(truncatingIfNeeded: tidCell.load(ordering: .acquiring))
    }

    /// Number of attached agents.
    public var agentCount: Int {
        pthread_mutex_lock(lifecycle)
        defer { pthread_mutex_unlock(lifecycle) }
        return slots.count
    }

    /// The idle-cycle jitter measured so far (spinning idle strategies; empty for `backoff`):
    /// readable from any thread while the thread runs (`/metrics`), final after `stop()`.
    public var jitter: ThreadJitter { jitterCells.snapshot() }

    /// Statistics of the finished run; zero until `stop()` returned.
    public var runStatistics: RunStatistics {
        pthread_mutex_lock(lifecycle)
        defer { pthread_mutex_unlock(lifecycle) }
        return statistics
    }

    /// Adds an agent to the duty cycle (polled in attach order). Before `start()` only.
    /// - Throws: `.agentOnAnotherExecutor` unless `agent.pinnedExecutor === executor`;
    ///   `.alreadyStarted` after `start()`.
    public func attach<A: Agent>(_ agent: A) throws(PinnedThreadError) {
        pthread_mutex_lock(lifecycle)
        defer { pthread_mutex_unlock(lifecycle) }
        if state != .created { throw .alreadyStarted(thread: name) }
        if agent.pinnedExecutor !== executor {
            throw .agentOnAnotherExecutor(agent: String(describing: A.self), executor: agent.pinnedExecutor.name)
        }
        slots.append(TypedAgentSlot(agent))
    }

    /// Makes the calling thread this thread's executor (instead of `start`), so the caller can
    /// drive the agents' `doWork` itself through `withPinnedIsolation`: single-stepping replays
    /// and benchmarks that must count every allocation of the duty cycle on one thread.
    /// - Precondition: never started, and never started afterwards; the caller is not pinned.
    public func adoptCallingThread() throws(PinnedThreadError) {
        pthread_mutex_lock(lifecycle)
        defer { pthread_mutex_unlock(lifecycle) }
        if state != .created { throw .alreadyStarted(thread: name) }
        // ORDERING: release; no other thread runs this executor.
        stateCell.store(State.failed.rawValue, ordering: .releasing)
        executor.bindToCurrentThread()
    }

    /// Creates the OS thread, pins it to `core`, names it, and returns once it runs its duty
    /// cycle (after the agents' `onStart`).
    /// - Throws: `.alreadyStarted`, `.threadCreationFailed`, `.pinFailed` (the thread is joined).
    public func start() throws(PinnedThreadError) {
        pthread_mutex_lock(lifecycle)
        defer { pthread_mutex_unlock(lifecycle) }
        if state != .created { throw .alreadyStarted(thread: name) }
        pollList = .allocate(capacity: slots.count)
        for (index, slot) in slots.enumerated() {
            // SAFETY: `slots` keeps every slot alive for the thread's lifetime; the list only
            // borrows them.
            pollList.initializeElement(at: index, to: Unmanaged.passUnretained(slot))
        }
        executor.clearStop()
        // ORDERING: release; the new thread observes it through pthread_create anyway.
        stateCell.store(State.starting.rawValue, ordering: .releasing)
        let context = Unmanaged.passRetained(self).toOpaque()
        var created: pthread_t = 0
        let rc = pthread_create(&created, nil, { raw in
            // SAFETY: `raw` is the +1 reference passed by `start()`; released when the loop ends.
            let thread = Unmanaged<PinnedThread>.fromOpaque(raw!).takeRetainedValue()
            thread.threadMain()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<PinnedThread>.fromOpaque(context).release()
            // ORDERING: release; no thread exists, this only publishes the state to readers.
            stateCell.store(State.failed.rawValue, ordering: .releasing)
            throw .threadCreationFailed(errno: rc)
        }
        handle = created
        // Cold path: wait for the thread to report pinned (or failed) with short sleeps.
        while true {
            let current = state
            if current == .running { return }
            if current == .failed {
                pthread_join(handle, nil)
                // ORDERING: relaxed; pthread_join orders the errno store before this load.
                throw .pinFailed(core: core, errno: Int32(pinErrno.load(ordering: .relaxed)))
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 20_000)
            _ = nanosleep(&pause, nil)
        }
    }

    /// Asks the duty cycle to finish (it runs the jobs already queued and the agents' `onClose`)
    /// and joins the thread. Idempotent; a no-op when never started.
    /// - Precondition: not called from the pinned thread itself.
    public func stop() {
        pthread_mutex_lock(lifecycle)
        defer { pthread_mutex_unlock(lifecycle) }
        let current = state
        guard current == .running else { return }
        if executor.isCurrentThread { fatalError("PinnedThread.stop() called from its own thread '\(name)'") }
        executor.requestStop()
        pthread_join(handle, nil)
        // ORDERING: release; after join, for readers of `state`.
        stateCell.store(State.stopped.rawValue, ordering: .releasing)
    }

    private func threadMain() {
        let rc = hft_pin_current_thread(Int32(core))
        if rc != 0 {
            // ORDERING: relaxed then release; `start()` reads the errno after seeing `.failed`.
            pinErrno.store(Int(rc), ordering: .relaxed)
            stateCell.store(State.failed.rawValue, ordering: .releasing)
            return
        }
        // The kernel keeps 15 bytes (pthread_setname_np fails with ERANGE beyond): truncate.
        var osName = Array(name.utf8.prefix(15))
        osName.append(0)
        _ = osName.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { hft_set_thread_name($0.baseAddress!) }
        }
        if case .backoff(let parameters) = idleStrategy {
            // Parks must wake when asked: the default 50 µs timer slack would stretch every park
            // (from 1 µs up) to ≈ 50 µs and put that on the path of the next frame.
            _ = hft_set_timer_slack(UInt64(max(1, parameters.minParkNanos / 2)))
        }
        executor.bindToCurrentThread()
        // ORDERING: relaxed; published by the release store of `.running` below.
        tidCell.store(Int(hft_gettid()), ordering: .relaxed)
        for slot in pollList { slot._withUnsafeGuaranteedRef { $0.start() } }
        // ORDERING: release; `start()` returns once it sees this.
        stateCell.store(State.running.rawValue, ordering: .releasing)
        var result: RunStatistics
        switch idleStrategy {
        case .busySpin:
            var idle = BusySpinIdleStrategy()
            result = runDutyCycle(&idle)
        case .spinYield(let maxSpins):
            var idle = SpinYieldIdleStrategy(maxSpins: maxSpins)
            result = runDutyCycle(&idle)
        case .backoff(let parameters):
            var idle = BackoffIdleStrategy(parameters)
            result = runDutyCycle(&idle)
        }
        result.jobs &+= UInt64(executor.drainJobs())
        for slot in pollList { slot._withUnsafeGuaranteedRef { $0.close() } }
        result.jobs &+= UInt64(executor.close())
        // `stop()` holds `lifecycle` while joining; it reads `statistics` only after join.
        statistics = result
    }

    /// The duty cycle, specialized per idle strategy.
    @inline(never)
    private func runDutyCycle<Idle: IdleStrategy>(_ idle: inout Idle) -> RunStatistics {
        executor.assertOnPinnedThread()
        let agents = pollList
        var cycles: UInt64 = 0
        var totalWork: UInt64 = 0
        var totalJobs: UInt64 = 0
        let measuresJitter = idleStrategy.spins
        var cycleStart = hft_rdtsc()
        if measuresJitter { jitterCells.begin(ticks: cycleStart, nanos: hft_monotonic_ns()) }
        while true {
            var work = 0
            for slot in agents {
                // SAFETY: the slot is kept alive by `slots`; guaranteed-ref access avoids
                // retain/release per poll.
                work &+= slot._withUnsafeGuaranteedRef { $0.doWork() }
            }
            let signals = executor.pendingSignals
            if signals != 0 {
                if signals & PinnedExecutor.jobsPending != 0 {
                    let jobs = executor.drainJobs()
                    totalJobs &+= UInt64(jobs)
                    work &+= jobs
                }
                if signals & PinnedExecutor.stopRequested != 0 { break }
            }
            cycles &+= 1
            totalWork &+= UInt64(work)
            idle.idle(workCount: work)
            if measuresJitter {
                // An idle cycle's length (the spin step included); a cycle that did work is not a gap.
                let now = hft_rdtsc()
                if work == 0 { jitterCells.record(now &- cycleStart) }
                cycleStart = now
            }
        }
        var result = RunStatistics(cycles: cycles, work: totalWork, jobs: totalJobs)
        if measuresJitter {
            jitterCells.end(ticks: hft_rdtsc(), nanos: hft_monotonic_ns())
            result.jitter = jitterCells.snapshot()
        }
        return result
    }
}
