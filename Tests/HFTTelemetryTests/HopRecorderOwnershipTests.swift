import HFTPrimitives
import Testing
@testable import HFTTelemetry

/// The way a stage owns its recorder: a non-copyable stored property of the actor (or object) that
/// runs on the recording thread, handed over at start-up.
actor BookStageStandIn {
    let recorder: HopRecorder
    let hops: StandardHopIds

    init(recorder: consuming HopRecorder, hops: StandardHopIds) {
        self.recorder = recorder
        self.hops = hops
    }

    func onEvent(receivedAt: Nanos, now: Nanos) {
        recorder.record(hops.book, from: receivedAt, to: now)
    }
}

@Suite struct HopRecorderOwnershipTests {
    @Test func anActorOwnsItsRecorder() async {
        let registry = TelemetryRegistry(hopCapacity: 16)
        let hops = registry.registerStandardHops()
        let stage = BookStageStandIn(recorder: registry.makeRecorder(name: "book"), hops: hops)
        for i in 0..<100 { await stage.onEvent(receivedAt: Nanos(raw: 1_000), now: Nanos(raw: 1_500 + Int64(i))) }
        let s = registry.snapshot(hops.book)
        #expect(s.count == 100 && s.min == 500 && s.max == 599)
        #expect(registry.recorderNames == ["book"])
    }

    @Test func recorderCellsOutliveTheRecorder() {
        let registry = TelemetryRegistry(hopCapacity: 2)
        let hop = registry.registerHop("x")
        do {
            let r = registry.makeRecorder(name: "short-lived")
            r.record(hop, Int64(42))
        }
        #expect(registry.snapshot(hop).count == 1)
    }

    @Test func recordingAnUnregisteredHopIdTraps() async {
        await #expect(processExitsWith: .failure) {
            let registry = TelemetryRegistry(hopCapacity: 2)
            let r = registry.makeRecorder(name: "r")
            r.record(HopId(raw: 2), Int64(1))
        }
    }
}
