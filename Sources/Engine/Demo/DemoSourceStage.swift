import HFTPrimitives
import HFTRuntime
import HFTTelemetry

/// First stage of the latency demo: publishes events on a fixed-rate schedule.
///
/// It never publishes ahead of the schedule; when it runs late (parked, preempted, back-pressured)
/// it publishes the overdue events at once, each stamped with its intended time.
actor DemoSourceStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    let output: RingProducer<DemoEvent>
    let clock: TSCClock
    let interval: Int64
    let total: UInt64
    var nextAt: Int64 = 0
    var sequence: UInt64 = 0
    var backPressured: UInt64 = 0

    init(on thread: PinnedThread, output: RingProducer<DemoEvent>, clock: TSCClock, rate: Int, total: UInt64) {
        pinnedExecutor = thread.executor
        self.output = output
        self.clock = clock
        self.interval = Int64(1_000_000_000 / max(rate, 1))
        self.total = total
    }

    func onStart() { nextAt = clock.now().raw + 1_000_000 }

    func doWork() -> Int {
        guard sequence < total else { return 0 }
        let now = clock.now()
        guard now.raw >= nextAt else { return 0 }
        let event = DemoEvent(sequence: sequence, intendedAt: Nanos(raw: nextAt), publishedAt: now, value: sequence &* 0x9E37_79B9_7F4A_7C15)
        switch output.push(event) {
        case .published:
            sequence &+= 1
            nextAt &+= interval
            return 1
        case .backPressured:
            backPressured &+= 1
            return 0
        }
    }

    var published: UInt64 { sequence }
    var backPressureCount: UInt64 { backPressured }
}
