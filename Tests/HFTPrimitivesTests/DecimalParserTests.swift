import Foundation
import Testing
@testable import HFTPrimitives

/// Reference conversion through Foundation's `Decimal` (38 significant digits, exact here).
private func reference(_ text: String, places: Int) -> Int64? {
    guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
    var scaled = d * pow(Decimal(10), places)
    var rounded = Decimal()
    NSDecimalRound(&rounded, &scaled, 0, .plain)
    guard rounded == scaled else { return nil }  // not exact at this scale
    let n = NSDecimalNumber(decimal: rounded)
    guard n.compare(NSDecimalNumber(value: Int64.max)) != .orderedDescending,
          n.compare(NSDecimalNumber(value: -Int64.max)) != .orderedAscending else { return nil }
    return n.int64Value
}

@Suite struct DecimalParserTests {
    @Test(arguments: [
        ("0", 0, Int64(0)), ("0", 8, 0), ("-0", 2, 0), ("1", 0, 1), ("1", 8, 100_000_000),
        ("3012.34", 2, 301_234), ("3012.34000000", 2, 301_234), ("0.00000637", 8, 637),
        (".5", 1, 5), ("5.", 1, 50), ("-0.05", 2, -5), ("-12.5", 3, -12_500),
        ("9223372036854775807", 0, Int64.max), ("9.223372036854775807", 18, Int64.max),
        ("0.000000000000000001", 18, 1), ("000123.4500", 2, 12_345),
    ])
    func edgeCases(text: String, places: Int, expected: Int64) throws {
        #expect(try DecimalParser.parse(text, places: places) == expected)
        #expect(reference(text, places: places) == expected)
    }

    @Test func errorsAreNamed() {
        #expect(throws: DecimalParseError.empty) { try DecimalParser.parse("", places: 2) }
        #expect(throws: DecimalParseError.empty) { try DecimalParser.parse("-", places: 2) }
        #expect(throws: DecimalParseError.empty) { try DecimalParser.parse(".", places: 2) }
        #expect(throws: DecimalParseError.invalidCharacter(offset: 1)) { try DecimalParser.parse("1x", places: 2) }
        #expect(throws: DecimalParseError.invalidCharacter(offset: 3)) { try DecimalParser.parse("1.2.3", places: 4) }
        #expect(throws: DecimalParseError.invalidCharacter(offset: 1)) { try DecimalParser.parse("1e5", places: 2) }
        #expect(throws: DecimalParseError.invalidCharacter(offset: 0)) { try DecimalParser.parse("+1", places: 2) }
        #expect(throws: DecimalParseError.invalidCharacter(offset: 1)) { try DecimalParser.parse("--1", places: 2) }
        #expect(throws: DecimalParseError.tooManyFractionDigits) { try DecimalParser.parse("0.123", places: 2) }
        #expect(throws: DecimalParseError.tooManyFractionDigits) { try DecimalParser.parse("0.1000000000000000001", places: 18) }
        #expect(throws: DecimalParseError.overflow) { try DecimalParser.parse("9223372036854775808", places: 0) }
        #expect(throws: DecimalParseError.overflow) { try DecimalParser.parse("10", places: 18) }
        #expect(throws: DecimalParseError.overflow) { try DecimalParser.parse("123456789012345678901234567890", places: 0) }
    }

    @Test func randomAgainstDecimalReference() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let places = Int.random(in: 0...18, using: &rng)
            let intDigits = Int.random(in: 0...12, using: &rng)
            let fracDigits = Int.random(in: 0...20, using: &rng)
            var s = Bool.random(using: &rng) ? "-" : ""
            for _ in 0..<intDigits { s.append(Character(String(Int.random(in: 0...9, using: &rng)))) }
            if fracDigits > 0 || intDigits == 0 { s.append(".") }
            for _ in 0..<fracDigits { s.append(Character(String(Int.random(in: 0...9, using: &rng)))) }
            if intDigits == 0 && fracDigits == 0 { s.append("0") }
            let expected = reference(s, places: places)
            let actual = try? DecimalParser.parse(s, places: places)
            #expect(actual == expected, "\(s) at \(places) places")
            if let v = actual {
                // Formatting back is exact and canonical: it parses to the same raw value.
                let text = DecimalFormatter.string(v, places: places)
                #expect(try DecimalParser.parse(text, places: places) == v)
                #expect(reference(text, places: places) == v)
            }
        }
    }

    @Test(arguments: [
        (Int64(301_234), 2, "3012.34"), (100_000_000, 8, "1"), (637, 8, "0.00000637"), (-5, 2, "-0.05"),
        (0, 4, "0"), (Int64.max, 0, "9223372036854775807"), (Int64.max, 18, "9.223372036854775807"),
        (-Int64.max, 18, "-9.223372036854775807"), (1, 18, "0.000000000000000001"), (120, 1, "12"),
    ])
    func formatting(raw: Int64, places: Int, expected: String) {
        #expect(DecimalFormatter.string(raw, places: places) == expected)
    }

    @Test func minFractionDigitsPads() {
        #expect(DecimalFormatter.string(120, places: 2, minFractionDigits: 2) == "1.20")
        #expect(DecimalFormatter.string(100, places: 2, minFractionDigits: 1) == "1.0")
    }

    @Test func priceAndQuantityRoundTrip() throws {
        let scale = DecimalScale(places: 2)
        let p = try Price("2650.17", scale: scale)
        #expect(p.raw == 265_017)
        #expect(p.formatted(scale: scale) == "2650.17")
        let q = try Quantity("0.00100000", scale: DecimalScale(places: 4))
        #expect(q.raw == 10)
    }
}

@Suite struct LayoutTests {
    @Test func primitivesAreEightBytesOrLess() {
        #expect(MemoryLayout<Price>.size == 8)
        #expect(MemoryLayout<Quantity>.size == 8)
        #expect(MemoryLayout<Nanos>.size == 8)
        #expect(MemoryLayout<Side>.size == 1)
        #expect(MemoryLayout<VenueId>.size == 1)
        #expect(MemoryLayout<DecimalParseResult>.size <= 17)
    }
}
