import Foundation
import Testing
import HFTPrimitives
@testable import MarketData
import HFTTestSupport

/// The specialised paths of the Binance depth-diff decoder — `BinanceParser.fastFrame` (wrapper and
/// payload in Binance's own form) and the fast level run with its zero-padded tail — against the
/// general walker and the reference decoder: on every real message, and on rewritten messages that
/// must leave the fast paths (whitespace, other key orders, extra keys and elements, escapes, long
/// numbers, truncation) and still decode exactly as the reference does.
@Suite struct ParserDepthFastPathTests {
    @Test func literalsAreTheirText() {
        typealias L = BinanceParser.DepthLiteral
        let cases: [(UInt64, String)] = [
            (L.streamHead, #"{"stream"#), (L.streamTail, #"":""#), (L.data, #","data":"#), (L.eventHead, #"{"e":"de"#),
            (L.eventMiddle, "pthUpdat"), (L.eventTail, #"e","E":"#), (L.transactionTime, #","T":"#), (L.symbol, #","s":""#),
            (L.firstUpdateId, #"","U":"#), (L.finalUpdateId, #","u":"#), (L.previousUpdateId, #","pu":"#),
            (L.bids, #","b":"#), (L.asks, #","a":"#),
        ]
        for (packed, text) in cases {
            #expect(JSONKey.pack(text).word == packed, "\(text)")
        }
        #expect(#"{"e":"de"# + "pthUpdat" + #"e","E":"# == #"{"e":"depthUpdate","E":"#)
    }

    /// Every real Binance frame: where `fastFrame` answers, its result (header, levels, trades)
    /// equals the general walker's; every depth diff of the hb captures is answered by it.
    @Test(arguments: try MarketDataFiles.all().filter(\.isBinance))
    func realFramesTakeTheFastPathWithTheWalkersResult(_ file: CaptureFile) throws {
        let frames = try file.frames()
        let specs = ReferenceDecoder.inferSpecs(try ParserDifferentialTests.framesForSpecs(file, frames), venue: file.venue)
        var h = ParserHarness(venue: file.venue, specs: specs)
        var diffs = 0
        var fastDiffs = 0
        var fastOther = 0
        for frame in frames where frame.kind == .websocket {
            let walked = h.walked(frame.bytes, receiveTime: frame.receiveTime)
            let isDiff: Bool
            if case .depth = walked { isDiff = true } else { isDiff = false }
            if isDiff { diffs += 1 }
            guard let fast = h.fastFrame(frame.bytes, receiveTime: frame.receiveTime) else { continue }
            if isDiff { fastDiffs += 1 } else { fastOther += 1 }
            if fast != walked {
                Issue.record("\(file.name):\(frame.line): fast path \(fast) != walker \(walked)")
            }
        }
        print("depth fast path: \(file.name): \(fastDiffs)/\(diffs) diffs and \(fastOther) other frames on the fast path")
        if file.format == .hb {
            #expect(diffs > 0 && fastDiffs == diffs)
        }
    }

    /// Rewritten real diffs that leave the fast paths decode as the reference decoder does; the fast
    /// frame path declines those that change the wrapper's form, the depth payload path those that
    /// change the payload's (the wrapper path then hands the payload to the general walker).
    @Test func rewrittenDiffsLeaveTheFastPathAndMatchTheReference() throws {
        var variantsChecked = 0
        for name in ["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz", "binance/spot/hftbacktest_spot_ethusdt_20240808.gz"] {
            let file = try #require(MarketDataFiles.file(name))
            let frames = try file.frames()
            let specs = ReferenceDecoder.inferSpecs(frames, venue: file.venue)
            var h = ParserHarness(venue: file.venue, specs: specs)
            let diffs = frames.filter { $0.text.contains("\"e\":\"depthUpdate\"") }
            for frame in stride(from: 0, to: diffs.count, by: 211).map({ diffs[$0] }) {
                let text = frame.text
                let original = h.slow(frame.bytes)
                guard case .depth(_, let bids, let asks) = original, !bids.isEmpty, !asks.isEmpty else { continue }
                #expect(h.fast(frame.bytes) == original)
                let payload = ParserDepthFastPathTests.payload(of: text)
                // (rewritten text, which fast path must decline it)
                let variants: [(String, Declined)] = [
                    (text.replacingOccurrences(of: #","s":"#, with: #", "s":"#), .payload),
                    (text.replacingOccurrences(of: #","u":"#, with: #","u" :"#), .payload),
                    // Whitespace before an integer value is read through by both paths (readUInt64).
                    (text.replacingOccurrences(of: #""E":"#, with: #""E": "#), .none),
                    (text.replacingOccurrences(of: #""data":{"#, with: #""data": {"#), .frame),
                    (text + " \n", .frame),
                    (" " + text, .frame),
                    (text.replacingOccurrences(of: #"{"e":"depthUpdate","#, with: #"{"x":[1,{"y":"\u00e9\""}],"e":"depthUpdate","#), .payload),
                    (text.replacingOccurrences(of: #""data":{"#, with: #""extra":[1,2],"data":{"#), .frame),
                    (ParserDepthFastPathTests.moveSymbolFirst(text), .payload),
                    (ParserDepthFastPathTests.swapSides(text), .payload),
                    (text.replacingOccurrences(of: #"{"stream":""#, with: #"{"stream" : ""#), .frame),
                    // Raw payload (no wrapper): on the fast path; its level tail is the frame's end.
                    (payload, .none),
                    (payload + "\t", .frame),
                    // Level forms the fast level run refuses (readLevel/DecimalParser take them).
                    (ParserDepthFastPathTests.betweenPriceAndQuantity(of: text, #"", ""#), .none),
                    (ParserDepthFastPathTests.replacingFirst(in: text, #""],["#, with: #""] , ["#), .none),
                    (ParserDepthFastPathTests.replacingFirst(in: text, #""],["#, with: #"",[]],["#), .none),
                    (ParserDepthFastPathTests.replacingLast(in: text, #""]]}}"#, with: #"",{"z":null}]]}}"#), .none),
                    (ParserDepthFastPathTests.replacingLast(in: text, #""]]}}"#, with: #"" ] ]}}"#), .none),
                    (ParserDepthFastPathTests.replacingLast(in: text, #""]]}}"#, with: #"00000000000000"]]}}"#), .none),
                    (ParserDepthFastPathTests.betweenPriceAndQuantity(of: text, #"0000000000000",""#), .none),
                ]
                if case .depth = h.slow(Array(payload.utf8)) {} else { Issue.record("raw payload not a diff: \(payload.prefix(80))") }
                // The symbol with an escape: refused by both paths as before (the reference would unescape it).
                let escaped = text.replacingOccurrences(of: #""s":"ETHUSDT""#, with: #""s":"ETHUSD\u0054""#)
                let escapedTaken = h.fastDepthPayloadTakes(Array(escaped.utf8))
                #expect(!escapedTaken)
                #expect(h.fast(Array(escaped.utf8)) == .failure)
                // An unknown symbol: declined by the fast path, refused by the walker.
                let unknown = Array(text.replacingOccurrences(of: #""s":"ETHUSDT""#, with: #""s":"ETHBTC""#).utf8)
                let unknownTaken = h.fastDepthPayloadTakes(unknown)
                #expect(!unknownTaken)
                #expect(h.parsed(unknown).failureCode == .unknownSymbol)
                for (variant, declined) in variants {
                    let bytes = Array(variant.utf8)
                    if variant == text { Issue.record("rewrite did not change the frame"); continue }
                    switch declined {
                    case .frame:
                        #expect(h.fastFrame(bytes) == nil, "fast frame path took \(variant.prefix(120))")
                    case .payload:
                        let taken = h.fastDepthPayloadTakes(bytes)
                        #expect(!taken, "fast payload path took \(variant.prefix(120))")
                    case .none:
                        #expect(h.fastFrame(bytes) != nil, "fast frame path declined \(variant.prefix(120))")
                    }
                    let fast = h.fast(bytes)
                    let walked = h.walked(bytes)
                    let reference = h.slow(bytes)
                    #expect(fast == reference, "\(variant.prefix(160))…")
                    #expect(walked == reference, "\(variant.prefix(160))…")
                    variantsChecked += 1
                }
                // Truncated in its last 64 bytes (where the padded tail runs): always a failure.
                for cut in max(0, frame.bytes.count - 64)..<frame.bytes.count {
                    let prefix = Array(frame.bytes[0..<cut])
                    #expect(h.fast(prefix) == .failure, "prefix of \(cut) bytes")
                    #expect(h.fastFrame(prefix) == nil || h.fastFrame(prefix) == .failure)
                }
            }
        }
        print("depth fast path: \(variantsChecked) rewritten diffs match the reference")
        #expect(variantsChecked > 200)
    }

    /// `fastDecimal` over random bytes (digits, points, quotes, signs, exponents, escapes, control
    /// and high bytes): wherever it answers, the text up to the quote it stopped at is a decimal
    /// `DecimalParser` reads to the same value, at every scale 0...10.
    @Test func fastDecimalOnRandomBytesAnswersOnlyWhatDecimalParserReads() {
        var rng = SplitMix64(seed: 4_242)
        let alphabet: [UInt8] = Array("0123456789012345678901234567890123456789....\"\"-+eE \\/x".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xAC, 0xAD, 0xB9, 0xFF]
        var answered = 0
        for _ in 0..<300_000 {
            let length = Int.random(in: 0...18, using: &rng)
            var bytes: [UInt8] = [UInt8(ascii: "\"")] + (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            bytes += [UInt8(ascii: "\"")] + [UInt8](repeating: 0x20, count: 40)
            let places = Int.random(in: 0...10, using: &rng)
            bytes.withUnsafeBufferPointer { b in
                let quote = b.baseAddress!
                guard let (value, after) = JSONCursor.fastDecimal(quote, places: places, scale: JSONCursor.scaleMultiplier(places: places)) else {
                    return
                }
                answered += 1
                let count = after - quote - 2
                #expect(count >= 0 && after[-1] == UInt8(ascii: "\""), "\(bytes.prefix(20))")
                guard count >= 0 else { return }
                #expect(!UnsafeBufferPointer(start: quote + 1, count: count).contains(UInt8(ascii: "\"")))
                let reference = DecimalParser.parse(quote + 1, count: count, places: places)
                #expect(reference == .value(value), "\(String(decoding: bytes.prefix(count + 2), as: UTF8.self)) at \(places)")
            }
        }
        #expect(answered > 1_000)
    }

    /// Levels whose numbers sit at every distance from the frame's end decode the same through the
    /// unpadded run (trailing whitespace keeps them far from the end) and the padded tail.
    @Test func levelsNearTheFrameEndDecodeAsFarFromIt() {
        var h = ParserHarness(venue: .binanceUsdm, specs: ["ETHUSDT": ParserDepthFastPathTests.usdm])
        var checked = 0
        for count in 1...6 {
            for digits in 0...5 {
                let fraction = String(repeating: "7", count: min(digits, 2))
                let levels = (0..<count).map { i in
                    "[\"\(2600 + i)\(fraction.isEmpty ? "" : ".")\(fraction)\",\"\(String(repeating: "1", count: digits + 1)).5\"]"
                }.joined(separator: ",")
                let tight = #"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"u":2,"b":[],"a":["# + levels + "]}"
                let padded = tight.replacingOccurrences(of: #"{"e":"#, with: #"{"pad":"\#(String(repeating: "x", count: 80))","e":"#) + String(repeating: " ", count: 80)
                let a = h.fast(Array(tight.utf8))
                let b = h.fast(Array(padded.utf8))
                #expect(a == h.slow(Array(tight.utf8)), "\(tight)")
                #expect(a == b, "\(tight)")
                guard case .depth(_, _, let asks) = a else {
                    Issue.record("not a diff: \(tight)")
                    continue
                }
                #expect(asks.count == count)
                checked += 1
            }
        }
        #expect(checked == 36)
    }

    /// Which fast path a rewritten frame must leave.
    enum Declined {
        /// `fastFrame` returns nil (the walker decodes the whole frame).
        case frame
        /// `fastDepthPayload` returns nil on the `data` object (the wrapper path walks the payload).
        case payload
        /// Neither: only the level run inside falls back (`readLevel`, `DecimalParser`).
        case none
    }

    static let usdm = InstrumentSpec(id: InstrumentId(raw: 3), venue: .binanceUsdm, priceScale: DecimalScale(places: 2),
                                     quantityScale: DecimalScale(places: 3))

    /// The `data` object of a combined-stream frame.
    static func payload(of text: String) -> String {
        let start = text.range(of: #""data":"#)!.upperBound
        return String(text[start..<text.index(before: text.endIndex)])
    }

    /// The first `","` between a price digit and a quantity digit replaced by `separator`.
    static func betweenPriceAndQuantity(of text: String, _ separator: String) -> String {
        guard let r = text.range(of: #"[0-9]","[0-9]"#, options: .regularExpression) else { return text }
        let inner = text.index(after: r.lowerBound)..<text.index(before: r.upperBound)
        return text.replacingCharacters(in: inner, with: separator)
    }

    static func replacingFirst(in text: String, _ target: String, with replacement: String) -> String {
        guard let r = text.range(of: target) else { return text }
        return text.replacingCharacters(in: r, with: replacement)
    }

    static func replacingLast(in text: String, _ target: String, with replacement: String) -> String {
        guard let r = text.range(of: target, options: .backwards) else { return text }
        return text.replacingCharacters(in: r, with: replacement)
    }

    /// `"s":"<symbol>",` moved to the front of the payload.
    static func moveSymbolFirst(_ text: String) -> String {
        guard let r = text.range(of: #","s":"[A-Z]+""#, options: .regularExpression) else { return text }
        let field = String(text[r].dropFirst())
        let without = text.replacingCharacters(in: r, with: "")
        return without.replacingOccurrences(of: #""data":{"#, with: #""data":{"# + field + ",")
    }

    /// `"b"` and `"a"` exchanged (the asks first, under their own keys).
    static func swapSides(_ text: String) -> String {
        guard let b = text.range(of: #","b":["#), let a = text.range(of: #"],"a":["#) else { return text }
        let bids = String(text[b.upperBound..<a.lowerBound])
        let asksEnd = text.index(text.endIndex, offsetBy: -3)
        let asks = String(text[a.upperBound..<asksEnd])
        return String(text[..<b.lowerBound]) + #","a":["# + asks + #"],"b":["# + bids + "]}}"
    }
}

extension ParserHarness {
    /// The general walker alone (`BinanceParser.parseWalking`).
    mutating func walked(_ bytes: [UInt8], receiveTime: Nanos = Nanos(raw: 7)) -> ReferenceMessage {
        let parsed = bytes.withUnsafeBytes { binance.parseWalking($0, receiveTime: receiveTime, levels: &levels, trades: &trades) }
        return ReferenceMessage(parsed, levels: levels, trades: trades)
    }

    /// True when `BinanceParser.fastDepthPayload` decodes the frame's `data` object (or the frame, if
    /// it has no wrapper) and ends where that object ends.
    mutating func fastDepthPayloadTakes(_ bytes: [UInt8]) -> Bool {
        levels.removeAll()
        let text = String(decoding: bytes, as: UTF8.self)
        let offset = text.range(of: #""data":"#).map { text.utf8.distance(from: text.utf8.startIndex, to: $0.upperBound) } ?? 0
        return bytes.withUnsafeBytes { raw -> Bool in
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var c = JSONCursor(start + offset, end: start + raw.count)
            let depth = offset == 0 ? 1 : 2
            guard binance.fastDepthPayload(&c, depth: depth, receiveTime: Nanos(raw: 7), levels: &levels) != nil else { return false }
            return c.p == start + raw.count - (depth - 1)
        }
    }

    /// `BinanceParser.fastFrame` alone: nil where it declines.
    mutating func fastFrame(_ bytes: [UInt8], receiveTime: Nanos = Nanos(raw: 7)) -> ReferenceMessage? {
        levels.removeAll()
        trades.removeAll()
        guard !bytes.isEmpty else { return nil }
        let parsed = bytes.withUnsafeBytes { raw -> ParsedMessage? in
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return binance.fastFrame(start, end: start + raw.count, receiveTime: receiveTime, levels: &levels, trades: &trades)
        }
        guard let parsed else { return nil }
        return ReferenceMessage(parsed, levels: levels, trades: trades)
    }
}
