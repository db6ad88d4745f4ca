import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData
import Testing
@testable import Analytics

/// The offline loop on real data: replay → feature CSV (FeatureCSVWriter) →
/// `Tuning/analytics/microprice.py` and `fit_hmm.py` → JSON → loaded back by the engine, which then
/// runs with the estimated micro-price table and HMM. Calls python3 (numpy, hmmlearn) at test time.
@Suite(.serialized)
struct TuningPipelineTests {
    func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "\(args[0]) failed: \(e)")
        return o
    }

    @Test func microPriceAndHMMEstimatedFromExportedFeaturesLoadAndRun() throws {
        let data = try MarketReplay.load(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
        let dir = URL(fileURLWithPath: TestScratch.directory("tuning"))
        let csvPath = dir.appendingPathComponent("features.csv").path

        func replay(_ engine: inout FeatureEngine, into csv: FeatureCSVWriter?) throws {
            for event in data.events {
                switch event {
                case .book(let bids, let asks, let time):
                    let r = bids.withUnsafeBufferPointer { b in
                        asks.withUnsafeBufferPointer { a in engine.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time) }
                    }
                    if r == .updated { try csv?.append(time: engine.clock, event: .book, features: engine.features) }
                case .trade(let t):
                    _ = engine.onTrade(t)
                    try csv?.append(time: engine.clock, event: .trade, features: engine.features)
                }
            }
        }

        var plain = try FeatureEngine(config: AnalyticsConfig(), instrument: data.spec)
        let csv = try FeatureCSVWriter(path: csvPath, schema: plain.schema)
        try replay(&plain, into: csv)
        try csv.close()

        let root = HMMForwardFilterTests.packageRoot.appendingPathComponent("Tuning/analytics")
        let microJSON = dir.appendingPathComponent("micro.json")
        let hmmJSON = dir.appendingPathComponent("hmm.json")
        print("[analytics] " + (try run([root.appendingPathComponent("microprice.py").path, csvPath, microJSON.path,
                                         "--instrument", data.symbol])).trimmingCharacters(in: .whitespacesAndNewlines))
        print("[analytics] " + (try run([root.appendingPathComponent("fit_hmm.py").path, csvPath, hmmJSON.path,
                                         "--observations", "return_time,spread_ticks", "--states", "2",
                                         "--step-ns", "1000000000"])).trimmingCharacters(in: .whitespacesAndNewlines))
        let table = try MicroPriceTable.load(json: Data(contentsOf: microJSON))
        let hmm = try HMMParameters.load(json: Data(contentsOf: hmmJSON))
        // The symmetrised estimate is antisymmetric in the imbalance bucket: g(b) = −g(n−1−b).
        for row in table.adjustmentTicks {
            for b in 0..<table.imbalanceBuckets { #expect(abs(row[b] + row[table.imbalanceBuckets - 1 - b]) < 1e-9) }
        }
        // More bid-side imbalance pushes the micro-price up at spread 1.
        #expect(table.adjustmentTicks[0].last! > 0 && table.adjustmentTicks[0].first! < 0)

        var config = AnalyticsConfig()
        config.hmm = hmm
        var tuned = try FeatureEngine(config: config, instrument: data.spec, microPrice: table)
        try replay(&tuned, into: nil)
        let L = tuned.layout
        let p = tuned.features[L.hmm.lowerBound] + tuned.features[L.hmm.lowerBound + 1]
        #expect(abs(p - 1) < 1e-12)
        #expect(tuned.features[L.microprice] != tuned.features[L.weightedMid] || tuned.features[L.spreadTicks] > 2)
    }
}
