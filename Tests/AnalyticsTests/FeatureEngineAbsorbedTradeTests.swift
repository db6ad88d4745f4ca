import Foundation
import HFTPrimitives
import MarketData
import Testing
@testable import Analytics

/// `absorbTrade` (the Signals stage's call) against `onTrade` on real captures: after every book
/// event, and after every `refreshVector()`, the vector is the one `onTrade` leaves, bit for bit.
@Suite(.serialized)
struct FeatureEngineAbsorbedTradeTests {
    static let recordings: [[String]] = [
        ["binance/spot/hftbacktest_spot_ethusdt_20240808.gz", "binance/spot/hftbacktest_spot_ethusdt_20240809.gz"],
        ["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"],
    ]

    /// The engine's defaults (1-tick bins, 5-minute rolling profile, recomputed on every change:
    /// what `hft run` and `hft bench` use); the tests' short windows (5- and 10-tick bins, a
    /// 1-minute rolling profile, 2-minute sessions, an HMM) recomputed on every change; and the
    /// same throttled to 100 ms, where `absorbTrade` is `onTrade`.
    static let configs = ["default", "short windows", "short windows, throttled"]

    static func config(_ name: String) throws -> AnalyticsConfig {
        switch name {
        case "default": return AnalyticsConfig()
        case "short windows":
            var c = try TestConfigs.realData()
            c.profileRefreshNanos = 0
            return c
        default: return try TestConfigs.realData()
        }
    }

    static func same(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Bool {
        zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: recordings, configs)
    func absorbedTradesLeaveTheSameVectorAsOnTrade(_ files: [String], _ configName: String) throws {
        let data = try MarketReplay.load(files, depth: 20)
        let config = try Self.config(configName)
        let micro = try TestConfigs.microTable()
        var eager = try FeatureEngine(config: config, instrument: data.spec, microPrice: micro)
        // Refreshed only by book events, and refreshed after every third trade too.
        var absorbing = try FeatureEngine(config: config, instrument: data.spec, microPrice: micro)
        var refreshing = try FeatureEngine(config: config, instrument: data.spec, microPrice: micro)
        let deferred = config.profileRefreshNanos == 0
        var books = 0, trades = 0, refreshed = 0
        var bookMismatches = 0, refreshMismatches = 0, pendingWrong = 0
        // Trades after which the absorbing engine's (not yet rewritten) vector differs from onTrade's:
        // the deferral is real, so the equality after the book events is not two eager engines agreeing.
        var staleAfterTrade = 0
        var firstMismatch: String?
        for (index, event) in data.events.enumerated() {
            switch event {
            case .book(let bids, let asks, let time):
                let results = bids.withUnsafeBufferPointer { b in
                    asks.withUnsafeBufferPointer { a in
                        [eager.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time),
                         absorbing.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time),
                         refreshing.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time)]
                    }
                }
                #expect(Set(results).count == 1)
                guard results[0] == .updated else { continue }
                books += 1
                if absorbing.vectorPending || refreshing.vectorPending { pendingWrong += 1 }
                if !Self.same(eager.features, absorbing.features) || !Self.same(eager.features, refreshing.features) {
                    bookMismatches += 1
                    firstMismatch = firstMismatch ?? "book event \(index)"
                }
            case .trade(let t):
                _ = eager.onTrade(t)
                absorbing.absorbTrade(t)
                refreshing.absorbTrade(t)
                trades += 1
                if absorbing.vectorPending != deferred { pendingWrong += 1 }
                if !Self.same(eager.features, absorbing.features) { staleAfterTrade += 1 }
                if trades % 3 == 0 {
                    refreshing.refreshVector()
                    refreshed += 1
                    if refreshing.vectorPending { pendingWrong += 1 }
                    if !Self.same(eager.features, refreshing.features) {
                        refreshMismatches += 1
                        firstMismatch = firstMismatch ?? "refresh after trade event \(index)"
                    }
                }
            }
        }
        print("[analytics] absorbTrade, \(files[0]), \(configName): \(books) book events and \(refreshed) refreshes compared bit for bit; "
            + "the vector was stale after \(staleAfterTrade) of \(trades) absorbed trades")
        #expect(books > 1000 && trades > 1000)
        #expect(bookMismatches == 0, "first at \(firstMismatch ?? "-")")
        #expect(refreshMismatches == 0, "first at \(firstMismatch ?? "-")")
        #expect(pendingWrong == 0)
        if deferred {
            #expect(staleAfterTrade > trades / 2)
        } else {
            #expect(staleAfterTrade == 0)
        }
        #expect(eager.tradeWindowEvictions == absorbing.tradeWindowEvictions)
        #expect(eager.profileCapacityEvictions == absorbing.profileCapacityEvictions)
        #expect(eager.rollingProfileDroppedVolume == absorbing.rollingProfileDroppedVolume)
        #expect(eager.sessionProfileDroppedVolume == absorbing.sessionProfileDroppedVolume)
    }
}
