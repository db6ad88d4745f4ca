/// Why a `Topology` cannot run on this machine or is inconsistent.
public enum TopologyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The topology has no threads.
    case noThreads
    /// Two threads share a name (names identify threads in config, logs and reports).
    case duplicateThreadName(String)
    /// A thread has no stages to run.
    case emptyThread(thread: String)
    /// A thread asks for a core that is negative or not below the number of online CPUs.
    case coreDoesNotExist(thread: String, core: Int, cpuCount: Int)
    /// A thread asks for a core outside this process's allowed CPU set.
    case coreNotAllowed(thread: String, core: Int)
    /// A stage is placed on more than one thread (or twice on one).
    case duplicateStage(stage: String, threads: [String])
    /// A stage name is not one the engine knows.
    case unknownStage(stage: String, thread: String)
    /// A thread's idle strategy parameters are unusable.
    case invalidIdleStrategy(thread: String, reason: String)

    public var description: String {
        switch self {
        case .noThreads:
            "topology has no threads"
        case .duplicateThreadName(let name):
            "thread name '\(name)' is used more than once"
        case .emptyThread(let thread):
            "thread '\(thread)' runs no stages"
        case .coreDoesNotExist(let thread, let core, let cpuCount):
            "thread '\(thread)' wants core \(core), which does not exist (\(cpuCount) online CPUs: 0...\(cpuCount - 1))"
        case .coreNotAllowed(let thread, let core):
            "thread '\(thread)' wants core \(core), which is not in this process's allowed CPU set"
        case .duplicateStage(let stage, let threads):
            "stage '\(stage)' is placed more than once (threads: \(threads.joined(separator: ", ")))"
        case .unknownStage(let stage, let thread):
            "thread '\(thread)' names unknown stage '\(stage)'"
        case .invalidIdleStrategy(let thread, let reason):
            "thread '\(thread)': \(reason)"
        }
    }
}

/// A topology that can run but will perform badly; the caller logs it (and may apply
/// `TopologyValidation.effective`, which fixes what it can).
public enum TopologyWarning: Sendable, Hashable, CustomStringConvertible {
    /// More busy-spinning threads than free cores: spinning threads would starve everything else
    /// (16–32 ms stalls measured on this 2-core VM). `effective` switches them to backoff.
    case busySpinOversubscribed(spinningThreads: Int, freeCores: Int)
    /// A busy-spinning thread shares its core with another thread of the topology; hand-offs
    /// between them take scheduler ticks (8 ms measured). `effective` switches it to backoff.
    case busySpinSharesCore(thread: String, core: Int)

    public var description: String {
        switch self {
        case .busySpinOversubscribed(let spinning, let free):
            "\(spinning) busySpin threads but only \(free) free cores: using backoff when cores are short"
        case .busySpinSharesCore(let thread, let core):
            "busySpin thread '\(thread)' shares core \(core) with another thread: using backoff"
        }
    }
}
