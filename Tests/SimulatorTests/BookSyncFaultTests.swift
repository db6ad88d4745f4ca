import Foundation
import HFTPrimitives
import MarketData
import Simulator
import Testing
import Transport

/// A client applying the official Binance USD-M sync procedure (our `BookFeed`) to the
/// simulator's stream and REST snapshots gets the bookTicker oracle's book; each injected fault is
/// observed as that fault, and the client recovers.
@Suite(.serialized)
struct BookSyncFaultTests {
    static let usdm = marketDataPath("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz")
    static let bybitLinear = marketDataPath("bybit/nautilus_2024-12-01_XRPUSDT_ob500.data")

    /// Frames (of `recording`) in `range` our subscription gets: the depth and bookTicker streams.
    static func expectedCount(_ recording: FrameSequence, _ range: Range<Int>) -> Int {
        recordedFrames(recording, range: range) { contains($0, "\"stream\":\"ethusdt@depth@0ms\"") || contains($0, "\"stream\":\"ethusdt@bookTicker\"") }.count
    }

    @Test func restSnapshotConsistencyGapDuplicateMalformedReorder() async throws {
        let recording = try RecordingImporter.load(path: Self.usdm)
        let instruments = BookReplay.instruments(for: recording, venue: .binanceUsdm)
        let eth = InstrumentId(raw: UInt32(instruments.firstIndex { $0.symbol == "ETHUSDT" }!))
        let sim = try makeSimulator([Self.usdm], held: true)
        defer { sim.stop() }
        let (client, received, _) = makeClient("\(sim.webSocketBase)/stream?streams=ethusdt@depth@0ms/ethusdt@bookTicker")
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { sim.marketSubscriberCount == 1 })

        var feed = BookFeed(venue: .binanceUsdm, instruments: instruments, bufferMessages: 8192)
        var consumed = 0
        var outcomes: [BookSyncOutcome] = []
        var parseFailures = 0
        /// Steps the replay by `frames`, waits for `expected` more messages, feeds them to the book.
        func advance(_ frames: Int, expectedMessages: Int) {
            let target = sim.position + frames
            sim.step(frames: frames)
            #expect(waitUntil(20) { sim.position == target })
            #expect(waitUntil(20) { received.count == consumed + expectedMessages }, "expected \(expectedMessages) messages, got \(received.count - consumed)")
            let all = received.all
            for message in all[consumed...] {
                let result = message.withUnsafeBytes { feed.ingest($0, receiveTime: .zero) }
                switch result {
                case .depth(_, let o): outcomes.append(o)
                case .parseFailure: parseFailures += 1
                default: break
                }
            }
            consumed = all.count
        }
        func resync() async throws -> BookFeedResult {
            let (status, body) = try await http(.get, "\(sim.httpBase)/fapi/v1/depth?symbol=ETHUSDT&limit=1000")
            #expect(status == 200)
            #expect(body.hasPrefix("{\"lastUpdateId\":") && body.contains("\"E\":") && body.contains("\"bids\":[[\""))
            return Array(body.utf8).withUnsafeBytes { feed.ingestSnapshot($0, instrument: eth, receiveTime: .zero) }
        }

        // 1. Buffer from connect, then the REST snapshot at the stream position bridges.
        var position = 0
        advance(3000, expectedMessages: Self.expectedCount(recording, position..<3000)); position = 3000
        do { let ok = feed.isStale(eth); #expect(ok) }
        guard case .depth(_, .snapshotApplied) = try await resync() else { Issue.record("snapshot did not bridge"); return }
        advance(3000, expectedMessages: Self.expectedCount(recording, position..<6000)); position = 6000
        var oracle = feed.oracle(eth)
        #expect(oracle.checked > 20)
        #expect(oracle.matched == oracle.checked)
        do { let ok = feed.syncCounters(eth).gaps == 0; #expect(ok) }

        // 2. Gap (control API): 3 diffs withheld → the client detects it, refetches, resyncs.
        let (fs, _) = try await http(.post, "\(sim.httpBase)/sim/fault", body: "{\"kind\":\"gap\",\"count\":3}")
        #expect(fs == 200)
        outcomes.removeAll()
        advance(1500, expectedMessages: Self.expectedCount(recording, position..<(position + 1500)) - 3); position += 1500
        #expect(outcomes.contains(.needSnapshot))
        do { let ok = feed.syncCounters(eth).gaps == 1; #expect(ok) }
        #expect(sim.statistics.diffsSkipped == 3)
        guard case .depth(_, .snapshotApplied) = try await resync() else { Issue.record("resync failed"); return }
        do { let ok = feed.syncCounters(eth).resyncs == 1; #expect(ok) }
        advance(1500, expectedMessages: Self.expectedCount(recording, position..<(position + 1500))); position += 1500
        oracle = feed.oracle(eth)
        #expect(oracle.matched == oracle.checked)

        // 3. Duplicate: the repeated diff is dropped as already applied; no gap.
        let dropped = feed.syncCounters(eth).droppedStale
        sim.inject(.duplicate)
        advance(1500, expectedMessages: Self.expectedCount(recording, position..<(position + 1500)) + 1); position += 1500
        do { let ok = feed.syncCounters(eth).droppedStale == dropped + 1; #expect(ok) }
        do { let ok = feed.syncCounters(eth).gaps == 1; #expect(ok) }

        // 4. Malformed: one truncated frame is a counted parse failure; the book is untouched.
        sim.inject(.malformed)
        advance(1500, expectedMessages: Self.expectedCount(recording, position..<(position + 1500)) + 1); position += 1500
        #expect(parseFailures == 1)
        do { let ok = feed.syncCounters(eth).gaps == 1; #expect(ok) }
        oracle = feed.oracle(eth)
        #expect(oracle.matched == oracle.checked)

        // 5. Reorder: two diffs swapped is a gap for the pu chain → resync.
        outcomes.removeAll()
        sim.inject(.reorder)
        advance(1500, expectedMessages: Self.expectedCount(recording, position..<(position + 1500))); position += 1500
        #expect(outcomes.contains(.needSnapshot))
        do { let ok = feed.syncCounters(eth).gaps == 2; #expect(ok) }
        guard case .depth(_, .snapshotApplied) = try await resync() else { Issue.record("resync after reorder failed"); return }
        advance(3000, expectedMessages: Self.expectedCount(recording, position..<(position + 3000))); position += 3000
        oracle = feed.oracle(eth)
        #expect(oracle.checked > 50)
        #expect(oracle.matched == oracle.checked)
        // The client's book equals the simulator's (top 50 levels each side).
        let body = try #require(sim.depthSnapshot(symbol: "ETHUSDT", limit: 50))
        var check = BookFeed(venue: .binanceUsdm, instruments: instruments)
        _ = Array(body.utf8).withUnsafeBytes { check.ingestSnapshot($0, instrument: eth, receiveTime: .zero) }
        let n = 50
        let a = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: n)
        let b = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: n)
        defer { a.deallocate(); b.deallocate() }
        for side in [Side.buy, .sell] {
            let ka = feed.topLevels(eth, side, into: a)
            let kb = check.topLevels(eth, side, into: b)
            #expect(ka == kb)
            #expect(Array(a.prefix(ka)) == Array(b.prefix(kb)))
        }
    }

    /// Disconnect after N frames and the `disconnect` fault: `WebSocketClient` reconnects each time.
    @Test func disconnectsMakeTheClientReconnect() async throws {
        let sim = try makeSimulator([FeedServingTests.cryptofeed], held: true, disconnectAfter: 40)
        defer { sim.stop() }
        let policy = ReconnectPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        let (client, received, events) = makeClient("\(sim.webSocketBase)/stream?streams=\(FeedServingTests.combinedStreams)", reconnect: policy)
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { sim.marketSubscriberCount == 1 })
        sim.step(frames: 60)
        #expect(waitUntil(10) { events.count { if case .closed(_, .remoteClosed) = $0 { return true }; return false } >= 1 })
        #expect(waitUntil(10) { events.count { if case .open = $0 { return true }; return false } >= 2 })
        #expect(received.count >= 40)
        let (status, _) = try await http(.post, "\(sim.httpBase)/sim/fault", body: "{\"kind\":\"disconnect\"}")
        #expect(status == 200)
        sim.step(frames: 1)
        #expect(waitUntil(10) { events.count { if case .open = $0 { return true }; return false } >= 3 })
        #expect(client.counters.snapshot.reconnects >= 2)
    }

    /// Bybit `u == 1` restart snapshot synthesized from the current book: the client's book is
    /// replaced and keeps chaining (deltas renumbered from 2), equal to the simulator's book.
    @Test func bybitRestartSnapshot() throws {
        let recording = try RecordingImporter.load(path: Self.bybitLinear)
        let instruments = BookReplay.instruments(for: recording, venue: .bybitLinear)
        let sim = try makeSimulator([Self.bybitLinear], held: true)
        defer { sim.stop() }
        let (client, received, _) = makeClient("\(sim.webSocketBase)/v5/public/linear",
                                               subscribe: ["{\"op\":\"subscribe\",\"args\":[\"orderbook.500.XRPUSDT\"]}"])
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { sim.marketSubscriberCount == 1 && received.count == 1 })
        sim.step(frames: 20)
        #expect(waitUntil(10) { received.count == 21 })
        sim.inject(.bybitRestart)
        sim.step(frames: 30)
        #expect(waitUntil(10) { sim.isFinished && received.count == 1 + 20 + 1 + 30 })
        var feed = BookFeed(venue: .bybitLinear, instruments: instruments)
        var outcomes: [BookSyncOutcome] = []
        for m in received.all {
            if case .depth(_, let o) = m.withUnsafeBytes({ feed.ingest($0, receiveTime: .zero) }) { outcomes.append(o) }
        }
        let xrp = InstrumentId(raw: 0)
        let restart = String(decoding: received.all[21], as: UTF8.self)
        #expect(restart.contains("\"type\":\"snapshot\"") && restart.contains("\"u\":1,"))
        #expect(outcomes.filter { $0 == .snapshotApplied }.count == 2)
        do { let ok = feed.syncCounters(xrp).gaps == 0; #expect(ok) }
        do { let ok = feed.withBook(xrp) { $0.lastUpdateId } == 1 + 30; #expect(ok) }
        let body = try #require(sim.depthSnapshot(symbol: "XRPUSDT", limit: 500))
        var check = BookFeed(venue: .binanceUsdm, instruments: [("XRPUSDT", InstrumentSpec(id: xrp, venue: .binanceUsdm,
            priceScale: instruments[0].spec.priceScale, quantityScale: instruments[0].spec.quantityScale))])
        _ = Array(body.utf8).withUnsafeBytes { check.ingestSnapshot($0, instrument: xrp, receiveTime: .zero) }
        let a = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 500)
        let b = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 500)
        defer { a.deallocate(); b.deallocate() }
        for side in [Side.buy, .sell] {
            let ka = feed.topLevels(xrp, side, into: a)
            let kb = check.topLevels(xrp, side, into: b)
            #expect(ka == kb && ka > 0)
            #expect(Array(a.prefix(ka)) == Array(b.prefix(kb)))
        }
    }
}
