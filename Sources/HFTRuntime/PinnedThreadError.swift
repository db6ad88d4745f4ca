/// Why a `PinnedThread` could not be created, configured or started.
public enum PinnedThreadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The core number is negative or not below the number of online CPUs.
    case coreDoesNotExist(core: Int, cpuCount: Int)
    /// The core exists but is outside this process's allowed CPU set (taskset, cgroup cpuset).
    case coreNotAllowed(core: Int)
    /// `pthread_setaffinity_np` failed on the new thread with this errno.
    case pinFailed(core: Int, errno: Int32)
    /// `pthread_create` failed with this errno.
    case threadCreationFailed(errno: Int32)
    /// The idle strategy's parameters are unusable.
    case invalidIdleStrategy(reason: String)
    /// The agent's `pinnedExecutor` is not this thread's executor.
    case agentOnAnotherExecutor(agent: String, executor: String)
    /// Agents can only be attached, and a thread only started, before its first start.
    case alreadyStarted(thread: String)

    public var description: String {
        switch self {
        case .coreDoesNotExist(let core, let cpuCount):
            "core \(core) does not exist (this machine has \(cpuCount) online CPUs: 0...\(cpuCount - 1))"
        case .coreNotAllowed(let core):
            "core \(core) is not in this process's allowed CPU set (check taskset / cgroup cpuset)"
        case .pinFailed(let core, let errno):
            "pinning to core \(core) failed (errno \(errno))"
        case .threadCreationFailed(let errno):
            "pthread_create failed (errno \(errno))"
        case .invalidIdleStrategy(let reason):
            "invalid idle strategy: \(reason)"
        case .agentOnAnotherExecutor(let agent, let executor):
            "agent \(agent) runs on executor '\(executor)', not on this thread"
        case .alreadyStarted(let thread):
            "thread '\(thread)' has already been started"
        }
    }
}
