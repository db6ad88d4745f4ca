import CSystemShims

/// Which threads exist, which core and idle strategy each gets, and which named stages each
/// runs. Config, not code: the engine builds `PinnedThread`s and agents from it.
///
/// Stages on one thread still talk through rings, so moving a stage to another thread changes
/// no code.
public struct Topology: Sendable, Hashable {
    /// One pinned thread of the topology.
    public struct Thread: Sendable, Hashable {
        /// Thread name (also the OS thread name, truncated to 15 bytes).
        public var name: String
        /// The core the thread is pinned to.
        public var core: Int
        /// How the thread waits when idle.
        public var idle: IdleStrategyConfig
        /// Stage names, polled in this order.
        public var stages: [String]

        public init(name: String, core: Int, idle: IdleStrategyConfig, stages: [String]) {
            self.name = name
            self.core = core
            self.idle = idle
            self.stages = stages
        }
    }

    /// The threads, in start order.
    public var threads: [Thread]

    public init(threads: [Thread]) {
        self.threads = threads
    }

    /// The stages of the hot path, upstream first.
    public static let pipelineStages = ["feed", "book", "signals", "strategy", "execution"]

    /// The thread that runs `stage`, if any.
    public func thread(running stage: String) -> Thread? {
        threads.first { $0.stages.contains(stage) }
    }

    /// The safe default for a machine with `cpuCount` cores, always with `backoff` idling:
    /// - 1 core: everything on core 0;
    /// - 2 cores: `feed` on core 0, `book+signals+strategy+execution` on core 1;
    /// - 3 cores: core 0 left to the OS, `feed` on 1, the rest on 2;
    /// - 4+ cores: core 0 left to the OS, `feed` on 1, `book+signals` on 2, `strategy+execution` on 3.
    public static func `default`(forCPUCount cpuCount: Int) -> Topology {
        let idle = IdleStrategyConfig.backoff()
        switch cpuCount {
        case ...1:
            return Topology(threads: [Thread(name: "pipeline", core: 0, idle: idle, stages: pipelineStages)])
        case 2:
            return Topology(threads: [
                Thread(name: "feed", core: 0, idle: idle, stages: ["feed"]),
                Thread(name: "pipeline", core: 1, idle: idle, stages: ["book", "signals", "strategy", "execution"]),
            ])
        case 3:
            return Topology(threads: [
                Thread(name: "feed", core: 1, idle: idle, stages: ["feed"]),
                Thread(name: "pipeline", core: 2, idle: idle, stages: ["book", "signals", "strategy", "execution"]),
            ])
        default:
            return Topology(threads: [
                Thread(name: "feed", core: 1, idle: idle, stages: ["feed"]),
                Thread(name: "book", core: 2, idle: idle, stages: ["book", "signals"]),
                Thread(name: "trade", core: 3, idle: idle, stages: ["strategy", "execution"]),
            ])
        }
    }

    /// The colocation profile: each stage on its own core with `busySpin`, stage `i` on core
    /// `firstCore + i` (leave core 0 and the housekeeping cores out with `firstCore`; isolate the
    /// cores with `isolcpus`/`nohz_full`, see `Tuning/`).
    public static func colo(stages: [String] = pipelineStages, firstCore: Int = 1) -> Topology {
        Topology(threads: stages.enumerated().map { index, stage in
            Thread(name: stage, core: firstCore + index, idle: .busySpin, stages: [stage])
        })
    }

    /// Checks the topology against a machine and returns the warnings plus the topology to run.
    ///
    /// - Parameters:
    ///   - cpuCount: online CPUs (default: this machine).
    ///   - allowedCores: cores this process may use (default: its affinity mask).
    ///   - knownStages: stage names the engine can build; `nil` accepts any name.
    ///   - reservedCores: cores kept for the OS, the main thread and unpinned threads when
    ///     counting free cores for busy-spinning threads.
    /// - Throws: the first `TopologyError` found, in thread order.
    public func validate(
        cpuCount: Int = Int(hft_cpu_count()),
        allowedCores: Set<Int>? = nil,
        knownStages: Set<String>? = nil,
        reservedCores: Int = 1
    ) throws(TopologyError) -> TopologyValidation {
        if threads.isEmpty { throw .noThreads }
        let allowed = allowedCores ?? Set((0..<cpuCount).filter { hft_cpu_is_allowed(Int32($0)) })
        var threadNames = Set<String>()
        var placement: [String: [String]] = [:]
        for thread in threads {
            if !threadNames.insert(thread.name).inserted { throw .duplicateThreadName(thread.name) }
            if thread.stages.isEmpty { throw .emptyThread(thread: thread.name) }
            if thread.core < 0 || thread.core >= cpuCount {
                throw .coreDoesNotExist(thread: thread.name, core: thread.core, cpuCount: cpuCount)
            }
            if !allowed.contains(thread.core) { throw .coreNotAllowed(thread: thread.name, core: thread.core) }
            if let reason = thread.idle.validate() { throw .invalidIdleStrategy(thread: thread.name, reason: reason) }
            for stage in thread.stages {
                if let known = knownStages, !known.contains(stage) {
                    throw .unknownStage(stage: stage, thread: thread.name)
                }
                placement[stage, default: []].append(thread.name)
            }
        }
        for thread in threads {
            for stage in thread.stages where placement[stage, default: []].count > 1 {
                throw .duplicateStage(stage: stage, threads: placement[stage, default: []])
            }
        }

        var warnings: [TopologyWarning] = []
        var effective = self
        var threadsPerCore: [Int: Int] = [:]
        for thread in threads { threadsPerCore[thread.core, default: 0] += 1 }
        for index in effective.threads.indices where effective.threads[index].idle.spins {
            let thread = effective.threads[index]
            if threadsPerCore[thread.core, default: 0] > 1 {
                warnings.append(.busySpinSharesCore(thread: thread.name, core: thread.core))
                effective.threads[index].idle = .backoff()
            }
        }
        let spinning = effective.threads.filter { $0.idle.spins }.count
        let freeCores = max(0, allowed.count - reservedCores)
        if spinning > freeCores {
            warnings.append(.busySpinOversubscribed(spinningThreads: spinning, freeCores: freeCores))
            for index in effective.threads.indices where effective.threads[index].idle.spins {
                effective.threads[index].idle = .backoff()
            }
        }
        return TopologyValidation(warnings: warnings, effective: effective)
    }
}

/// The result of `Topology.validate`: what to log and what to run.
public struct TopologyValidation: Sendable, Hashable {
    /// Problems that do not stop the topology from running; log each.
    public var warnings: [TopologyWarning]
    /// The topology with every warning's fix applied (busySpin → backoff when cores are short).
    public var effective: Topology
}
