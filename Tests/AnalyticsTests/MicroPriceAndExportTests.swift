import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData
import Testing
@testable import Analytics

struct MicroPriceAndExportTests {
    let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceSpot, priceScale: DecimalScale(places: 2),
                              quantityScale: DecimalScale(places: 3), tick: 1)

    func book(_ engine: inout FeatureEngine, bid: Int64, qb: Int64, ask: Int64, qa: Int64, t: Int64) -> FeatureUpdate {
        let b = [DepthLevel(price: Price(raw: bid), quantity: Quantity(raw: qb))]
        let a = [DepthLevel(price: Price(raw: ask), quantity: Quantity(raw: qa))]
        return b.withUnsafeBufferPointer { bb in
            a.withUnsafeBufferPointer { ab in engine.onBook(bids: bb, asks: ab, exchangeTime: Nanos(raw: t), receiveTime: .zero) }
        }
    }

    @Test func microPriceLooksUpTheTableAndFallsBackToWeightedMid() throws {
        let table = try TestConfigs.microTable()
        var e = try FeatureEngine(config: AnalyticsConfig(), instrument: spec, microPrice: table)
        let L = e.layout
        // Spread 1 tick, I = 3/4 → bucket 8 of 11: g = (8 − 5)/11 · 0.4 ticks.
        #expect(book(&e, bid: 10_000, qb: 3, ask: 10_001, qa: 1, t: 1) == .updated)
        let expectedMicro: Double = 100.005 + 3.0 / 11.0 * 0.4 * 0.01
        let expectedWeighted: Double = 0.75 * 100.01 + 0.25 * 100.0
        #expect(abs(e.features[L.microprice] - expectedMicro) < 1e-12)
        #expect(abs(e.features[L.weightedMid] - expectedWeighted) < 1e-12)
        // I = 1/2 sits in the middle bucket (odd count): micro-price = mid.
        _ = book(&e, bid: 10_000, qb: 2, ask: 10_001, qa: 2, t: 2)
        #expect(abs(e.features[L.microprice] - 100.005) < 1e-12)
        // Spread 3 ticks is outside the table: weighted mid.
        _ = book(&e, bid: 10_000, qb: 1, ask: 10_003, qa: 3, t: 3)
        #expect(e.features[L.microprice] == e.features[L.weightedMid])
        #expect(book(&e, bid: 10_003, qb: 1, ask: 10_003, qa: 3, t: 4) == .ignoredCrossed)
        #expect(e.crossedBooks == 1)
        // Symmetric buckets: I and 1 − I land in mirrored buckets.
        for n in [10, 11] {
            for i in 0...100 where i % 10 != 0 || n == 11 {
                let x = Double(i) / 100
                #expect(MicroPriceTable.bucket(imbalance: x, buckets: n) + MicroPriceTable.bucket(imbalance: 1 - x, buckets: n) == n - 1)
            }
        }
    }

    @Test func csvAndNpyWritersRoundTrip() throws {
        let e = try FeatureEngine(config: AnalyticsConfig(), instrument: spec)
        let dir = URL(fileURLWithPath: TestScratch.directory("features"))
        let csv = try FeatureCSVWriter(path: dir.appendingPathComponent("f.csv").path, schema: e.schema)
        let npy = try FeatureNPYWriter(path: dir.appendingPathComponent("f.npy").path, schema: e.schema, precision: .float64)
        var rows: [[Double]] = []
        for r in 0..<3 {
            let row = (0..<e.schema.count).map { Double($0) * 0.1 + Double(r) + 1e-17 * Double($0) }
            rows.append(row)
            try row.withUnsafeBufferPointer { b in
                try csv.append(time: 1_723_161_254_000_000_000 + Int64(r), event: r == 1 ? .trade : .book, features: b)
                try npy.append(time: 1_723_161_254_000_000_000 + Int64(r), event: r == 1 ? .trade : .book, features: b)
            }
        }
        try csv.close()
        try npy.close()
        let text = try String(contentsOf: dir.appendingPathComponent("f.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == Substring("time_ns,event," + e.schema.names.joined(separator: ",")))
        let cells = lines[2].split(separator: ",")
        #expect(cells[0] == "1723161254000000001" && cells[1] == "1")
        #expect(cells.dropFirst(2).map { Double($0)! } == rows[1])
        let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("f.npy")))
        #expect(bytes.count == 128 + 3 * (e.schema.count + 2) * 8)
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        #expect(header.contains("'shape': (3, \(e.schema.count + 2))") && header.contains("'<f8'") && header.hasSuffix("\n"))
        let v = bytes[(128 + 16)..<(128 + 24)].withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        #expect(v == rows[0][0])
        let bad = [0.0]
        #expect(throws: FeatureExportError.rowWidth(expected: e.schema.count, actual: 1)) {
            try bad.withUnsafeBufferPointer { try csv.append(time: 0, event: .book, features: $0) }
        }
    }
}
