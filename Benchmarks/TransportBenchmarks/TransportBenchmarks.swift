import Benchmark
import CSystemShims
import HFTPrimitives
import Synchronization
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// Counts messages into preallocated memory: the cheapest possible sink, so the benchmark measures
/// the transport (server send queue → lws → client reassembly/delivery), not the consumer.
struct CountingSink: WebSocketMessageSink {
    let received: UnsafeMutablePointer<Atomic<Int>>

    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        // ORDERING: relaxed load (single writer: this thread); releasing store publishes the count.
        received.pointee.store(received.pointee.load(ordering: .relaxed) &+ 1, ordering: .releasing)
        return true
    }
}

/// Server + client on loopback, started once per benchmark (outside the measured region).
final class LoopbackPair {
    let server: WebSocketServer
    let client: WebSocketClient<CountingSink, MonotonicReceiveClock>
    let received: UnsafeMutablePointer<Atomic<Int>>
    let connection: ServerConnectionId

    init(tls: Bool) throws {
        let opened = Mutex<ServerConnectionId?>(nil)
        var files: TLSFiles? = nil
        if tls {
            var template = Array("/tmp/hft-transport-bench-XXXXXX".utf8CString)
            let dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
            files = try SelfSignedCertificate.generate(in: dir)
        }
        server = WebSocketServer(configuration: WebSocketServerConfiguration(tls: files, websocketRoutes: [
            WebSocketRoute(pathPrefix: "/", onOpen: { _, id, _ in opened.withLock { $0 = id }; return true }),
        ]))
        try server.start()
        received = .allocate(capacity: 1)
        received.initialize(to: Atomic(0))
        client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: TransportURL(scheme: tls ? .wss : .ws, host: "127.0.0.1", port: server.port),
            allowInsecureLoopbackTLS: tls), sink: CountingSink(received: received))
        try client.start()
        var id: ServerConnectionId? = nil
        let deadline = hft_monotonic_ns() + 5_000_000_000
        while id == nil && hft_monotonic_ns() < deadline {
            usleep(1_000)
            id = opened.withLock { $0 }
        }
        guard let id else { fatalError("loopback websocket did not open") }
        connection = id
    }

    /// Sends one message from the server and waits (yielding) until the client's sink has it.
    @inline(__always)
    func roundTrip(_ message: UnsafeRawBufferPointer) {
        // ORDERING: acquiring pairs with the sink's releasing store.
        let before = received.pointee.load(ordering: .acquiring)
        while server.send(connection, message) != .queued { sched_yield() }
        while received.pointee.load(ordering: .acquiring) == before { sched_yield() }
    }

    func stop() {
        client.stop()
        server.stop()
    }
}

/// Retain/release counting is left out: with Swift 6.3 the runtime hooks crash when other threads
/// (here the two lws service threads) retain concurrently (ordo-one/benchmark #349; the
/// RuntimeInterposer trait is not enabled in this package).
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    for tls in [false, true] {
        // Plain ws must stay at 0 allocations per message in the whole process (server, lws, client);
        // OpenSSL allocates a few times per 1000 records on wss.
        let thresholds: [BenchmarkMetric: BenchmarkThresholds] = tls ? [:] : [.mallocCountTotal: .init(absolute: [.p100: 0])]
        Benchmark("LoopbackDeliver.\(tls ? "wss" : "ws").100B",
                  configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(3),
                                       maxIterations: 20, thresholds: thresholds)) { benchmark in
            let pair = try LoopbackPair(tls: tls)
            defer { pair.stop() }
            let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 8)
            defer { message.deallocate() }
            message.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "x"))
            for _ in 0..<1_000 { pair.roundTrip(UnsafeRawBufferPointer(message)) }  // warm up (TLS buffers)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { pair.roundTrip(UnsafeRawBufferPointer(message)) }
            benchmark.stopMeasurement()
        }
    }
}
