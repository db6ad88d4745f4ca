import CSystemShims
import Foundation
import HFTPrimitives
import Synchronization
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `WebSocketClient.send`: messages queued from any thread reach the server in order, a full queue
/// and a missing connection are refused with a named outcome, and messages still queued when the
/// client stops are reported as undelivered (never silently lost, never counted twice).
@Suite(.serialized) struct WebSocketClientSendTests {
    final class Undelivered: Sendable {
        let ranges = Mutex<[(UInt32, ClosedRange<UInt64>)]>([])
        var count: Int { ranges.withLock { $0.reduce(0) { $0 + $1.1.count } } }
    }

    private func startServer(_ state: FeedServerState) throws -> WebSocketServer {
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(websocketRoutes: [state.route()]))
        try server.start()
        return server
    }

    @Test func messagesFromTwoThreadsArriveInPerThreadOrder() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(url: loopbackURL(.ws, port: server.port), maxOutboundMessageBytes: 1_024, sendQueueBytes: 4_096),
                                     sink: RecordingSink(recorder: recorder)) { events.record($0) }
        #expect(client.send(text: "before-start") == .notConnected)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { events.all.contains(.open(connection: 1)) && client.send(text: "first") != .notConnected })
        let perThread = 2_000
        let sequences = Mutex<[[UInt64]]>([[], []])
        let fullSeen = Atomic<Int>(0)
        let threads = (0..<2).map { t in
            Thread {
                for i in 0..<perThread {
                    let text = "t\(t)-\(i)-" + String(repeating: "x", count: i % 50)
                    while true {
                        switch client.send(text: text) {
                        case .queued(let s):
                            sequences.withLock { $0[t].append(s) }
                        case .queueFull:
                            // ORDERING: relaxed; a test statistic.
                            fullSeen.wrappingAdd(1, ordering: .relaxed)
                            usleep(50)
                            continue
                        case .tooLarge, .notConnected:
                            Issue.record("unexpected refusal")
                        }
                        break
                    }
                }
            }
        }
        for t in threads { t.start() }
        #expect(waitUntil(20) { state.receivedTexts.count == 2 * perThread + 1 })
        #expect(waitUntil(5) { sequences.withLock { $0[0].count + $0[1].count } == 2 * perThread })
        let received = state.receivedTexts
        #expect(received.first == "first")
        for t in 0..<2 {
            let mine = received.filter { $0.hasPrefix("t\(t)-") }.map { Int($0.split(separator: "-")[1])! }
            #expect(mine == Array(0..<perThread))
        }
        // Sequences are unique, increasing per thread, and cover 2..(2·perThread + 1).
        let all = sequences.withLock { $0 }
        #expect(all.allSatisfy { zip($0, $0.dropFirst()).allSatisfy { $0 < $1 } })
        #expect(Set(all[0] + all[1]) == Set(2...UInt64(2 * perThread + 1)))
        let stats = client.counters.snapshot
        #expect(stats.sent == UInt64(2 * perThread + 1))
        // ORDERING: relaxed; read after the threads' work was observed through the server.
        #expect(stats.sendQueueFull == UInt64(fullSeen.load(ordering: .relaxed)))
        #expect(stats.sendNotConnected == 1 && stats.sendUndelivered == 0)
    }

    @Test func fullQueueIsRefusedAndTooLargeIsNamed() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let big = String(repeating: "b", count: 60_000)
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), maxOutboundMessageBytes: 64_000, sendQueueBytes: 130_000),
            sink: RecordingSink(recorder: recorder)) { events.record($0) }
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { events.all.contains(.open(connection: 1)) })
        #expect(client.send(text: String(repeating: "t", count: 64_001)) == .tooLarge)
        // Two 60 KB messages fit, the third does not until the service thread wrote one: a burst
        // from this thread outruns one write per WRITEABLE callback.
        var queued = 0, full = 0
        for _ in 0..<10_000 where full == 0 {
            switch client.send(text: big) {
            case .queued: queued += 1
            case .queueFull: full += 1
            case .tooLarge, .notConnected: Issue.record("unexpected refusal")
            }
        }
        #expect(full == 1 && queued >= 2)
        #expect(waitUntil(10) { state.receivedTexts.count == queued })
        #expect(state.receivedTexts.allSatisfy { $0 == big })
        #expect(client.counters.snapshot.sendQueueFull == 1)
        #expect(client.counters.snapshot.sent == UInt64(queued))
    }

    @Test func sendWhileDisconnectedIsRefusedAndQueuedMessagesOfADroppedConnectionAreReported() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog(), undelivered = Undelivered()
        let policy = ReconnectPolicy(baseDelay: .milliseconds(300), maxDelay: .seconds(1), jitter: 0)
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), maxOutboundMessageBytes: 64_000, sendQueueBytes: 8 << 20,
            onUndeliveredSends: { c, r in undelivered.ranges.withLock { $0.append((c, r)) } },
            reconnect: policy, housekeepingInterval: .milliseconds(20)),
            sink: RecordingSink(recorder: recorder)) { events.record($0) }
        try client.start()
        #expect(waitUntil(5) { state.openIds.count == 1 && events.all.contains(.open(connection: 1)) })
        #expect(server.abort(state.openIds[0]))
        #expect(waitUntil(5) { events.all.contains { if case .closed(1, _) = $0 { true } else { false } } })
        // Between the drop and the reconnect (300 ms) nothing can be queued.
        #expect(client.send(text: "while-down") == .notConnected)
        #expect(waitUntil(5) { events.all.contains(.open(connection: 2)) })
        #expect(client.send(text: "on-2") != .notConnected)
        #expect(waitUntil(5) { state.receivedTexts == ["on-2"] })
        // A burst, then stop at once: every queued message is either written or reported undelivered, never both.
        let big = String(repeating: "z", count: 60_000)
        var sequences: [UInt64] = []
        for _ in 0..<100 { if case .queued(let s) = client.send(text: big) { sequences.append(s) } }
        client.stop()
        let stats = client.counters.snapshot
        #expect(stats.sent + stats.sendUndelivered == UInt64(sequences.count + 1))
        #expect(UInt64(undelivered.count) == stats.sendUndelivered)
        let reported = undelivered.ranges.withLock { $0 }
        #expect(reported.allSatisfy { $0.0 == 2 })
        // The undelivered ones are the newest: a suffix of what was queued.
        if let first = reported.first?.1.lowerBound {
            #expect(reported.flatMap { Array($0.1) } == sequences.filter { $0 >= first })
        }
        #expect(client.send(text: "after-stop") == .notConnected)
        #expect(stats.sendNotConnected == 1)
    }
}
