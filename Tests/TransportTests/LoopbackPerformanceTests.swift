import CSystemShims
import HFTPrimitives
import Synchronization
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// A sink that only counts and records the latency carried in each message (first 8 bytes: the
/// sender's `hft_monotonic_ns`), into preallocated memory: no allocation per message.
struct LatencySink: WebSocketMessageSink {
    let received: UnsafeMutablePointer<Atomic<Int>>
    let latencies: UnsafeMutablePointer<Int64>
    let capacity: Int

    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        // ORDERING: relaxed load, single writer (this thread); releasing store publishes the latency slot.
        let n = received.pointee.load(ordering: .relaxed)
        if n < capacity, bytes.count >= 8 {
            let sent = bytes.loadUnaligned(as: Int64.self)
            latencies[n] = receiveTime.raw - sent
        }
        received.pointee.store(n + 1, ordering: .releasing)
        return true
    }
}

/// Loopback ws throughput and per-message latency (printed; bounded in time). Numbers depend on
/// the load of this shared 2-core machine; see the report for measured values.
@Suite(.serialized) struct LoopbackPerformanceTests {
    private func percentile(_ sorted: [Int64], _ p: Double) -> Int64 {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    @Test func throughputAndLatencyOverLoopbackWS() throws {
        let state = FeedServerState()
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(websocketRoutes: [state.route()]))
        try server.start()
        defer { server.stop() }
        let counter = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
        counter.initialize(to: Atomic(0))
        let capacity = 200_000
        let latencies = UnsafeMutablePointer<Int64>.allocate(capacity: capacity)
        defer { counter.deallocate(); latencies.deallocate() }
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(url: loopbackURL(.ws, port: server.port)),
                                     sink: LatencySink(received: counter, latencies: latencies, capacity: capacity))
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        let id = state.openIds[0]
        // ORDERING: acquiring pairs with the sink's releasing store.
        func received() -> Int { counter.pointee.load(ordering: .acquiring) }

        // 1. Unloaded latency: one message in flight at a time.
        var message = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let pingPongs = 2_000
        for i in 0..<pingPongs {
            message.withUnsafeMutableBytes { $0.storeBytes(of: hft_monotonic_ns(), as: Int64.self) }
            _ = message.withUnsafeBytes { server.send(id, $0) }
            let deadline = hft_monotonic_ns() + 1_000_000_000
            while received() < i + 1 && hft_monotonic_ns() < deadline { sched_yield() }
        }
        #expect(received() == pingPongs)
        let oneAtATime = (0..<pingPongs).map { latencies[$0] }.sorted()

        // 2. Throughput: 100-byte messages as fast as the server's queue takes them.
        let total = 100_000
        let base = received()
        let start = hft_monotonic_ns()
        var sent = 0
        while sent < total {
            message.withUnsafeMutableBytes { $0.storeBytes(of: hft_monotonic_ns(), as: Int64.self) }
            switch message.withUnsafeBytes({ server.send(id, $0) }) {
            case .queued: sent += 1
            default: sched_yield()
            }
        }
        #expect(waitUntil(20) { received() == base + total })
        let seconds = Double(hft_monotonic_ns() - start) / 1e9
        let loaded = (base..<min(capacity, base + total)).map { latencies[$0] }.sorted()
        print(String(describing: "loopback ws, 100-byte messages: one-at-a-time latency (server send → sink) "
            + "p50 \(percentile(oneAtATime, 0.5) / 1_000) µs, p99 \(percentile(oneAtATime, 0.99) / 1_000) µs, "
            + "max \(oneAtATime.last! / 1_000) µs; throughput \(Int(Double(total) / seconds)) msg/s "
            + "(\(String(Int(Double(total * 100) / seconds / 1e6))) MB/s payload), latency under load p50 "
            + "\(percentile(loaded, 0.5) / 1_000) µs, p99 \(percentile(loaded, 0.99) / 1_000) µs"))
        #expect(client.counters.snapshot.messages == UInt64(pingPongs + total))
    }
}
