import Foundation
import HFTRuntime

/// `hft tune check --jitter SECONDS`: what the configuration checks cannot see, measured. One
/// busy-spinning thread per core of the topology, all at once, each polling an agent that never
/// finds work, for the given time: an idle duty cycle costs about 0.1 µs, so one that took
/// ≥ 10 µs is time the core did not give the thread (an interrupt, the scheduler tick, another
/// task, the hypervisor), exactly what a frame arriving then would have waited (`ThreadJitter`).
///
/// The finding per core is `ok` when such gaps come at most once a second and none reaches
/// 100 µs, else `warn` with the isolation and IRQ fixes for that core. Spins every audited core
/// for the duration: run it when nothing else should run there.
public enum JitterProbe {
    /// Idle cycles at least this long (rounded up to a bucket edge) are gaps.
    public static let gapNanos: Int64 = 10_000
    /// Gaps per second a core that serves frames may show.
    public static let allowedGapsPerSecond = 1.0
    /// No gap may reach this.
    public static let longestAllowedNanos: Int64 = 100_000

    /// Spins on each of `cores` at once for `seconds`; the idle-cycle jitter per core, in `cores` order.
    /// - Throws: `PinnedThreadError` when a core does not exist or is not allowed.
    public static func measure(cores: [Int], seconds: Double) throws(PinnedThreadError) -> [(core: Int, jitter: ThreadJitter)] {
        var threads: [PinnedThread] = []
        defer { for t in threads { t.stop() } }
        for core in cores {
            let thread = try PinnedThread(name: "hft-jitter-\(core)", core: core, idle: .busySpin)
            try thread.attach(IdleAgent(on: thread))
            threads.append(thread)
        }
        for t in threads { try t.start() }
        Thread.sleep(forTimeInterval: max(0, seconds))
        for t in threads { t.stop() }
        return zip(cores, threads).map { ($0, $1.runStatistics.jitter) }
    }

    /// The finding for `core` from its measured jitter.
    public static func finding(core: Int, jitter: ThreadJitter) -> HostFinding {
        let first = jitter.firstBucket(atLeast: gapNanos)
        let (count, nanos) = jitter.gaps(fromBucket: first)
        let seconds = Double(jitter.observedNanos) / 1e9
        let perSecond = seconds > 0 ? Double(count) / seconds : 0
        let share = jitter.observedNanos > 0 ? 100 * Double(nanos) / Double(jitter.observedNanos) : 0
        let edge = Int64(jitter.lowerEdgeNanos(first))
        let observed = "core \(core): \(count) gaps ≥ \(edge / 1_000) µs in \(String(format: "%.1f", seconds)) s "
            + "(\(String(format: "%.1f", perSecond))/s, \(String(format: "%.3f", share)) % of the time), longest < \(jitter.longestBelowNanos / 1_000) µs"
        let expected = "at most \(Int(allowedGapsPerSecond)) gap ≥ \(gapNanos / 1_000) µs per second and none ≥ \(longestAllowedNanos / 1_000) µs"
        guard jitter.idleCycles > 0, jitter.ticksPerNanosecond > 0 else {
            return HostFinding(severity: .warn, check: "jitter", observed: "core \(core): nothing measured (no TSC?)", expected: expected)
        }
        if perSecond <= allowedGapsPerSecond && jitter.longestBelowNanos <= longestAllowedNanos {
            return HostFinding(severity: .ok, check: "jitter", observed: observed, expected: expected)
        }
        let cores: Set<Int> = [core]
        return HostFinding(severity: .warn, check: "jitter", observed: observed, expected: expected,
                           fix: "isolate core \(core) and keep IRQs off it: \(HostAudit.isolationParameters(cores)) on the kernel command line "
                               + "(\(HostAudit.applyScript) --cores \(core) --only cmdline prints how), then \(HostAudit.applyScript) --cores \(core) --only irq --yes; "
                               + "on a VM, ask for dedicated (pinned, not overcommitted) vCPUs")
    }
}

/// An agent that never finds work: the probe's spinning thread measures only its own idle cycles.
actor IdleAgent: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor

    init(on thread: PinnedThread) { pinnedExecutor = thread.executor }

    func doWork() -> Int { 0 }
}
