import Testing
import HFTPrimitives
@testable import MarketData
import HFTTestSupport

/// The eight-bytes-at-a-time decimal path agrees with `DecimalParser` wherever it answers, and
/// answers on the shapes the venues send.
@Suite struct ParserFastDecimalTests {
    /// Runs the fast path on `text` quoted, in a buffer with room to spare.
    static func fast(_ text: String, places: Int) -> Int64?? {
        var bytes = Array("\"\(text)\"".utf8)
        let length = bytes.count
        bytes += Array(#"],["1","2"]]}"#.utf8) + [UInt8](repeating: 0x20, count: 48)
        return bytes.withUnsafeBufferPointer { b -> Int64?? in
            guard let (v, after) = JSONCursor.fastDecimal(b.baseAddress!, places: places, scale: JSONCursor.scaleMultiplier(places: places)) else {
                return .some(nil)
            }
            guard after - b.baseAddress! == length else { return nil }
            return .some(v)
        }
    }

    @Test func agreesWithDecimalParserOnGeneratedStrings() {
        var rng = SplitMix64(seed: 77)
        let pieces = Array("0123456789".utf8)
        var answered = 0
        var total = 0
        for _ in 0..<200_000 {
            let places = Int.random(in: 0...10, using: &rng)
            let integerDigits = Int.random(in: 0...9, using: &rng)
            let fractionDigits = Int.random(in: 0...10, using: &rng)
            var text = String(decoding: (0..<integerDigits).map { _ in pieces[Int.random(in: 0..<10, using: &rng)] }, as: UTF8.self)
            if Int.random(in: 0..<5, using: &rng) > 0 {
                text += "." + String(decoding: (0..<fractionDigits).map { _ in pieces[Int.random(in: 0..<10, using: &rng)] }, as: UTF8.self)
            }
            if Int.random(in: 0..<20, using: &rng) == 0, !text.isEmpty {
                var u = Array(text.utf8)
                u[Int.random(in: 0..<u.count, using: &rng)] = Array("-x.e \\/".utf8)[Int.random(in: 0..<7, using: &rng)]
                text = String(decoding: u, as: UTF8.self)
            }
            total += 1
            guard let answer = ParserFastDecimalTests.fast(text, places: places) else {
                Issue.record("fast path ended at the wrong byte for \(text)")
                continue
            }
            guard let value = answer else { continue }
            answered += 1
            var copy = text
            let reference = copy.withUTF8 { DecimalParser.parse($0, places: places) }
            #expect(reference == .value(value), "\(text) at \(places)")
        }
        print("fast decimal: \(answered) of \(total) generated strings on the fast path, all equal to DecimalParser")
        #expect(answered > total / 3)
    }

    @Test func takesTheVenueShapes() {
        #expect(ParserFastDecimalTests.fast("2683.80000000", places: 8) == .some(268_380_000_000))
        #expect(ParserFastDecimalTests.fast("0.00000637", places: 8) == .some(637))
        #expect(ParserFastDecimalTests.fast("26097.00000000", places: 8) == .some(2_609_700_000_000))
        #expect(ParserFastDecimalTests.fast("2677.35", places: 2) == .some(267_735))
        #expect(ParserFastDecimalTests.fast("0.085", places: 3) == .some(85))
        #expect(ParserFastDecimalTests.fast("6203", places: 0) == .some(6_203))
        #expect(ParserFastDecimalTests.fast("65239", places: 1) == .some(652_390))
        #expect(ParserFastDecimalTests.fast("1.", places: 2) == .some(100))
        #expect(ParserFastDecimalTests.fast(".5", places: 2) == .some(50))
        // Not on the fast path (DecimalParser decides): signs, empty, extra digits, long strings.
        #expect(ParserFastDecimalTests.fast("-1", places: 2) == .some(nil))
        #expect(ParserFastDecimalTests.fast("", places: 2) == .some(nil))
        #expect(ParserFastDecimalTests.fast(".", places: 2) == .some(nil))
        #expect(ParserFastDecimalTests.fast("1.234", places: 2) == .some(nil))
        #expect(ParserFastDecimalTests.fast("1234567890123456", places: 0) == .some(nil))
    }
}
