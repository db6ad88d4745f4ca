import Foundation
import Testing
import HFTPrimitives
@testable import MarketData
import HFTTestSupport

/// The fast parsers against the Foundation reference decoder on every real message of every capture.
@Suite struct ParserDifferentialTests {
    /// Message counts the data README states for the captures it lists (labels of `ReferenceMessage`).
    static let expectedCounts: [String: [String: Int]] = [
        "binance/spot/hftbacktest_spot_ethusdt_20240808.gz": ["snapshot": 1, "diff": 3_434, "trades": 6_106, "bookTicker": 24_077],
        "binance/spot/hftbacktest_spot_ethusdt_20240809.gz": ["diff": 3_036, "trades": 8_409, "bookTicker": 34_681],
        "binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz": ["snapshot": 1, "diff": 6_586, "trades": 14_076, "bookTicker": 53_992],
        "binance/cryptofeed-2021/BINANCE.ws.1.0": ["diff": 177, "bookTicker": 84, "trades": 2, "ignored.kline": 2],
        "binance/cryptofeed-2021/BINANCE.http.0.0": ["snapshot": 4],
        "binance/cryptofeed-2021/BINANCE_US.ws.1.0": ["diff": 336, "bookTicker": 128, "trades": 11, "ignored.kline": 5],
        "binance/cryptofeed-2021/BINANCE_US.http.0.0": ["snapshot": 4],
        "bybit/cryptofeed_v3_BYBIT_spot_ws3.txt": ["snapshot": 2, "diff": 548, "trades": 18, "ignored.ticker": 81, "ignored.kline": 25,
                                                   "control.subscribed": 7],
        "bybit/nexustrader_orderbook1_BTCUSDT_linear.jsonl": ["snapshot": 1, "diff": 2_353, "control.subscribed": 1],
        "bybit/nautilus_2024-12-01_XRPUSDT_ob500.data": ["snapshot": 1, "diff": 49],
    ]

    /// Specs for a cryptofeed `*.http.*` file come from its `*.ws.*` sibling too (same symbols).
    static func framesForSpecs(_ file: CaptureFile, _ frames: [RecordedFrame]) throws -> [RecordedFrame] {
        guard file.format == .cryptofeedHTTP || file.format == .cryptofeedWebsocket else { return frames }
        let sibling = file.format == .cryptofeedHTTP ? file.name.replacingOccurrences(of: ".http.0.0", with: ".ws.1.0")
            : file.name.replacingOccurrences(of: ".ws.1.0", with: ".http.0.0")
        guard let other = MarketDataFiles.file(sibling), FileManager.default.fileExists(atPath: other.url.path) else { return frames }
        return frames + (try other.frames())
    }

    /// The parameterised tests below find no cases without data: fail loudly instead of passing empty.
    @Test func theCapturesArePresent() throws {
        #expect(MarketDataFiles.isAvailable, "no market data at \(MarketDataFiles.root.path) (set HFT_MARKET_DATA)")
        let files = try MarketDataFiles.all()
        #expect(files.count >= 1)
        #expect(files.contains { $0.isBinance } && files.contains { !$0.isBinance })
    }

    @Test(arguments: try MarketDataFiles.all())
    func everyMessageMatchesTheReference(_ file: CaptureFile) throws {
        let frames = try file.frames()
        #expect(!frames.isEmpty, "\(file.name) has no frames")
        let specs = ReferenceDecoder.inferSpecs(try ParserDifferentialTests.framesForSpecs(file, frames), venue: file.venue)
        var h = ParserHarness(venue: file.venue, specs: specs)
        var counts: [String: Int] = [:]
        var tradeEvents = 0
        var levels = 0
        var mismatches = 0
        for frame in frames {
            var fast = h.fast(frame.bytes, receiveTime: frame.receiveTime)
            var slow = h.slow(frame.bytes, receiveTime: frame.receiveTime)
            if fast == slow, case .restSnapshot = frame.kind, fast == .ignored(.restSnapshot), let spec = h.snapshotSpec(frame) {
                fast = h.fastSnapshot(frame.bytes, spec: spec, receiveTime: frame.receiveTime)
                slow = h.reference.binanceSnapshot(frame.bytes, spec: spec, receiveTime: frame.receiveTime)
            }
            if fast != slow {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("\(file.name):\(frame.line): fast \(fast) != reference \(slow)")
                }
            }
            counts[fast.label, default: 0] += 1
            if case .trades(let t) = fast { tradeEvents += t.count }
            if case .depth(_, let b, let a) = fast { levels += b.count + a.count }
        }
        print("parser differential: \(file.name): \(frames.count) frames, \(levels) levels, \(tradeEvents) trade events, "
              + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        #expect(mismatches == 0, "\(file.name): \(mismatches) messages differ from the reference")
        #expect(counts["failure"] == nil, "\(file.name): \(counts["failure"] ?? 0) real messages failed to parse")
        if let expected = ParserDifferentialTests.expectedCounts[file.name] {
            #expect(counts == expected, "\(file.name): counts \(counts) != README \(expected)")
        }
    }

    /// Every real message rewritten with shuffled key order, random whitespace and unknown fields
    /// (nested containers, escaped strings, numbers) decodes exactly as the original.
    @Test(arguments: try MarketDataFiles.all())
    func reorderedKeysAndUnknownFieldsParseIdentically(_ file: CaptureFile) throws {
        let frames = try file.frames()
        let specs = ReferenceDecoder.inferSpecs(try ParserDifferentialTests.framesForSpecs(file, frames), venue: file.venue)
        var h = ParserHarness(venue: file.venue, specs: specs)
        var writer = ShuffledJSONWriter(rng: SplitMix64(seed: 0x5EED_0000 &+ UInt64(file.name.utf8.count)), addUnknownFields: true)
        // Every frame of the small captures, every 7th of the large ones (the debug-build test stays quick).
        let stride = frames.count > 5_000 ? 7 : 1
        var checked = 0
        var differences = 0
        for (n, frame) in frames.enumerated() where n % stride == 0 {
            let object = try JSONSerialization.jsonObject(with: Data(frame.bytes))
            let rewritten = Array(writer.write(object).utf8)
            var original = h.fast(frame.bytes)
            var shuffled = h.fast(rewritten)
            if case .restSnapshot = frame.kind, let spec = h.snapshotSpec(frame) {
                original = h.fastSnapshot(frame.bytes, spec: spec)
                shuffled = h.fastSnapshot(rewritten, spec: spec)
            }
            checked += 1
            if original != shuffled {
                differences += 1
                if differences <= 3 {
                    Issue.record("\(file.name):\(frame.line): shuffled \(shuffled) != original \(original)\n\(String(decoding: rewritten.prefix(400), as: UTF8.self))")
                }
            }
        }
        print("parser shuffled keys: \(file.name): \(checked) rewritten messages, \(differences) differences")
        #expect(differences == 0)
    }
}
