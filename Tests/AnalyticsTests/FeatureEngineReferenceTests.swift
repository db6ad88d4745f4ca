import Foundation
import HFTPrimitives
import MarketData
import Testing
@testable import Analytics

/// Every feature against the from-scratch reference at every event of real captures.
@Suite(.serialized)
struct FeatureEngineReferenceTests {
    static let recordings: [[String]] = [
        ["binance/spot/hftbacktest_spot_ethusdt_20240808.gz", "binance/spot/hftbacktest_spot_ethusdt_20240809.gz"],
        ["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"],
    ]

    /// Tolerance per feature: |engine − reference| ≤ abs + rel · max(|engine|, |reference|).
    static func tolerance(_ name: String) -> (abs: Double, rel: Double) {
        switch name {
        case "rv_window", "bv_window": (1e-20, 1e-7)
        case "jump_share": (1e-6, 0)
        case "rv_ewma": (1e-15, 1e-9)
        default: (1e-9, 1e-9)
        }
    }

    @Test(arguments: recordings)
    func everyFeatureMatchesTheReferenceAtEveryEvent(_ files: [String]) throws {
        let data = try MarketReplay.load(files)
        let config = try TestConfigs.realData()
        let micro = try TestConfigs.microTable()
        var engine = try FeatureEngine(config: config, instrument: data.spec, microPrice: micro)
        let reference = ReferenceFeatures(config: config, spec: data.spec, micro: micro)
        let names = engine.schema.names
        var maxError = [Double](repeating: 0, count: names.count)
        var failures = [Int](repeating: 0, count: names.count)
        var firstFailure: [Int: String] = [:]
        var books = 0, trades = 0
        var nonConstant = Set<Int>()
        var previous: [Double] = []
        for (index, event) in data.events.enumerated() {
            let result: FeatureUpdate
            switch event {
            case .book(let bids, let asks, let time):
                result = bids.withUnsafeBufferPointer { b in
                    asks.withUnsafeBufferPointer { a in engine.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time) }
                }
                reference.onBook(bids: bids, asks: asks, time: time.raw)
                books += 1
            case .trade(let t):
                result = engine.onTrade(t)
                reference.onTrade(t)
                trades += 1
            }
            #expect(result == .updated)
            let got = Array(engine.features)
            for i in 0..<names.count {
                let (a, r) = Self.tolerance(names[i])
                let e = abs(got[i] - reference.vec[i])
                let bound = a + r * max(abs(got[i]), abs(reference.vec[i]))
                if !(e <= bound) {
                    failures[i] += 1
                    if firstFailure[i] == nil { firstFailure[i] = "event \(index): engine \(got[i]) reference \(reference.vec[i])" }
                }
                if e.isFinite { maxError[i] = max(maxError[i], e) }
                if !previous.isEmpty, got[i] != previous[i] { nonConstant.insert(i) }
            }
            previous = got
        }
        #expect(engine.bookWindowEvictions == 0 && engine.tradeWindowEvictions == 0 && engine.profileCapacityEvictions == 0)
        #expect(engine.rollingProfileDroppedVolume == 0 && engine.sessionProfileDroppedVolume == 0)
        print("[analytics] \(files[0]): \(data.symbol) tick \(data.spec.tick) scales \(data.spec.priceScale)/\(data.spec.quantityScale); \(books) book events, \(trades) trades, \(names.count) features compared at every event")
        for i in 0..<names.count where failures[i] > 0 {
            Issue.record("\(names[i]): \(failures[i]) events out of tolerance; first at \(firstFailure[i]!); max error \(maxError[i])")
        }
        let constant = (0..<names.count).filter { !nonConstant.contains($0) }.map { names[$0] }
        print("[analytics] features that never changed on this capture: \(constant)")
        print("[analytics] max |engine − reference|: " + (0..<names.count).map { "\(names[$0])=\(maxError[$0])" }.joined(separator: " "))
        #expect(books > 1000 && trades > 1000)
    }
}
