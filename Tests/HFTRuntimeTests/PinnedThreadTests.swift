import CSystemShims
import Synchronization
import Testing
@testable import HFTRuntime
#if canImport(Glibc)
import Glibc
#endif

/// A stage that counts its polls and records where it ran.
actor ProbeStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    var polls = 0
    var pollTid: Int32 = 0
    var startTid: Int32 = 0
    /// Written by `onClose`, readable after the thread stopped (its jobs no longer run then).
    nonisolated let closeTid = Atomic<Int32>(0)
    var pokes = 0
    var assumedIsolatedEntries = 0
    /// Another stage on the same thread entered synchronously from this one's `doWork`.
    var neighbour: ProbeStage?
    /// Work reported per poll (0 makes the thread idle).
    var workPerPoll = 0

    init(on thread: PinnedThread) { pinnedExecutor = thread.executor }

    func doWork() -> Int {
        polls += 1
        if pollTid == 0 { pollTid = hft_gettid() }
        if let neighbour {
            neighbour.withPinnedIsolation { $0.pokes += 1 }
            if assumedIsolatedEntries == 0 {
                // The standard entry must also accept the pinned thread (isIsolatingCurrentContext).
                neighbour.assumeIsolated { $0.pokes += 1 }
                assumedIsolatedEntries += 1
            }
        }
        return workPerPoll
    }

    func onStart() { startTid = hft_gettid() }
    func onClose() { closeTid.store(hft_gettid(), ordering: .releasing) }

    func setNeighbour(_ stage: ProbeStage) { neighbour = stage }
    func setWork(_ work: Int) { workPerPoll = work }
    func whereAmI() -> (tid: Int32, cpu: Int32) { (hft_gettid(), hft_current_cpu()) }
    func snapshot() -> (polls: Int, pollTid: Int32, pokes: Int, startTid: Int32) {
        (polls, pollTid, pokes, startTid)
    }
}

/// A probe stage on a started thread (left running: exit tests end the process), or nil.
func startedProbeStage(name: String) -> ProbeStage? {
    guard let thread = try? PinnedThread(name: name, core: testCore(), idle: .backoff()) else { return nil }
    let stage = ProbeStage(on: thread)
    guard (try? thread.attach(stage)) != nil, (try? thread.start()) != nil else { return nil }
    return stage
}

/// The standard entry, from a synchronous context (it is unavailable in async ones).
func enterWithStandardAssumeIsolated(_ stage: ProbeStage) {
    stage.assumeIsolated { $0.pokes += 1 }
}

/// The kernel's name for a thread of this process (`/proc/self/task/<tid>/comm`).
func osThreadName(_ tid: Int32) -> String {
    let fd = open("/proc/self/task/\(tid)/comm", O_RDONLY)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return "" }
    return String(decoding: buffer[0..<count], as: UTF8.self).trimmingSuffix("\n")
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

/// The highest core this process may use (tests pin there; core 0 takes most interrupts).
func testCore() -> Int {
    let count = Int(hft_cpu_count())
    return (0..<count).last { hft_cpu_is_allowed(Int32($0)) } ?? 0
}

func waitUntil(timeoutMs: Int = 5_000, _ condition: () async -> Bool) async -> Bool {
    let deadline = hft_monotonic_ns() + Int64(timeoutMs) * 1_000_000
    while hft_monotonic_ns() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return await condition()
}

@Suite(.serialized)
struct PinnedThreadTests {
    @Test func dutyCyclePollsAgentsAndDrainsJobs() async throws {
        let thread = try PinnedThread(name: "t-duty", core: testCore(), idle: .backoff())
        let first = ProbeStage(on: thread)
        let second = ProbeStage(on: thread)
        try thread.attach(first)
        try thread.attach(second)
        #expect(thread.agentCount == 2)
        try thread.start()
        #expect(thread.state == .running)
        #expect(await waitUntil {
            let a = await first.snapshot().polls
            let b = await second.snapshot().polls
            return a > 50 && b > 50
        })
        let snapshot = await first.snapshot()
        #expect(snapshot.pollTid == thread.threadID)
        #expect(snapshot.startTid == thread.threadID)
        let jobsBefore = thread.executor.jobsEnqueued
        for _ in 0..<10 { await second.setWork(0) }
        #expect(thread.executor.jobsEnqueued >= jobsBefore + 10)
        thread.stop()
        #expect(thread.state == .stopped)
        let stats = thread.runStatistics
        #expect(stats.cycles > 50)
        #expect(stats.jobs >= 10)
        #expect(first.closeTid.load(ordering: .acquiring) == snapshot.pollTid)
        #expect(second.closeTid.load(ordering: .acquiring) == snapshot.pollTid)
        thread.stop()  // idempotent
    }

    @Test func controlAwaitRunsOnThePinnedThread() async throws {
        let core = testCore()
        let thread = try PinnedThread(name: "t-control", core: core, idle: .spinYield(maxSpins: 10))
        let stage = ProbeStage(on: thread)
        try thread.attach(stage)
        try thread.start()
        defer { thread.stop() }
        let here = hft_gettid()
        let there = await stage.whereAmI()
        #expect(there.tid == thread.threadID)
        #expect(there.tid != here)
        #expect(Int(there.cpu) == core)
    }

    @Test func controlAwaitAfterStopRunsOnTheCaller() async throws {
        let thread = try PinnedThread(name: "t-after", core: testCore(), idle: .backoff())
        let stage = ProbeStage(on: thread)
        try thread.attach(stage)
        try thread.start()
        let pinned = await stage.whereAmI().tid
        #expect(pinned == thread.threadID)
        thread.stop()
        // The pinned thread is gone: the job runs on the awaiting side instead of hanging.
        let after = await stage.whereAmI().tid
        #expect(after != pinned)
        let polls = await stage.snapshot().polls
        #expect(polls > 0)
        #expect(!thread.executor.isCurrentThread)
    }

    @Test func threadIsNamedAndPinned() async throws {
        let core = testCore()
        let thread = try PinnedThread(name: "pipeline-thread-with-a-long-name", core: core, idle: .backoff())
        try thread.attach(ProbeStage(on: thread))
        try thread.start()
        defer { thread.stop() }
        let comm = osThreadName(thread.threadID)
        #expect(comm == "pipeline-thread", "the OS name is the first 15 bytes")
        var allowed = cpu_set_t()
        #expect(sched_getaffinity(pid_t(thread.threadID), MemoryLayout<cpu_set_t>.size, &allowed) == 0)
        let onlyCore = withUnsafeBytes(of: &allowed) { bytes in
            (0..<(bytes.count * 8)).filter { bytes[$0 / 8] & (1 << UInt8($0 % 8)) != 0 }
        }
        #expect(onlyCore == [core])
    }

    /// A backoff thread asks the kernel for a timer slack of half its shortest park (the default
    /// 50 µs would stretch every park to ≈ 50 µs); a busy-spinning thread keeps the default.
    @Test func backoffThreadsTightenTheirTimerSlack() async throws {
        func slack(_ tid: Int32) -> Int? {
            let fd = open("/proc/\(tid)/timerslack_ns", O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: 32)
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, 32) }
            guard n > 0 else { return nil }
            return Int(String(decoding: bytes[0..<n].filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
        }
        let parked = try PinnedThread(name: "t-slack", core: testCore(), idle: .backoff(.init(minParkNanos: 2_000)))
        try parked.attach(ProbeStage(on: parked))
        try parked.start()
        defer { parked.stop() }
        let own = slack(hft_gettid())
        try #require(own != nil, "no /proc/<tid>/timerslack_ns on this kernel")
        #expect(slack(parked.threadID) == 1_000)
        #expect(own != 1_000)
    }

    @Test func jobsEnqueuedBeforeStartRunOnceStarted() async throws {
        let thread = try PinnedThread(name: "t-early", core: testCore(), idle: .backoff())
        let stage = ProbeStage(on: thread)
        try thread.attach(stage)
        async let early = stage.whereAmI()
        try await Task.sleep(for: .milliseconds(20))
        try thread.start()
        defer { thread.stop() }
        #expect(await early.tid == thread.threadID)
    }

    @Test func enteringAnActorFromItsOwnPinnedThreadWorks() async throws {
        let thread = try PinnedThread(name: "t-enter", core: testCore(), idle: .backoff())
        let caller = ProbeStage(on: thread)
        let callee = ProbeStage(on: thread)
        try thread.attach(caller)
        try thread.attach(callee)
        try thread.start()
        defer { thread.stop() }
        await caller.setNeighbour(callee)
        #expect(await waitUntil { await callee.snapshot().pokes > 100 })
        let callerPolls = await caller.snapshot().polls
        #expect(callerPolls > 0)
        #expect(await caller.assumedIsolatedEntries == 1)
        #expect(!thread.executor.isCurrentThread)
    }

    @Test func enteringAnActorFromAnotherThreadTraps() async throws {
        // fatalError is `ud2` (SIGILL) on x86-64; a set-up failure would exit 3 instead, and a
        // missing check would exit 0, so only the trap passes.
        await #expect(processExitsWith: .signal(SIGILL)) {
            guard let stage = startedProbeStage(name: "t-trap") else { exit(3) }
            // Not the pinned thread: must trap, not run.
            stage.withPinnedIsolation { $0.pokes += 1 }
            exit(0)
        }
    }

    @Test func standardAssumeIsolatedFromAnotherThreadTraps() async throws {
        await #expect(processExitsWith: .signal(SIGILL)) {
            guard let stage = startedProbeStage(name: "t-assume") else { exit(3) }
            enterWithStandardAssumeIsolated(stage)
            exit(0)
        }
    }

    @Test func exitTestsRunInAChildProcess() async throws {
        let parent: Int32 = getpid()
        // If the body ran in this process, exit(42) would end the whole test run.
        await #expect(processExitsWith: .exitCode(42)) { [parent = parent as Int32] in
            let me: Int32 = getpid()
            let up: Int32 = getppid()
            if me != parent && up == parent { exit(42) }
            exit(1)
        }
    }

    @Test func nonexistentCoreIsATypedError() {
        let cpus = Int(hft_cpu_count())
        #expect(throws: PinnedThreadError.coreDoesNotExist(core: cpus, cpuCount: cpus)) {
            try PinnedThread(name: "t-missing", core: cpus)
        }
        #expect(throws: PinnedThreadError.coreDoesNotExist(core: -1, cpuCount: cpus)) {
            try PinnedThread(name: "t-negative", core: -1)
        }
        #expect(throws: PinnedThreadError.self) {
            try PinnedThread(name: "t-idle", core: 0, idle: .backoff(.init(minParkNanos: 0)))
        }
    }

    @Test func coreOutsideTheAllowedSetIsATypedError() async throws {
        guard hft_cpu_count() >= 2 else { return }
        await #expect(processExitsWith: .success) {
            var set = cpu_set_t()
            // SAFETY: cpu_set_t is a plain bit array; bit 0 = CPU 0.
            withUnsafeMutableBytes(of: &set) { $0.storeBytes(of: UInt8(1), toByteOffset: 0, as: UInt8.self) }
            guard sched_setaffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0 else { exit(2) }
            do throws(PinnedThreadError) {
                _ = try PinnedThread(name: "t-denied", core: 1)
                exit(3)
            } catch .coreNotAllowed(core: 1) {
                exit(0)
            } catch {
                exit(4)
            }
        }
    }

    @Test func attachRulesAreEnforced() throws {
        let thread = try PinnedThread(name: "t-attach", core: testCore(), idle: .backoff())
        let other = try PinnedThread(name: "t-other", core: testCore(), idle: .backoff())
        let foreign = ProbeStage(on: other)
        #expect(throws: PinnedThreadError.agentOnAnotherExecutor(agent: "ProbeStage", executor: "t-other")) {
            try thread.attach(foreign)
        }
        try thread.start()
        #expect(throws: PinnedThreadError.alreadyStarted(thread: "t-attach")) {
            try thread.attach(ProbeStage(on: thread))
        }
        #expect(throws: PinnedThreadError.alreadyStarted(thread: "t-attach")) { try thread.start() }
        thread.stop()
        #expect(thread.state == .stopped)
        other.stop()  // never started: no-op
        #expect(other.state == .created)
    }

    @Test func busySpinThreadStartsAndStopsBriefly() async throws {
        let thread = try PinnedThread(name: "t-spin", core: testCore(), idle: .busySpin)
        let stage = ProbeStage(on: thread)
        try thread.attach(stage)
        try thread.start()
        #expect(await waitUntil(timeoutMs: 10_000) { await stage.snapshot().polls > 1_000 })
        thread.stop()
        #expect(thread.runStatistics.cycles > 1_000)
    }
}
