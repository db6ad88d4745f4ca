import CSystemShims
import HFTPrimitives
import HFTTestSupport
import Synchronization
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// Client ↔ server over loopback ws/wss: delivery, fragments, oversize, reconnect, watchdog,
/// rollover, heartbeats, pings, back-pressure. Every test stops its threads and frees its contexts.
@Suite(.serialized) struct WebSocketClientServerTests {
    private func startServer(_ state: FeedServerState, tls: TLSFiles? = nil, prefix: String = "/") throws -> WebSocketServer {
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(tls: tls, websocketRoutes: [state.route(prefix: prefix)]))
        try server.start()
        #expect(server.port > 0)
        return server
    }

    private func makeClient(_ configuration: WebSocketClientConfiguration, _ recorder: Recorder, _ events: EventLog)
        -> WebSocketClient<RecordingSink, MonotonicReceiveClock>
    {
        WebSocketClient(configuration: configuration, sink: RecordingSink(recorder: recorder)) { events.record($0) }
    }

    @Test func subscribesAndReceivesMessagesInOrderOverWS() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let subscribe = #"{"op":"subscribe","args":["orderbook.50.BTCUSDT"]}"#
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port, path: "/v5/public/linear?x=1"), subscribeMessages: [subscribe]), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { state.receivedTexts == [subscribe] })
        #expect(state.heads.withLock { $0.first } == WebSocketRequestHead(path: "/v5/public/linear", query: "x=1"))
        let id = try #require(state.openIds.first)
        let payloads = (0..<500).map { i in "{\"seq\":\(i),\"pad\":\"\(String(repeating: "x", count: i % 97))\"}" }
        for p in payloads { #expect(server.send(id, text: p) == .queued) }
        #expect(waitUntil(5) { recorder.count == payloads.count })
        #expect(recorder.texts == payloads)
        let times = recorder.all.map(\.receiveTime.raw)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Set(recorder.all.map(\.connection)) == [1])
        let stats = client.counters.snapshot
        #expect(stats.messages == UInt64(payloads.count))
        #expect(stats.bytes == UInt64(payloads.reduce(0) { $0 + $1.utf8.count }))
        client.stop()
        #expect(events.all.contains(.open(connection: 1)))
        #expect(events.all.last == .closed(connection: 1, reason: .stopped))
    }

    @Test func wssWithInsecureLoopbackFlagDeliversAndVerificationRefusesSelfSigned() throws {
        let directory = TestScratch.directory("ws-tls")
        let tls = try SelfSignedCertificate.generate(in: directory)
        let state = FeedServerState()
        let server = try startServer(state, tls: tls)
        defer { server.stop() }

        // Verification ON (default): the self-signed certificate is refused.
        let refusedRecorder = Recorder(), refusedEvents = EventLog()
        let strict = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.wss, port: server.port), reconnect: ReconnectPolicy(baseDelay: .seconds(5), maxDelay: .seconds(5))),
            refusedRecorder, refusedEvents)
        try strict.start()
        #expect(waitUntil(5) { strict.counters.snapshot.connectFailures >= 1 })
        strict.stop()
        #expect(!refusedEvents.all.contains { if case .open = $0 { true } else { false } })
        #expect(refusedEvents.all.contains { if case .closed(_, .connectFailed) = $0 { true } else { false } })
        #expect(state.openIds.isEmpty)

        // Test flag: accepted on loopback.
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.wss, port: server.port), subscribeMessages: ["hello"], allowInsecureLoopbackTLS: true), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { state.receivedTexts == ["hello"] })
        let id = try #require(state.openIds.first)
        let big = String(repeating: "0123456789", count: 20_000)  // 200 KB over TLS
        #expect(server.send(id, text: "small") == .queued)
        #expect(server.send(id, text: big) == .queued)
        #expect(waitUntil(5) { recorder.count == 2 })
        #expect(recorder.texts == ["small", big])
    }

    @Test func insecureFlagIsRefusedForNonLoopbackHosts() {
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: TransportURL("wss://stream.binance.com:9443/ws")!, allowInsecureLoopbackTLS: true),
            sink: RecordingSink(recorder: Recorder()))
        #expect(throws: TransportError.insecureTLSRequiresLoopback("stream.binance.com")) { try client.start() }
        let http = WebSocketClient(configuration: WebSocketClientConfiguration(url: TransportURL("http://127.0.0.1:1/")!),
                                   sink: RecordingSink(recorder: Recorder()))
        #expect(throws: TransportError.unsupportedScheme("http")) { try http.start() }
    }

    @Test func reassemblesFragmentedMessages() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(url: loopbackURL(.ws, port: server.port)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        let id = state.openIds[0]
        let message = Array((0..<1_500).map { UInt8(ascii: "a") + UInt8($0 % 26) })
        let splits: [[Int]] = [
            [1], [1, 1, 1], Array(repeating: 1, count: 1_499), [700, 700], [1_499], [0, 5, 0, 9], [3, 1_000, 1], [],
        ]
        for s in splits { #expect(server.sendFragmented(id, message, fragmentSizes: s) == .queued) }
        #expect(server.send(id, text: "after") == .queued)
        #expect(waitUntil(5) { recorder.count == splits.count + 1 })
        let got = recorder.all
        for i in 0..<splits.count { #expect(got[i].bytes == message, "split \(splits[i].prefix(4))") }
        #expect(got.last?.text == "after")
        #expect(client.counters.snapshot.oversized == 0)
    }

    @Test func oversizedMessagesAreCountedAndDropped() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(url: loopbackURL(.ws, port: server.port), maxMessageBytes: 1_024),
                                recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        let id = state.openIds[0]
        #expect(server.send(id, text: "first") == .queued)
        #expect(server.send(id, text: String(repeating: "x", count: 2_000)) == .queued)
        #expect(server.sendFragmented(id, Array(repeating: UInt8(ascii: "y"), count: 3_000), fragmentSizes: [600, 600, 600]) == .queued)
        #expect(server.send(id, text: String(repeating: "z", count: 1_024)) == .queued)
        #expect(server.send(id, text: "last") == .queued)
        #expect(waitUntil(5) { recorder.count == 3 })
        #expect(recorder.texts == ["first", String(repeating: "z", count: 1_024), "last"])
        #expect(client.counters.snapshot.oversized == 2)
    }

    @Test func reconnectsWithBackoffAndResubscribesAfterServerDrops() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let policy = ReconnectPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.2)
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), subscribeMessages: ["sub-a", "sub-b"], reconnect: policy,
            housekeepingInterval: .milliseconds(20)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { state.receivedTexts == ["sub-a", "sub-b"] })
        #expect(server.abort(state.openIds[0]))  // TCP shutdown, no close frame
        #expect(waitUntil(5) { state.receivedTexts.count == 4 && state.openIds.count == 1 })
        #expect(state.receivedTexts == ["sub-a", "sub-b", "sub-a", "sub-b"])
        #expect(server.close(state.openIds[0], code: 4001))  // graceful close with a code
        #expect(waitUntil(5) { state.receivedTexts.count == 6 && state.openIds.count == 1 })
        let id = state.openIds[0]
        #expect(server.send(id, text: "on-third") == .queued)
        #expect(waitUntil(5) { recorder.texts == ["on-third"] })
        #expect(recorder.all[0].connection == 3)
        #expect(client.counters.snapshot.reconnects == 2)
        let log = events.all
        #expect(log.contains(.closed(connection: 2, reason: .remoteClosed(code: 4001))))
        let reconnecting = log.compactMap { e -> (Int, Nanos)? in
            if case .reconnecting(let a, let d) = e { return (a, d) } else { return nil }
        }
        #expect(reconnecting.map(\.0) == [1, 2])
        #expect(reconnecting.allSatisfy { $0.1.raw >= 80_000_000 && $0.1.raw <= 200_000_000 })
    }

    @Test func openingMessagesAreProducedFreshForEveryConnection() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), subscribeMessages: ["static-is-ignored"],
            openingMessages: { connection in ["auth-\(connection)", "subscribe", String(repeating: "x", count: 100)] },
            maxOutboundMessageBytes: 64, reconnect: ReconnectPolicy(baseDelay: .milliseconds(50)),
            housekeepingInterval: .milliseconds(20)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { state.receivedTexts == ["auth-1", "subscribe"] })
        #expect(server.abort(state.openIds[0]))
        #expect(waitUntil(5) { state.receivedTexts == ["auth-1", "subscribe", "auth-2", "subscribe"] })
        #expect(client.counters.snapshot.outboundDropped == 2)
    }

    @Test func watchdogFiresOnSilentServerAndReconnects() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), reconnect: ReconnectPolicy(baseDelay: .milliseconds(50)),
            staleAfter: .milliseconds(300), housekeepingInterval: .milliseconds(20)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        // Keep it fed for a while: no stale while messages flow.
        var lastSent: Int64 = 0
        for i in 0..<10 {
            _ = server.send(state.openIds[0], text: "tick \(i)")
            lastSent = hft_monotonic_ns()
            usleep(50_000)
        }
        #expect(client.counters.snapshot.stale == 0)
        #expect(waitUntil(5) { client.counters.snapshot.stale >= 1 && state.openIds.count == 1 && events.all.contains(.open(connection: 2)) })
        // Stale is judged from the last message received, which is after the last send.
        let silence = Double(hft_monotonic_ns() - lastSent) / 1e9
        #expect(silence >= 0.3)
        #expect(events.all.contains { if case .stale(1, let silent) = $0 { silent.raw >= 300_000_000 } else { false } })
        #expect(events.all.contains(.closed(connection: 1, reason: .stale)))
        #expect(recorder.count == 10)
    }

    @Test func overlappingRolloverLosesNothing() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), maxConnectionLifetime: .milliseconds(1_200),
            rolloverMargin: .milliseconds(600), rolloverDrain: .milliseconds(200),
            housekeepingInterval: .milliseconds(20)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        // Broadcast a sequence to every open connection, like an exchange feed, for ~2.2 s.
        var seq = 0
        let end = hft_monotonic_ns() + 2_200_000_000
        while hft_monotonic_ns() < end {
            for id in state.openIds { _ = server.send(id, text: "\(seq)") }
            seq += 1
            usleep(2_000)
        }
        #expect(waitUntil(2) { recorder.all.last.map { Int($0.text) == seq - 1 } ?? false })
        client.stop()
        let delivered = recorder.all
        // Nothing is lost across the switch. The two connections' messages may interleave out of
        // order around it (the old one's last ones read after the new one's first: a loaded machine
        // does that); the consumer orders them by the venue's ids (`SyncedOrderBook`, `BookFeed`).
        var last = -1, reordered = 0, duplicates = 0
        var seen = Set<Int>()
        for m in delivered {
            let s = Int(m.text)!
            if !seen.insert(s).inserted { duplicates += 1; continue }
            if s < last { reordered += 1 }
            last = max(last, s)
        }
        let missing = (0..<seq).filter { !seen.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) messages lost, first \(missing.prefix(5))")
        #expect(last == seq - 1)
        #expect(Set(delivered.map(\.connection)).count >= 2)
        #expect(events.all.contains { if case .switched = $0 { true } else { false } })
        #expect(events.all.contains { if case .closed(_, .lifetimeRollover) = $0 { true } else { false } })
        #expect(client.counters.snapshot.reconnects >= 1)
        print("rollover: \(seq) sent, \(delivered.count) delivered, \(duplicates) duplicates in the overlap, \(reordered) read out of order, connections \(Set(delivered.map(\.connection)).sorted())")
    }

    @Test func heartbeatsAreSentAndProtocolPingsAnswered() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), heartbeatMessage: #"{"op":"ping"}"#, heartbeatInterval: .milliseconds(100),
            housekeepingInterval: .milliseconds(20)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { state.receivedTexts.count >= 3 })
        #expect(state.receivedTexts.allSatisfy { $0 == #"{"op":"ping"}"# })
        #expect(client.counters.snapshot.heartbeats >= 3)
        let id = state.openIds[0]
        #expect(server.ping(id) == .queued)
        #expect(waitUntil(5) { server.pongsReceived == 1 })
        #expect(server.ping(id, payload: "second") == .queued)
        #expect(waitUntil(5) { server.pongsReceived == 2 })
        #expect(server.ping(id, payload: "") == .tooLarge)
    }

    @Test func backPressurePausesReadingAndLosesNothing() throws {
        let state = FeedServerState()
        let server = try startServer(state)
        defer { server.stop() }
        let recorder = Recorder(), events = EventLog()
        recorder.refusals.withLock { $0 = (period: 3, refuse: 2, attempts: 0) }  // refuse 2 of every 3 attempts
        let client = makeClient(WebSocketClientConfiguration(
            url: loopbackURL(.ws, port: server.port), backpressureRetryInterval: .microseconds(200)), recorder, events)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { !state.openIds.isEmpty })
        let id = state.openIds[0]
        let payloads = (0..<300).map { "m\($0)" }
        for p in payloads { #expect(server.send(id, text: p) == .queued) }
        #expect(waitUntil(10) { recorder.count == payloads.count })
        #expect(recorder.texts == payloads)
        let stats = client.counters.snapshot
        #expect(stats.backpressure >= 300)
        #expect(stats.flowControlViolations == 0)
        #expect(stats.messages == 300)
    }
}
