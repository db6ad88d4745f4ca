import Foundation
import Testing
import HFTPrimitives
@testable import MarketData
import HFTTestSupport

/// Bad input never crashes a parser, never yields market data that differs from the reference, and
/// the named failures come out where they should.
@Suite struct ParserMalformedInputTests {
    static let eth = InstrumentSpec(id: InstrumentId(raw: 1), venue: .binanceSpot, priceScale: DecimalScale(places: 8),
                                    quantityScale: DecimalScale(places: 8))
    static let ethUsdm = InstrumentSpec(id: InstrumentId(raw: 1), venue: .binanceUsdm, priceScale: DecimalScale(places: 2),
                                        quantityScale: DecimalScale(places: 3))
    static let btcBybit = InstrumentSpec(id: InstrumentId(raw: 2), venue: .bybitSpot, priceScale: DecimalScale(places: 2),
                                         quantityScale: DecimalScale(places: 6))
    static let ethBybit = InstrumentSpec(id: InstrumentId(raw: 3), venue: .bybitSpot, priceScale: DecimalScale(places: 2),
                                         quantityScale: DecimalScale(places: 5))

    /// A few real frames of each kind (from the captures), with the harness that decodes them.
    static func samples() throws -> [(VenueId, [String: InstrumentSpec], [UInt8])] {
        var out: [(VenueId, [String: InstrumentSpec], [UInt8])] = []
        func pick(_ file: String, _ venue: VenueId, _ specs: [String: InstrumentSpec], _ needles: [String]) throws {
            let frames = try #require(MarketDataFiles.file(file)).frames()
            for needle in needles {
                let frame = try #require(frames.first { $0.text.contains(needle) }, "\(file): no frame with \(needle)")
                out.append((venue, specs, frame.bytes))
            }
        }
        try pick("binance/spot/hftbacktest_spot_ethusdt_20240808.gz", .binanceSpot, ["ETHUSDT": eth],
                 ["@depth", "@trade", "@bookTicker"])
        try pick("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz", .binanceUsdm, ["ETHUSDT": ethUsdm],
                 ["@depth", "@trade", "@bookTicker"])
        try pick("bybit/cryptofeed_v3_BYBIT_spot_ws3.txt", .bybitSpot, ["BTCUSDT": btcBybit, "ETHUSDT": ethBybit],
                 ["\"type\":\"delta\"", "publicTrade", "\"success\""])
        return out
    }

    @Test func everyTruncationOfRealMessagesFails() throws {
        var checked = 0
        for (venue, specs, bytes) in try ParserMalformedInputTests.samples() {
            var h = ParserHarness(venue: venue, specs: specs)
            #expect(h.fast(bytes) == h.slow(bytes))
            #expect(h.fast(bytes).isMarketData || h.fast(bytes) == .control(.subscribed))
            for cut in 0..<bytes.count {
                let r = h.parsed(Array(bytes[0..<cut]))
                guard case .failure = r else {
                    Issue.record("prefix of \(cut)/\(bytes.count) bytes parsed as \(r)")
                    continue
                }
                checked += 1
            }
        }
        print("parser truncation: \(checked) truncated frames, all failures")
    }

    @Test func badNumbersAreNamedFailures() throws {
        var h = ParserHarness(venue: .binanceSpot, specs: ["ETHUSDT": ParserMalformedInputTests.eth])
        func depth(_ price: String, U: String = "35346513506") -> [UInt8] {
            Array(#"{"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255408,"s":"ETHUSDT","U":\#(U),"u":35346513512,"b":[["\#(price)","3.02920000"]],"a":[]}}"#.utf8)
        }
        func failure(_ bytes: [UInt8]) -> MarketDataParseError? {
            if case .failure(let e) = h.parsed(bytes) { return e }
            return nil
        }
        #expect(failure(depth("2683.80000000")) == nil)
        #expect(failure(depth("1.2.3")) == .invalidNumber)
        #expect(failure(depth("abc")) == .invalidNumber)
        #expect(failure(depth("")) == .invalidNumber)
        #expect(failure(depth("-1.5")) == .invalidNumber)
        #expect(failure(depth("1e5")) == .invalidNumber)
        #expect(failure(depth(" 1.5")) == .invalidNumber)
        #expect(failure(depth("2683.800000001")) == .tooManyFractionDigits)
        #expect(failure(depth("99999999999.5")) == .numberOverflow)
        #expect(failure(depth("99999999999999999999999")) == .numberOverflow)
        #expect(failure(depth(#"1\u0032"#)) == .unsupportedEscape)
        #expect(failure(depth("1", U: "99999999999999999999999")) == .numberOverflow)
        #expect(failure(depth("1", U: "1.5")) == .invalidNumber)
        #expect(failure(depth("1", U: "-3")) == .invalidNumber)
        #expect(failure(depth("1", U: "\"3\"")) == .unexpectedType)
        #expect(failure(depth("1", U: "03")) == .malformedJSON)
        // Extra trailing zeros are exact and accepted (the DecimalParser path).
        #expect(failure(depth("2683.8000000000000")) == nil)
        // Unknown symbol and missing fields.
        let unknown = Array(#"{"e":"depthUpdate","E":1,"s":"DOGEUSDT","U":1,"u":2,"b":[],"a":[]}"#.utf8)
        #expect(failure(unknown) == .unknownSymbol)
        let missing = Array(#"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"b":[],"a":[]}"#.utf8)
        #expect(failure(missing) == .missingField)
        let duplicate = Array(#"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"u":2,"u":3,"b":[],"a":[]}"#.utf8)
        #expect(failure(duplicate) == .duplicateField)
        #expect(failure([]) == .emptyFrame)
        #expect(failure(Array("{}x".utf8)) == .malformedJSON)
    }

    @Test func levelCapacityIsANamedFailureNotAReallocation() {
        let parser = BinanceParser(symbols: SymbolTable([(symbol: "ETHUSDT", spec: ParserMalformedInputTests.eth)]))
        var levels = DepthLevelBuffer(capacityPerSide: 3)
        var trades = TradeBuffer(capacity: 1)
        let four = Array(#"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"u":2,"b":[["1","1"],["2","1"],["3","1"],["4","1"]],"a":[]}"#.utf8)
        let three = Array(#"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"u":2,"b":[["1","1"],["2","1"],["3","1"]],"a":[["5","1"]]}"#.utf8)
        let r4 = four.withUnsafeBytes { parser.parse($0, receiveTime: .zero, levels: &levels, trades: &trades) }
        guard case .failure(.levelCapacityExceeded) = r4 else {
            Issue.record("expected levelCapacityExceeded, got \(r4)")
            return
        }
        let r3 = three.withUnsafeBytes { parser.parse($0, receiveTime: .zero, levels: &levels, trades: &trades) }
        guard case .depth(let h) = r3 else {
            Issue.record("expected depth, got \(r3)")
            return
        }
        #expect(h.bidCount == 3 && h.askCount == 1 && levels.capacityPerSide == 3)
        #expect(levels.bids.map(\.price.raw) == [100_000_000, 200_000_000, 300_000_000])
        let bybit = BybitParser(symbols: SymbolTable([(symbol: "BTCUSDT", spec: ParserMalformedInputTests.btcBybit)]))
        let trade = #"{"T":1,"s":"BTCUSDT","S":"Buy","v":"1","p":"2","i":"x","BT":false}"#
        let two = Array(#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[\#(trade),\#(trade)]}"#.utf8)
        let rt = two.withUnsafeBytes { bybit.parse($0, receiveTime: .zero, levels: &levels, trades: &trades) }
        guard case .failure(.tradeCapacityExceeded) = rt else {
            Issue.record("expected tradeCapacityExceeded, got \(rt)")
            return
        }
    }

    @Test func hugeAndDeepFramesFailCleanlyOrParse() {
        var h = ParserHarness(venue: .binanceSpot, specs: ["ETHUSDT": ParserMalformedInputTests.eth])
        // 10 MB of levels: more than the buffer holds.
        var big = #"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"u":2,"b":["#
        let level = #"["2683.80000000","3.02920000"],"#
        big.reserveCapacity(10_500_000)
        while big.utf8.count < 10_000_000 { big += level }
        big += #"["1","1"]],"a":[]}"#
        let bigBytes = Array(big.utf8)
        guard case .failure(.levelCapacityExceeded) = h.parsed(bigBytes) else {
            Issue.record("10 MB of levels did not fail with levelCapacityExceeded")
            return
        }
        // 10 MB inside an unknown field: skipped, the message still parses exactly.
        let filler = String(repeating: #"ab\"c\\d\u00e9 "#, count: 700_000)
        let padded = Array(#"{"zz":{"x":["\#(filler)",[1,2.5e-3,true,null]]},"e":"depthUpdate","E":1,"s":"ETHUSDT","U":1,"u":2,"b":[["1.5","2"]],"a":[]}"#.utf8)
        #expect(padded.count > 10_000_000)
        let parsed = h.fast(padded)
        #expect(parsed == h.slow(padded))
        #expect(parsed.isMarketData)
        // 10 MB of nesting: refused at the depth limit without recursion trouble.
        let deep = Array(#"{"zz":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 10_000_000)
        guard case .failure(.nestingTooDeep) = h.parsed(deep) else {
            Issue.record("deep nesting did not fail with nestingTooDeep")
            return
        }
    }

    @Test func binaryGarbageFails() {
        var rng = SplitMix64(seed: 42)
        for venue in [VenueId.binanceSpot, .bybitSpot] {
            var h = ParserHarness(venue: venue, specs: ["ETHUSDT": ParserMalformedInputTests.eth])
            for _ in 0..<20_000 {
                let n = Int.random(in: 0..<200, using: &rng)
                var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if Bool.random(using: &rng), !bytes.isEmpty { bytes[0] = UInt8(ascii: "{") }
                let r = h.parsed(bytes)
                if case .failure = r { continue }
                // Random bytes can only be accepted if they are a valid non-market message, never market data.
                #expect(!ReferenceMessage(r, levels: h.levels, trades: h.trades).isMarketData, "garbage parsed as \(r)")
            }
        }
    }

    /// Seeded random edits of real frames: whatever the fast parser accepts as market data, the
    /// reference decoder decodes identically (never a depth with wrong levels).
    @Test func randomMutationsNeverYieldWrongMarketData() throws {
        var rng = SplitMix64(seed: 0xF0220)
        let alphabet = Array(#"0123456789.-+eE"{}[],: tfnul\abcxyzABSUX"#.utf8)
        var outcomes: [String: Int] = [:]
        for (venue, specs, original) in try ParserMalformedInputTests.samples() {
            var h = ParserHarness(venue: venue, specs: specs)
            for _ in 0..<3_000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    guard !bytes.isEmpty else { break }
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                    case 1: bytes.remove(at: at)
                    case 2: bytes.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: at)
                    default:
                        let end = min(bytes.count, at + Int.random(in: 1...12, using: &rng))
                        bytes.insert(contentsOf: bytes[at..<end], at: at)
                    }
                }
                let fast = h.fast(bytes)
                outcomes[fast.label, default: 0] += 1
                if fast.isMarketData {
                    // Foundation refuses some valid JSON (numbers like 1723e61255612 overflow a Double); when
                    // such a number sits in a field the parsers do not read, there is no reference to compare.
                    guard (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil else {
                        outcomes["referenceRefusedJSON", default: 0] += 1
                        continue
                    }
                    let slow = h.slow(bytes)
                    #expect(fast == slow, "mutated \(venue) frame: fast \(fast) != reference \(slow): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
                }
            }
        }
        print("parser mutations: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        #expect((outcomes["failure"] ?? 0) > 0)
        #expect((outcomes["referenceRefusedJSON"] ?? 0) < 100)
    }
}
