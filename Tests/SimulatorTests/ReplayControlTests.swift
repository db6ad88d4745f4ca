import Foundation
import HFTTestSupport
import HFTPrimitives
import MarketData
import Simulator
import Testing
import Transport

/// Pacing, looping, start offset, our capture format, and a late Bybit subscriber.
@Suite(.serialized)
struct ReplayControlTests {
    /// ×100 recorded time: the 30 s cryptofeed recording takes about 0.3 s.
    @Test func recordedTimeScaled() throws {
        let recording = try RecordingImporter.load(path: FeedServingTests.cryptofeed)
        let span = Double(recording.frames.last!.receiveTime.raw - recording.frames.first!.receiveTime.raw) / 1e9
        #expect(span > 25 && span < 35)
        let sim = try makeSimulator([FeedServingTests.cryptofeed], pacing: .recorded(speed: 100))
        defer { sim.stop() }
        let (client, received, _) = makeClient("\(sim.webSocketBase)/stream?streams=\(FeedServingTests.combinedStreams)")
        let start = Date()
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(10) { received.count == 265 })
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed > span / 100 * 0.8, "finished in \(elapsed) s, faster than ×100")
        #expect(elapsed < span / 100 + 3, "finished in \(elapsed) s")
    }

    /// Our capture format is served like any other recording; `--loop` serves it again;
    /// `startOffset` skips recorded time.
    @Test func captureFormatLoopAndStartOffset() throws {
        let recording = try RecordingImporter.load(path: FeedServingTests.cryptofeed)
        let path = TestScratch.path("sim-capture", suffix: ".cap")
        unlink(path)
        var writer = try CaptureWriter(path: path, venue: recording.venue, symbols: recording.symbols)
        for i in 0..<recording.count {
            try writer.append(receiveTime: recording.frames[i].receiveTime, channel: recording.frames[i].channel, contents: recording.frameBytes(i))
        }
        try writer.close()
        let expected = recordedFrames(recording) { contains($0, "\"stream\":\"") }

        var configuration = SimulatorConfiguration(recordingPaths: [path], loop: true)
        let sim = try MarketSimulator(configuration: configuration)
        try sim.start()
        let (client, received, _) = makeClient("\(sim.webSocketBase)/stream?streams=\(FeedServingTests.combinedStreams)")
        try client.start()
        #expect(waitUntil(10) { received.count >= 2 * expected.count })
        client.stop()
        sim.stop()
        let all = received.all
        #expect(Array(all.prefix(expected.count)) == expected)
        #expect(Array(all[expected.count..<(2 * expected.count)]) == expected)
        #expect(sim.statistics.passes >= 1)

        configuration = SimulatorConfiguration(recordingPaths: [path], startOffset: .seconds(15))
        let offset = try MarketSimulator(configuration: configuration)
        try offset.start()
        defer { offset.stop() }
        let first = recording.frames[0].receiveTime.raw
        let later = recordedFrames(recording, range: recording.frames.firstIndex { $0.receiveTime.raw - first >= 15_000_000_000 }!..<recording.count) {
            contains($0, "\"stream\":\"")
        }
        #expect(later.count < expected.count && later.count > 50)
        let (c2, r2, _) = makeClient("\(offset.webSocketBase)/stream?streams=\(FeedServingTests.combinedStreams)")
        try c2.start()
        defer { c2.stop() }
        #expect(waitUntil(10) { offset.isFinished && r2.count == later.count })
        #expect(r2.all == later)
        // The skipped frames still built the book: the REST snapshot is available and current.
        #expect(offset.depthSnapshot(symbol: "NKNUSDT")?.hasPrefix("{\"lastUpdateId\":") == true)
    }

    /// A Bybit client subscribing mid-stream first gets a snapshot of the current book, then the
    /// live deltas chain onto it: its book equals the simulator's.
    @Test func lateBybitSubscriberGetsSnapshot() throws {
        let path = BookSyncFaultTests.bybitLinear
        let recording = try RecordingImporter.load(path: path)
        let instruments = BookReplay.instruments(for: recording, venue: .bybitLinear)
        let sim = try makeSimulator([path], held: true, waitFor: 0)
        defer { sim.stop() }
        sim.step(frames: 25)
        #expect(waitUntil(5) { sim.position == 25 })
        let (client, received, _) = makeClient("\(sim.webSocketBase)/v5/public/linear",
                                               subscribe: ["{\"op\":\"subscribe\",\"args\":[\"orderbook.500.XRPUSDT\"]}"])
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(5) { received.count == 2 })
        sim.step(frames: recording.count - 25)
        #expect(waitUntil(10) { sim.isFinished && received.count == 2 + recording.count - 25 })
        var feed = BookFeed(venue: .bybitLinear, instruments: instruments)
        var applied = 0
        for m in received.all {
            if case .depth(_, let o) = m.withUnsafeBytes({ feed.ingest($0, receiveTime: .zero) }), o == .applied || o == .snapshotApplied { applied += 1 }
        }
        #expect(applied == 1 + recording.count - 25)
        let xrp = InstrumentId(raw: 0)
        do { let gaps = feed.syncCounters(xrp).gaps; #expect(gaps == 0) }
        let body = try #require(sim.depthSnapshot(symbol: "XRPUSDT", limit: 1))
        let bid = feed.withBook(xrp) { $0.book.bestBid }
        let spec = instruments[0].spec
        let bidText = bid.map { "[[\"\(DecimalFormatter.string($0.price.raw, places: spec.priceScale.places, minFractionDigits: spec.priceScale.places))\",\"\(DecimalFormatter.string($0.quantity.raw, places: spec.quantityScale.places, minFractionDigits: spec.quantityScale.places))\"]]" }
        #expect(bidText != nil && body.contains("\"bids\":" + (bidText ?? "")), "\(body.prefix(200)) vs \(bidText ?? "nil")")
    }
}
