import Analytics
import Engine
import Foundation
import HFTTestSupport
import Testing

/// `FeatureExport` (`hft features`) on the real Binance spot ETHUSDT captures.
@Suite(.serialized) struct FeatureExportTests {
    static let data = MarketDataDirectory.path
    static let spot08 = data + "/binance/spot/hftbacktest_spot_ethusdt_20240808.gz"
    static let spot09 = data + "/binance/spot/hftbacktest_spot_ethusdt_20240809.gz"

    /// Reads an `.npy` header without numpy: magic, version 1.0, little-endian header length, the dict.
    static func npyHeader(_ bytes: [UInt8]) throws -> (descr: String, rows: Int, columns: Int, dataOffset: Int) {
        try #require(bytes.count >= 10 && bytes[0] == 0x93 && Array(bytes[1..<6]) == Array("NUMPY".utf8) && bytes[6] == 1)
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        let dict = String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
        let descr = try #require(dict.firstMatch(of: /'descr': '([^']+)'/)).1
        #expect(dict.contains("'fortran_order': False"))
        let shape = try #require(dict.firstMatch(of: /'shape': \((\d+), (\d+)\)/))
        return (String(descr), try #require(Int(shape.1)), try #require(Int(shape.2)), 10 + length)
    }

    @Test func spotCaptureExportsOneRowPerEngineUpdate() throws {
        let dir = TestScratch.directory("feature-export-spot")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try FeatureExport.run(capturePaths: [Self.spot08], npyPath: dir + "/f.npy", csvPath: dir + "/f.csv", schemaPath: dir + "/s.json")

        // One row per update the feature engine reports: every book event it accepted and every trade.
        #expect(s.symbol == "ETHUSDT")
        #expect(s.frames == 33_618)
        #expect(s.rows == s.engineBookEvents + s.engineTradeEvents)
        #expect(s.bookRows == s.engineBookEvents && s.tradeRows == s.engineTradeEvents)
        #expect(s.tradeRows == 6_106)
        #expect(s.bookRows > 3_000 && s.bookRows <= 3_434)
        #expect(s.lastTime > s.firstTime)

        // The schema written is the live default schema.
        let schema = try FeatureSchema.load(json: try #require(FileManager.default.contents(atPath: dir + "/s.json")))
        let c = AnalyticsConfig()
        let live = FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0).1
        #expect(schema == live && s.schemaId == live.id && s.featureCount == live.count)

        // .npy: (rows, 2 + features) float64, and exactly that many bytes after the header.
        let npy = Array(try #require(FileManager.default.contents(atPath: dir + "/f.npy")))
        let h = try Self.npyHeader(npy)
        #expect(h.descr == "<f8" && h.rows == s.rows && h.columns == schema.count + 2)
        #expect(h.dataOffset % 64 == 0 && npy.count == h.dataOffset + h.rows * h.columns * 8)

        // CSV: header + one line per row, and the same values as the .npy.
        let csv = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/f.csv")), as: UTF8.self)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == s.rows + 1)
        #expect(lines.first.map(String.init) == "time_ns,event," + schema.names.joined(separator: ","))
        func npyValue(_ row: Int, _ column: Int) -> Double {
            npy.withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: h.dataOffset + 8 * (row * h.columns + column), as: UInt64.self))) }
        }
        for row in [0, 1, s.rows / 2, s.rows - 1] {
            let fields = lines[lines.startIndex + 1 + row].split(separator: ",").map(String.init)
            try #require(fields.count == h.columns)
            #expect(abs(Double(try #require(Int64(fields[0]))) / 1e9 - npyValue(row, 0)) < 1e-6)
            #expect(Double(fields[1]) == npyValue(row, 1))
            for k in 2..<h.columns { #expect(Double(fields[k]) == npyValue(row, k), "row \(row) column \(k)") }
        }
        let midColumn = 2 + (try #require(schema.index(of: "mid")))
        #expect(npyValue(s.rows - 1, midColumn) > 1000 && npyValue(s.rows - 1, midColumn) < 10_000)
    }

    @Test func consecutiveCapturesContinueOneBook() throws {
        let dir = TestScratch.directory("feature-export-b2b")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try FeatureExport.run(capturePaths: [Self.spot08], npyPath: nil, csvPath: dir + "/a.csv")
        let both = try FeatureExport.run(capturePaths: [Self.spot08, Self.spot09], npyPath: dir + "/b.npy", csvPath: nil)
        // 20240809 has no snapshot: its 3,036 diffs only make rows because the book of 20240808 continues.
        #expect(both.tradeRows == 6_106 + 8_409)
        #expect(both.bookRows > first.bookRows + 2_900)
        #expect(both.staleDepthUpdates == first.staleDepthUpdates)
        #expect(both.rows == both.engineBookEvents + both.engineTradeEvents)
        let h = try Self.npyHeader(Array(try #require(FileManager.default.contents(atPath: dir + "/b.npy"))))
        #expect(h.rows == both.rows)
    }

    @Test func refusesAnUnknownSymbolAndNoOutput() throws {
        #expect(throws: FeatureExportInputError.self) {
            _ = try FeatureExport.run(capturePaths: [Self.spot08], symbol: "BTCUSDT", npyPath: TestScratch.path("never", suffix: ".npy"))
        }
        #expect(throws: FeatureExportInputError.noOutput) { _ = try FeatureExport.run(capturePaths: [Self.spot08], npyPath: nil) }
        #expect(throws: FeatureExportInputError.noCaptures) { _ = try FeatureExport.run(capturePaths: [], npyPath: "x.npy") }
    }
}
