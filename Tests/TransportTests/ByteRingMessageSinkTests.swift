import CSystemShims
import HFTPrimitives
import HFTRuntime
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The production path: client → `ByteRingMessageSink` → `ByteRing` → a reader thread, with a ring
/// small enough that the client has to pause the socket repeatedly; nothing may be lost.
@Suite(.serialized) struct ByteRingMessageSinkTests {
    @Test func feedsAByteRingWithBackPressureAndLosesNothing() throws {
        let state = FeedServerState()
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(websocketRoutes: [state.route()]))
        try server.start()
        defer { server.stop() }
        let ring = ByteRing(capacity: 4_096, maxRecordLength: 1_024)
        let clock = TSCClock.monotonic
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), maxMessageBytes: 1_024,
            backpressureRetryInterval: .microseconds(100)), sink: ByteRingMessageSink(writer: ring.writer), clock: clock)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        let id = state.openIds[0]
        let payloads = (0..<2_000).map { "{\"u\":\($0),\"b\":[[\"65000.\($0 % 100)\",\"0.5\"]]}" + String(repeating: " ", count: $0 % 300) }
        for p in payloads { #expect(server.send(id, text: p) == .queued) }
        // The reader is slow at first (sleeps), so the 4 KB ring fills and the client must pause.
        var got: [String] = []
        var channels = Set<UInt16>()
        var lastTime = Nanos.zero
        var ordered = true
        let deadline = hft_monotonic_ns() + 10_000_000_000
        while got.count < payloads.count && hft_monotonic_ns() < deadline {
            let n = ring.reader.consume(maxRecords: 64) { record in
                got.append(String(decoding: record.bytes, as: UTF8.self))
                channels.insert(record.channel)
                if record.receiveTime < lastTime { ordered = false }
                lastTime = record.receiveTime
            }
            if n == 0 || got.count < 200 { usleep(1_000) }
        }
        #expect(got == payloads)
        #expect(channels == [1])
        #expect(ordered)
        let stats = client.counters.snapshot
        #expect(stats.backpressure > 0)
        #expect(stats.flowControlViolations == 0)
        #expect(stats.messages == UInt64(payloads.count))
        client.stop()
        #expect(client.withSink { $0.tooLarge } == 0)
    }
}
