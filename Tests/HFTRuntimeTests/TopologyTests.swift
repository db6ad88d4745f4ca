import CSystemShims
import Testing
@testable import HFTRuntime

@Suite struct TopologyTests {
    @Test func twoCoreDefaultSplitsFeedFromPipeline() throws {
        let topology = Topology.default(forCPUCount: 2)
        #expect(topology.threads.count == 2)
        #expect(topology.thread(running: "feed")?.core == 0)
        for stage in ["book", "signals", "strategy", "execution"] {
            #expect(topology.thread(running: stage)?.core == 1)
        }
        #expect(topology.threads.allSatisfy { $0.idle == .backoff() })
        let result = try topology.validate(cpuCount: 2, allowedCores: [0, 1], knownStages: Set(Topology.pipelineStages))
        #expect(result.warnings.isEmpty)
        #expect(result.effective == topology)
    }

    @Test func defaultsPlaceEveryPipelineStageOnceForAnyCPUCount() throws {
        for cpus in 1...8 {
            let topology = Topology.default(forCPUCount: cpus)
            let placed = topology.threads.flatMap(\.stages).sorted()
            #expect(placed == Topology.pipelineStages.sorted(), "cpus \(cpus)")
            _ = try topology.validate(cpuCount: cpus, allowedCores: Set(0..<cpus))
        }
    }

    @Test func defaultForThisMachineValidates() throws {
        let topology = Topology.default(forCPUCount: Int(hft_cpu_count()))
        let result = try topology.validate()
        #expect(result.warnings.isEmpty)
    }

    @Test func coloGivesEachStageItsOwnSpinningCore() throws {
        let topology = Topology.colo()
        #expect(topology.threads.count == 5)
        #expect(Set(topology.threads.map(\.core)).count == 5)
        #expect(topology.threads.allSatisfy { $0.idle == .busySpin && $0.stages.count == 1 })
        let result = try topology.validate(cpuCount: 8, allowedCores: Set(0..<8))
        #expect(result.warnings.isEmpty)
        #expect(throws: TopologyError.coreDoesNotExist(thread: "signals", core: 3, cpuCount: 3)) {
            try topology.validate(cpuCount: 3, allowedCores: Set(0..<3))
        }
    }

    @Test func busySpinFallsBackToBackoffWhenCoresAreShort() throws {
        let topology = Topology.colo(stages: ["feed", "book"], firstCore: 0)
        let result = try topology.validate(cpuCount: 2, allowedCores: [0, 1])
        #expect(result.warnings == [.busySpinOversubscribed(spinningThreads: 2, freeCores: 1)])
        #expect(result.effective.threads.allSatisfy { $0.idle == .backoff() })
        #expect(result.effective.threads.map(\.core) == [0, 1])
    }

    @Test func busySpinSharingACoreIsDowngraded() throws {
        let topology = Topology(threads: [
            .init(name: "feed", core: 1, idle: .busySpin, stages: ["feed"]),
            .init(name: "rest", core: 1, idle: .backoff(), stages: ["book"]),
        ])
        let result = try topology.validate(cpuCount: 8, allowedCores: Set(0..<8))
        #expect(result.warnings == [.busySpinSharesCore(thread: "feed", core: 1)])
        #expect(result.effective.threads[0].idle == .backoff())
    }

    @Test func validationErrors() {
        let ok = Topology.default(forCPUCount: 2)
        #expect(throws: TopologyError.noThreads) { try Topology(threads: []).validate(cpuCount: 2, allowedCores: [0, 1]) }
        #expect(throws: TopologyError.coreDoesNotExist(thread: "pipeline", core: 1, cpuCount: 1)) {
            try ok.validate(cpuCount: 1, allowedCores: [0])
        }
        #expect(throws: TopologyError.coreNotAllowed(thread: "feed", core: 0)) {
            try ok.validate(cpuCount: 2, allowedCores: [1])
        }
        var negative = ok
        negative.threads[0].core = -1
        #expect(throws: TopologyError.coreDoesNotExist(thread: "feed", core: -1, cpuCount: 2)) {
            try negative.validate(cpuCount: 2, allowedCores: [0, 1])
        }
        var duplicate = ok
        duplicate.threads[0].stages.append("book")
        #expect(throws: TopologyError.duplicateStage(stage: "book", threads: ["feed", "pipeline"])) {
            try duplicate.validate(cpuCount: 2, allowedCores: [0, 1])
        }
        var twice = ok
        twice.threads[0].stages = ["feed", "feed"]
        #expect(throws: TopologyError.duplicateStage(stage: "feed", threads: ["feed", "feed"])) {
            try twice.validate(cpuCount: 2, allowedCores: [0, 1])
        }
        var sameName = ok
        sameName.threads[1].name = "feed"
        #expect(throws: TopologyError.duplicateThreadName("feed")) { try sameName.validate(cpuCount: 2, allowedCores: [0, 1]) }
        var empty = ok
        empty.threads[0].stages = []
        #expect(throws: TopologyError.emptyThread(thread: "feed")) { try empty.validate(cpuCount: 2, allowedCores: [0, 1]) }
        var unknown = ok
        unknown.threads[1].stages.append("oracle")
        #expect(throws: TopologyError.unknownStage(stage: "oracle", thread: "pipeline")) {
            try unknown.validate(cpuCount: 2, allowedCores: [0, 1], knownStages: Set(Topology.pipelineStages))
        }
        var badIdle = ok
        badIdle.threads[0].idle = .spinYield(maxSpins: -3)
        #expect(throws: TopologyError.self) { try badIdle.validate(cpuCount: 2, allowedCores: [0, 1]) }
    }

    @Test func errorsDescribeThemselves() {
        let text = TopologyError.coreDoesNotExist(thread: "feed", core: 7, cpuCount: 2).description
        #expect(text.contains("core 7") && text.contains("does not exist"))
        #expect(TopologyWarning.busySpinOversubscribed(spinningThreads: 2, freeCores: 1).description.contains("backoff"))
    }
}
