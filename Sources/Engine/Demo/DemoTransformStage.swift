import HFTPrimitives
import HFTRuntime
import HFTTelemetry

/// Middle stage of the latency demo: drains its input ring in batches, does a little arithmetic
/// per event (a stand-in for decode or features) and forwards it.
actor DemoTransformStage: Agent {
    nonisolated let pinnedExecutor: PinnedExecutor
    let input: RingConsumer<DemoEvent>
    let output: RingProducer<DemoEvent>
    let clock: TSCClock
    let recorder: HopRecorder
    let queueHop: HopId
    let workHop: HopId
    var forwarded: UInt64 = 0
    var backPressured: UInt64 = 0
    /// An event popped but not yet accepted by a full output ring.
    var pending: DemoEvent?

    init(on thread: PinnedThread, input: RingConsumer<DemoEvent>, output: RingProducer<DemoEvent>, clock: TSCClock,
         recorder: consuming HopRecorder, queueHop: HopId, workHop: HopId) {
        pinnedExecutor = thread.executor
        self.input = input
        self.output = output
        self.clock = clock
        self.recorder = recorder
        self.queueHop = queueHop
        self.workHop = workHop
    }

    func doWork() -> Int {
        if let p = pending {
            guard output.push(p) == .published else { backPressured &+= 1; return 0 }
            pending = nil
            forwarded &+= 1
        }
        var done = 0
        while done < 64, let e = input.pop() {
            let start = clock.now()
            recorder.record(queueHop, from: e.publishedAt, to: start)
            var event = e
            // A few rounds of mixing: cheap, dependent, not foldable.
            var x = event.value
            for _ in 0..<8 { x = (x ^ (x >> 31)) &* 0xBF58_476D_1CE4_E5B9 }
            event.checksum = x
            let end = clock.now()
            recorder.record(workHop, from: start, to: end)
            event.transformedAt = end
            event.publishedAt = end
            done &+= 1
            guard output.push(event) == .published else {
                pending = event
                backPressured &+= 1
                return done
            }
            forwarded &+= 1
        }
        return done
    }
}
