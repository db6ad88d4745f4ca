/// A stage of the pipeline: an `actor` whose executor is one `PinnedThread`, polled by that
/// thread's duty cycle (agrona's `Agent`, with Swift actor isolation).
///
/// A conforming actor stores the executor of the thread it will run on and returns it from
/// `unownedExecutor` (the default implementation below does this):
/// ```swift
/// actor BookStage: Agent {
///     nonisolated let pinnedExecutor: PinnedExecutor
///     init(on thread: PinnedThread) { pinnedExecutor = thread.executor }
///     func doWork() -> Int { /* drain the input ring */ 0 }
/// }
/// ```
/// The thread calls `doWork()` synchronously on every cycle (no allocation, no ARC, no `await`);
/// control calls (`await stage.set(...)`) from other tasks become jobs the same thread runs
/// between polls, so all of the agent's state is touched by one thread only.
public protocol Agent: Actor {
    /// The executor of the pinned thread this agent runs on. Must never change.
    nonisolated var pinnedExecutor: PinnedExecutor { get }

    /// One duty-cycle step: polls inputs, does the work found, returns how much (0 = idle).
    /// Hot path: must not allocate, lock, log, throw or `await`.
    func doWork() -> Int

    /// Called on the pinned thread before the first `doWork()` (allocate NUMA-local state here).
    func onStart()

    /// Called on the pinned thread after the last `doWork()`.
    func onClose()
}

extension Agent {
    /// Runs the actor on its pinned thread's executor.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        pinnedExecutor.asUnownedSerialExecutor()
    }

    public func onStart() {}

    public func onClose() {}

    /// Runs `body` isolated to this agent, synchronously, on the calling thread: the
    /// allocation-free replacement for `assumeIsolated` on the pinned thread.
    ///
    /// - Complexity: one thread-identity check (a relaxed load and `pthread_self()`) and a direct
    ///   call; no allocation and no retain of `self` (the standard `assumeIsolated` costs
    ///   2 mallocs and 160–375 ns per call in Swift 6.3.1).
    /// - Warning: traps with `fatalError` (kept under `-Ounchecked`) unless the caller runs on
    ///   this agent's pinned thread.
    @inlinable @inline(__always)
    public nonisolated func withPinnedIsolation<R>(_ body: (isolated Self) -> R) -> R {
        if !pinnedExecutor.isCurrentThread { PinnedExecutor.wrongThread(pinnedExecutor.name) }
        // SAFETY: the check above proves we run on the only thread that executes this agent's
        // executor, and a pinned thread runs one thing at a time (a job or a duty-cycle step,
        // never both), so no other code is isolated to `self` right now. An `isolated`
        // parameter changes type checking only, not the calling convention, so the two
        // function types have the same representation. The trampoline captures nothing (no
        // context to allocate) and `body` is passed through non-escaping, so nothing is
        // allocated or retained; casting `body` itself (as `assumeIsolated` does) would need
        // `withoutActuallyEscaping` plus a reabstraction thunk: one `malloc` per call.
        typealias Isolated = (isolated Self, (isolated Self) -> R) -> R
        typealias Entered = (Self, (isolated Self) -> R) -> R
        let trampoline: Isolated = { agent, body in body(agent) }
        let enter = unsafeBitCast(trampoline, to: Entered.self)
        return enter(self, body)
    }
}

/// A type-erased handle on one attached agent, called by the duty cycle through a class vtable
/// (one indirect call per agent per cycle; no existential, no closure context per call).
@usableFromInline
class AgentSlot {
    /// Polls the agent once. Pinned thread only.
    func doWork() -> Int { fatalError("abstract") }
    /// Runs `onStart`. Pinned thread only.
    func start() { fatalError("abstract") }
    /// Runs `onClose`. Pinned thread only.
    func close() { fatalError("abstract") }
    /// The agent's executor, checked against the thread's at attach.
    var executor: PinnedExecutor { fatalError("abstract") }
}

/// The slot of one concrete agent type.
final class TypedAgentSlot<A: Agent>: AgentSlot {
    let agent: A
    /// `A.doWork` with the isolation erased, built once at attach (its context holds `A`'s
    /// metadata; calling it allocates nothing).
    let poll: (A) -> Int
    let open: (A) -> Void
    let shut: (A) -> Void

    init(_ agent: A) {
        self.agent = agent
        let isolatedPoll: (isolated A) -> Int = { $0.doWork() }
        let isolatedOpen: (isolated A) -> Void = { $0.onStart() }
        let isolatedShut: (isolated A) -> Void = { $0.onClose() }
        // SAFETY: these functions are only called by `PinnedThread`'s run loop, which runs on
        // the agent's pinned thread and executes nothing else meanwhile (see `withPinnedIsolation`);
        // `isolated` does not change the function representation.
        poll = unsafeBitCast(isolatedPoll, to: ((A) -> Int).self)
        open = unsafeBitCast(isolatedOpen, to: ((A) -> Void).self)
        shut = unsafeBitCast(isolatedShut, to: ((A) -> Void).self)
    }

    override func doWork() -> Int { poll(agent) }
    override func start() { open(agent) }
    override func close() { shut(agent) }
    override var executor: PinnedExecutor { agent.pinnedExecutor }
}
