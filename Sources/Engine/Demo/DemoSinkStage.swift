import HFTPrimitives
import HFTRuntime
import HFTTelemetry

/// Last stage of the latency demo: checks order and payload, records the end-to-end latency
/// from each event's intended send time.
actor DemoSinkStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    let input: RingConsumer<DemoEvent>
    let clock: TSCClock
    let recorder: HopRecorder
    let queueHop: HopId
    let endToEndHop: HopId
    var received: UInt64 = 0
    /// Events out of sequence or with a wrong checksum (must stay 0).
    var errors: UInt64 = 0

    init(on thread: PinnedThread, input: RingConsumer<DemoEvent>, clock: TSCClock, recorder: consuming HopRecorder,
         queueHop: HopId, endToEndHop: HopId) {
        pinnedExecutor = thread.executor
        self.input = input
        self.clock = clock
        self.recorder = recorder
        self.queueHop = queueHop
        self.endToEndHop = endToEndHop
    }

    func doWork() -> Int {
        var done = 0
        while done < 64, let e = input.pop() {
            let now = clock.now()
            recorder.record(queueHop, from: e.publishedAt, to: now)
            recorder.record(endToEndHop, from: e.intendedAt, to: now)
            var x = e.value
            for _ in 0..<8 { x = (x ^ (x >> 31)) &* 0xBF58_476D_1CE4_E5B9 }
            if e.sequence != received || x != e.checksum { errors &+= 1 }
            received &+= 1
            done &+= 1
        }
        return done
    }

    var receivedCount: UInt64 { received }
    var errorCount: UInt64 { errors }
}
