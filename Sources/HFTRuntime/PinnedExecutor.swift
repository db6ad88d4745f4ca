import Atomics
import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// The serial (and task) executor of one `PinnedThread`: every job enqueued here runs on that
/// thread, between two polls of its duty cycle.
///
/// Agents (`actor` types conforming to `Agent`) return this executor from `unownedExecutor`, so
/// a control call such as `await book.setDepth(20)` from any task becomes a job the pinned thread
/// runs on its own core. Data never travels this way: an `await` from the global pool costs
/// 4–12 µs and allocates; rings carry data.
///
/// The queue is a mutex-protected pair of arrays (control plane only). The pinned thread's
/// "anything to do?" check is one acquire load of `signals`, with no lock while the queue is empty.
///
/// - Note: once the thread has stopped, a job enqueued here runs on the enqueuing thread
///   (serialized, see `enqueue`), so `await stage.finalStats()` after `stop()` still completes.
public final class PinnedExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // SAFETY (@unchecked Sendable): `signals` and `owner` are atomics; `incoming`, `closed` and
    // `callerDraining` are touched only under `mutex`; `draining` only by the thread that owns
    // the executor at the time (`drainJobs` checks): the pinned thread, or after close the one
    // caller that set `callerDraining`.

    /// Bit of `signals` set while `incoming` holds jobs.
    @usableFromInline static let jobsPending: UInt = 1
    /// Bit of `signals` set by `requestStop()`.
    @usableFromInline static let stopRequested: UInt = 2

    /// The name of the pinned thread, for diagnostics.
    public let name: String

    /// One cache-line-aligned block: `signals` in the first 128 bytes (written by producers),
    /// `owner` in the next 128 (written once per thread start).
    @usableFromInline let block: UnsafeMutableRawPointer
    @usableFromInline let signals: UnsafeAtomic<UInt>
    /// `pthread_self()` of the pinned thread while it runs, else 0.
    @usableFromInline let owner: UnsafeAtomic<UInt>

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var incoming: [UnownedJob] = []
    private var draining: [UnownedJob] = []
    private var enqueuedTotal: UInt64 = 0
    /// Set once the pinned thread has exited: jobs then run on the enqueuing thread.
    private var closed = false
    /// A thread is running jobs of the closed executor (guarded by `mutex`).
    private var callerDraining = false

    /// Creates an executor not yet bound to a thread; jobs enqueued now run once it is.
    public init(name: String) {
        self.name = name
        guard let raw = hft_aligned_alloc(CacheLine.padding, 2 * CacheLine.padding) else {
            fatalError("PinnedExecutor: out of memory")
        }
        block = raw
        // SAFETY: `raw` is 256 bytes aligned to 128, so both storages are aligned and disjoint.
        let signalsStorage = raw.bindMemory(to: UnsafeAtomic<UInt>.Storage.self, capacity: 1)
        signalsStorage.initialize(to: .init(0))
        signals = UnsafeAtomic(at: signalsStorage)
        // SAFETY: offset 128 lies inside the block and keeps the 128-byte alignment.
        let ownerStorage = (raw + CacheLine.padding).bindMemory(to: UnsafeAtomic<UInt>.Storage.self, capacity: 1)
        ownerStorage.initialize(to: .init(0))
        owner = UnsafeAtomic(at: ownerStorage)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        incoming.reserveCapacity(64)
        draining.reserveCapacity(64)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        // SAFETY: no other reference to this executor exists, so no thread touches the atomics;
        // their storage is trivial and lives in `block` (not `UnsafeAtomic.create`), so freeing
        // the block is the whole teardown (`destroy()` would free an interior pointer).
        free(block)
    }

    /// Whether the calling thread is this executor's pinned thread (one relaxed load and
    /// `pthread_self()`, ≈ 1 ns).
    @inlinable
    public var isCurrentThread: Bool {
        // ORDERING: relaxed; `owner` is written by the pinned thread itself before it runs any
        // agent code, so a thread that reads its own id here is that thread.
        let current = owner.load(ordering: .relaxed)
        return current != 0 && current == UInt(pthread_self())
    }

    /// Traps unless called on the pinned thread. Debug builds only; cost 0 in release.
    @inlinable
    public func assertOnPinnedThread(file: StaticString = #fileID, line: UInt = #line) {
        assert(isCurrentThread, "not on the pinned thread of \(name)", file: file, line: line)
    }

    /// Queues a job for the pinned thread. Takes a mutex; may allocate when the queue grows.
    ///
    /// After the thread has stopped, the enqueuing thread runs the queue itself, one job at a
    /// time (jobs enqueued meanwhile by other threads or by the jobs themselves join the same
    /// drain), so control calls made during shutdown complete instead of hanging.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(mutex)
        incoming.append(unowned)
        enqueuedTotal &+= 1
        if closed {
            if callerDraining {
                pthread_mutex_unlock(mutex)
                return
            }
            callerDraining = true
            pthread_mutex_unlock(mutex)
            // The runtime calls `enqueue` through an unowned executor reference, and a job run below
            // may drop the last strong reference to this executor (its actor, its thread): hold one
            // until the drain is over, or `runClosedQueue` would touch freed memory.
            let retained = Unmanaged.passRetained(self)
            runClosedQueue()
            retained.release()
            return
        }
        // ORDERING: release (inside the mutex); pairs with the pinned thread's acquire load of
        // `signals`, though the job array itself is handed over by the mutex.
        _ = signals.loadThenBitwiseOr(with: Self.jobsPending, ordering: .releasing)
        pthread_mutex_unlock(mutex)
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Whether the current context is isolated to this executor: true exactly on the pinned
    /// thread, which runs this executor's jobs and its agents' duty cycle, and nothing else.
    public func isIsolatingCurrentContext() -> Bool? {
        isCurrentThread
    }

    /// Traps (in every build configuration) unless called on the pinned thread.
    public func checkIsolated() {
        if !isCurrentThread { Self.wrongThread(name) }
    }

    /// The trap for an isolation violation; `fatalError` so that `-Ounchecked` keeps it.
    @usableFromInline @inline(never)
    static func wrongThread(_ name: String) -> Never {
        fatalError("agent isolated to pinned thread '\(name)' entered from another thread (tid \(hft_gettid()))")
    }

    /// Pending signal bits (`jobsPending`, `stopRequested`); one acquire load, no lock.
    @inlinable @inline(__always)
    var pendingSignals: UInt {
        // ORDERING: acquire; pairs with the releasing `bitwiseOr` of `enqueue`/`requestStop`.
        signals.load(ordering: .acquiring)
    }

    /// Binds the executor to the calling thread (called by the pinned thread at start).
    func bindToCurrentThread() {
        // ORDERING: release; publishes nothing else, `isCurrentThread` only compares identities.
        owner.store(UInt(pthread_self()), ordering: .releasing)
    }

    /// Asks the pinned thread to leave its duty cycle after the current cycle.
    func requestStop() {
        // ORDERING: release; pairs with the acquire in `pendingSignals`.
        _ = signals.loadThenBitwiseOr(with: Self.stopRequested, ordering: .releasing)
    }

    /// Clears a stop request so the executor can serve a new thread run.
    func clearStop() {
        // ORDERING: release; nobody else writes this bit while no thread runs.
        _ = signals.loadThenBitwiseAnd(with: ~Self.stopRequested, ordering: .releasing)
    }

    /// Runs every job queued so far; returns how many ran. Pinned thread only.
    func drainJobs() -> Int {
        if !isCurrentThread { Self.wrongThread(name) }
        pthread_mutex_lock(mutex)
        swap(&incoming, &draining)
        // ORDERING: relaxed inside the mutex; a later `enqueue` sets the bit again under it.
        _ = signals.loadThenBitwiseAnd(with: ~Self.jobsPending, ordering: .relaxed)
        pthread_mutex_unlock(mutex)
        let count = draining.count
        let serial = asUnownedSerialExecutor()
        let task = asUnownedTaskExecutor()
        for job in draining {
            job.runSynchronously(isolatedTo: serial, taskExecutor: task)
        }
        draining.removeAll(keepingCapacity: true)
        return count
    }

    /// Marks the executor closed and unbinds it (the pinned thread is exiting) after running
    /// any job still queued. Pinned thread only, after its last `drainJobs()`; returns the jobs
    /// it ran.
    func close() -> Int {
        if !isCurrentThread { Self.wrongThread(name) }
        var ran = 0
        while true {
            pthread_mutex_lock(mutex)
            if incoming.isEmpty {
                closed = true
                // ORDERING: relaxed inside the mutex; nobody polls the bit any more.
                _ = signals.loadThenBitwiseAnd(with: ~Self.jobsPending, ordering: .relaxed)
                // ORDERING: release inside the mutex; a caller that drains after close takes
                // the mutex first and then writes its own id.
                owner.store(0, ordering: .releasing)
                pthread_mutex_unlock(mutex)
                return ran
            }
            pthread_mutex_unlock(mutex)
            ran &+= drainJobs()
        }
    }

    /// Runs the queue of a closed executor on the calling thread until it is empty. The caller
    /// set `callerDraining`, so it is the only thread running this executor's jobs.
    private func runClosedQueue() {
        // ORDERING: relaxed; only this thread compares against its own id while it drains.
        owner.store(UInt(pthread_self()), ordering: .relaxed)
        while true {
            pthread_mutex_lock(mutex)
            if incoming.isEmpty {
                callerDraining = false
                pthread_mutex_unlock(mutex)
                break
            }
            pthread_mutex_unlock(mutex)
            _ = drainJobs()
        }
        // ORDERING: release; the next draining caller takes the mutex before writing its id.
        owner.store(0, ordering: .releasing)
    }

    /// Jobs enqueued since creation (control-plane telemetry).
    public var jobsEnqueued: UInt64 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return enqueuedTotal
    }
}
