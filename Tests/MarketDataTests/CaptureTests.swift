import Foundation
import Testing
import HFTPrimitives
import HFTTestSupport
@testable import MarketData

/// CRC32C, the capture file format (round trip, torn tails) and the importers.
@Suite(.serialized) struct CaptureTests {
    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum("123456789") == 0xE306_9283)
        #expect(CRC32C.checksum("") == 0)
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        bytes.withUnsafeBytes { b in
            let sw = ~CRC32C.software(~0, b)
            #expect(CRC32C.checksum(b) == sw)
            if CRC32C.usesHardware { #expect(~CRC32C.hardware(~0, b) == sw) }
            // Incremental equals one-shot, at every split.
            for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
                let a = UnsafeRawBufferPointer(rebasing: b[0..<cut]), c = UnsafeRawBufferPointer(rebasing: b[cut...])
                #expect(CRC32C.update(CRC32C.update(0, a), c) == sw)
            }
        }
    }

    @Test func writerReaderRoundTripWithEveryFsyncPolicy() throws {
        for (n, policy) in [CaptureFsyncPolicy.none, .everyRecords(3), .everyRecord].enumerated() {
            let path = TestScratch.path("rt\(n)")
            var w = try CaptureWriter(path: path, venue: .binanceSpot, symbols: ["ETHUSDT", "BTCUSDT"], fsync: policy, bufferBytes: 4096)
            var expected: [(Int64, UInt16, [UInt8])] = []
            for i in 0..<200 {
                let payload = Array("frame \(i) ".utf8) + [UInt8](repeating: UInt8(i & 0xFF), count: i * 37 % 9000)
                let channel = i % 5 == 0 ? CaptureChannel.restDepthSnapshot(symbolIndex: 1) : .websocket
                try w.append(receiveTime: Nanos(raw: Int64(i) * 1000), channel: channel, contents: payload)
                expected.append((Int64(i) * 1000, channel.raw, payload))
            }
            try w.close()
            let c = try CaptureReader.read(path: path)
            #expect(c.tornTail == nil)
            #expect(c.frames.venue == .binanceSpot && c.frames.symbols == ["ETHUSDT", "BTCUSDT"])
            #expect(c.frames.count == expected.count)
            for (i, e) in expected.enumerated() {
                #expect(c.frames.frames[i].receiveTime.raw == e.0 && c.frames.frames[i].channel.raw == e.1 && c.frames.frameBytes(i) == e.2)
            }
        }
    }

    @Test func tornTailIsReportedByTheReaderAndTruncatedByTheWriter() throws {
        let path = TestScratch.path("torn")
        var w = try CaptureWriter(path: path, venue: .bybitLinear, symbols: ["BTCUSDT"])
        for i in 0..<10 { try w.append(receiveTime: Nanos(raw: Int64(i)), channel: .websocket, contents: Array("record \(i)".utf8)) }
        try w.close()
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        // 1) a partial record at the end
        var partial = good
        partial.append(contentsOf: [0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3])
        try partial.write(to: URL(fileURLWithPath: path))
        var c = try CaptureReader.read(path: path)
        #expect(c.frames.count == 10 && c.tornTail?.offset == good.count && c.tornTail?.bytes == 11)
        // 2) a flipped byte in the last record: bad CRC, the reader stops before it
        var flipped = good
        flipped[flipped.count - 6] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: path))
        c = try CaptureReader.read(path: path)
        #expect(c.frames.count == 9 && c.tornTail?.reason == "record CRC mismatch")
        // 3) the writer truncates the torn tail on open and appends after the last good record
        try partial.write(to: URL(fileURLWithPath: path))
        var w2 = try CaptureWriter(path: path, venue: nil, symbols: [])
        #expect(w2.truncatedTailBytes == 11 && w2.existingRecords == 10 && w2.symbols == ["BTCUSDT"] && w2.venue == .bybitLinear)
        try w2.append(receiveTime: Nanos(raw: 99), channel: .websocket, contents: Array("after".utf8))
        try w2.close()
        c = try CaptureReader.read(path: path)
        #expect(c.tornTail == nil && c.frames.count == 11 && c.frames.frameBytes(10) == Array("after".utf8))
        // 4) not a capture
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CaptureError.self) { _ = try CaptureReader.read(path: path) }
    }

    @Test func capturedRecordingReplaysIdentically() throws {
        // Import → write a capture → read it back → same frames, same oracle.
        let fx = try ReplayFixture(["binance/cryptofeed-2021/BINANCE.ws.1.0"])
        let path = TestScratch.path("cf")
        var w = try CaptureWriter(path: path, venue: fx.frames.venue, symbols: fx.frames.symbols)
        for i in 0..<fx.frames.count {
            let f = fx.frames.frames[i]
            try w.append(receiveTime: f.receiveTime, channel: f.channel, contents: fx.frames.frameBytes(i))
        }
        try w.close()
        #expect(try RecordingImporter.detectFormat(path: path) == .capture)
        let back = try RecordingImporter.load(path: path)
        #expect(back.count == fx.frames.count && back.symbols == fx.frames.symbols && back.venue == fx.frames.venue)
        #expect(back.frames.map(\.receiveTime) == fx.frames.frames.map(\.receiveTime))
        #expect(back.frames.map(\.channel) == fx.frames.frames.map(\.channel))
        for i in 0..<fx.frames.count { #expect(back.frameBytes(i) == fx.frames.frameBytes(i)) }
        var feed = fx.makeFeed()
        _ = BookReplay.run(back, routes: BookReplay.symbolRoutes(back, instruments: fx.instruments), feed: &feed)
        let checked = (0..<fx.instruments.count).reduce(0) { $0 + feed.oracle(InstrumentId(raw: UInt32($1))).checked }
        let matched = (0..<fx.instruments.count).reduce(0) { $0 + feed.oracle(InstrumentId(raw: UInt32($1))).matched }
        #expect(checked == 26 && matched == 26)
    }

    @Test func formatDetectionAndImportersAgreeWithTheTestReaders() throws {
        let expected: [String: RecordingFormat] = [
            "binance/spot/hftbacktest_spot_ethusdt_20240808.gz": .hftbacktest,
            "binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz": .hftbacktest,
            "binance/cryptofeed-2021/BINANCE.ws.1.0": .cryptofeed,
            "bybit/cryptofeed_v3_BYBIT_spot_ws3.txt": .hftbacktest,
            "bybit/nexustrader_orderbook1_BTCUSDT_linear.jsonl": .jsonl,
            "bybit/nautilus_2024-12-01_XRPUSDT_ob500.data": .jsonl,
        ]
        for (name, format) in expected {
            let path = MarketDataFiles.root.appendingPathComponent(name).path
            #expect(try RecordingImporter.detectFormat(path: path) == format, "\(name)")
            let frames = try RecordingImporter.load(path: path)
            let file = try #require(MarketDataFiles.file(name))
            var theirs = try file.frames()
            if file.format == .cryptofeedWebsocket, let http = MarketDataFiles.file(name.replacingOccurrences(of: ".ws.1.0", with: ".http.0.0")) {
                theirs = MarketDataFiles.mergedByTime([theirs, try http.frames()])
            }
            #expect(frames.count == theirs.count, "\(name)")
            for i in 0..<min(frames.count, theirs.count) where frames.frameBytes(i) != theirs[i].bytes {
                Issue.record("\(name): frame \(i) differs")
                break
            }
            if file.format != .jsonl {
                #expect(frames.frames.map(\.receiveTime) == theirs.map(\.receiveTime), "\(name)")
            }
        }
        #expect(RecordingImporter.venueFromURL("wss://fstream.binance.com/stream?streams=x") == .binanceUsdm)
        #expect(RecordingImporter.companionHTTPPath("/a/b/BINANCE.ws.1.0") == "/a/b/BINANCE.http.0.0")
    }

    @Test func gzipRejectsCorruptInput() {
        #expect(throws: CaptureError.self) { _ = try Gzip.decompress([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]) }
    }
}
