import Foundation
import HFTPrimitives
import MarketData
import Testing
@testable import Analytics

/// Every numeric analytics parameter (the HMM's step too) set to the extremes a typo or a hostile config produces
/// (negative, zero, one, 2⁴⁰, `Int64.max`, `Int64.min`): the config is refused with an error naming
/// the parameter, or the engine it gives runs on real data (the first 3 000 events of the USD-M
/// capture, whose trades expire out of short windows) with every feature finite or NaN. A value that
/// made the engine trap (an allocation that cannot succeed, an overflowing product) kills this test.
@Suite(.serialized) struct AnalyticsConfigBoundsTests {
    /// The extremes, and each upper bound `validate` allows (the largest buffers and durations an
    /// accepted config can ask for).
    static let extremes: [Int64] = [-1, 0, 1, 1 << 40, Int64.max, Int64.min, Int64(AnalyticsConfig.maxEvents),
                                    Int64(AnalyticsConfig.maxCapacity), Int64(AnalyticsConfig.maxBins), AnalyticsConfig.maxBinTicks,
                                    AnalyticsConfig.maxNanos, AnalyticsConfig.maxPermille]

    /// The top-level integer keys, and those of both profiles.
    static let integerKeys = [
        "imbalanceLevels", "ofiLevels", "eventWindow", "bookWindowNanos", "bookWindowCapacity", "tradeWindowNanos",
        "tradeWindowCapacity", "largeTradeWindow", "largeTradePercentilePermille", "largeTradeMinimumSamples",
        "icebergRatioPermille", "icebergMinimumExecuted", "wallLevels", "wallFactorPermille", "wallPersistNanos",
        "sessionLengthNanos", "profileRefreshNanos", "rvPercentileWindow",
    ]
    static let profileIntegerKeys = [
        "binTicks", "binCount", "windowNanos", "tradeCapacity", "valueAreaBasisPoints", "hvnFactorPermille",
        "lvnFactorPermille", "maxNodeScanBins",
    ]

    static func cases() -> [(name: String, json: String)] {
        var out: [(String, String)] = []
        for key in integerKeys {
            for v in extremes { out.append(("\(key) = \(v)", #"{"\#(key)": \#(v)}"#)) }
        }
        for profile in ["rollingProfile", "sessionProfile"] {
            for key in profileIntegerKeys {
                for v in extremes { out.append(("\(profile).\(key) = \(v)", #"{"\#(profile)": {"\#(key)": \#(v)}}"#)) }
            }
            for v in ["-1", "0", "1e-300", "64", "1e300"] {
                out.append(("\(profile).smoothingSigmaBins = \(v)", #"{"\#(profile)": {"smoothingSigmaBins": \#(v)}}"#))
            }
            // The widest smoothing kernel (193 bins a side) over the fewest bins, nodes on.
            out.append(("\(profile).binCount = 2 with smoothingSigmaBins = 64",
                        #"{"sessionNodes": true, "\#(profile)": {"binCount": 2, "smoothingSigmaBins": 64, "maxNodeScanBins": 2}}"#))
        }
        for v in ["-1", "0", "1e-300", "1e300"] { out.append(("ewmaHalfLifeEvents = \(v)", #"{"ewmaHalfLifeEvents": \#(v)}"#)) }
        // Variances whose 1/(2σ²) or log(2πσ²) is not finite are refused; the rest run.
        for v in ["-1", "0", "5e-324", "1e-310", "1e-300", "1e300", "1.7e308"] {
            out.append(("variances = \(v)", #"{"hmm": {"observations": ["return_events", "spread_bps"], "stepNanos": 0, "#
                        + #""startProbabilities": [0.5, 0.5], "transitions": [[0.9, 0.1], [0.1, 0.9]], "#
                        + #""means": [[0, 1], [0, 2]], "variances": [[1, 1], [\#(v), 1]]}}"#))
        }
        for v in ["-1.7e308", "1e300", "1.7e308"] {
            out.append(("means = \(v)", #"{"hmm": {"observations": ["return_events"], "stepNanos": 0, "startProbabilities": [0.5, 0.5], "#
                        + #""transitions": [[0.9, 0.1], [0.1, 0.9]], "means": [[0], [\#(v)]], "variances": [[1], [1]]}}"#))
        }
        for v in extremes {
            out.append(("stepNanos = \(v)", #"{"hmm": {"observations": ["return_events"], "stepNanos": \#(v), "startProbabilities": [1], "#
                        + #""transitions": [[1]], "means": [[0]], "variances": [[1]]}}"#))
        }
        return out
    }

    /// Every key is optional, inside the profiles too, and an absent one keeps that profile's default.
    @Test func profilesTakeTheirOwnDefaultsForAbsentKeys() throws {
        let c = try AnalyticsConfig.load(json: Data(#"{"rollingProfile": {"binTicks": 3}, "sessionProfile": {"binTicks": 7}}"#.utf8))
        var rolling = AnalyticsConfig().rollingProfile, session = AnalyticsConfig().sessionProfile
        rolling.binTicks = 3
        session.binTicks = 7
        #expect(c.rollingProfile == rolling && c.sessionProfile == session)
        #expect(c.sessionProfile.binCount == 4096 && c.sessionProfile.tradeCapacity == 1 && c.rollingProfile.binCount == 1024)
        #expect(try AnalyticsConfig.load(json: Data("{}".utf8)) == AnalyticsConfig())
        #expect(throws: AnalyticsConfigError.self) { try AnalyticsConfig.load(json: Data(#"{"rollingProfile": {"binTicks": "3"}}"#.utf8)) }
    }

    @Test func extremeValuesAreRefusedOrRun() throws {
        let data = try MarketReplay.load(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
        let events = data.events.prefix(3_000)
        var refused = 0, ran = 0
        var refusedNames: Set<String> = []
        for (name, json) in Self.cases() {
            let config: AnalyticsConfig
            do {
                config = try AnalyticsConfig.load(json: Data(json.utf8))
            } catch {
                switch error {
                case .malformed:
                    // Every value here is a JSON number of the key's type except the ones past Int's range.
                    #expect(json.contains("e300") || json.contains("e-300"), "\(name) malformed: \(error)")
                case .invalid(let parameter, _):
                    // Only the changed key is out of range, so the error names it.
                    #expect(name.hasPrefix("\(parameter) = "), "\(name) refused as \(error)")
                case .unknownFeature: Issue.record("\(name): \(error)")
                }
                refused += 1
                refusedNames.insert(name)
                continue
            }
            var engine = try FeatureEngine(config: config, instrument: data.spec)
            for e in events {
                switch e {
                case .book(let bids, let asks, let time):
                    _ = bids.withUnsafeBufferPointer { b in
                        asks.withUnsafeBufferPointer { a in engine.onBook(bids: b, asks: a, exchangeTime: time, receiveTime: time) }
                    }
                case .trade(let t):
                    _ = engine.onTrade(t)
                }
            }
            for k in 0..<engine.schema.count {
                let v = engine.features[k]
                #expect(v.isFinite || v.isNaN, "\(name): \(engine.schema.features[k].name) = \(v)")
            }
            if config.hmm != nil {
                // An accepted HMM gives a probability vector (observations it cannot explain are skipped and counted).
                let p = engine.layout.hmm.map { engine.features[$0] }
                #expect(p.allSatisfy { $0.isFinite && $0 >= 0 } && abs(p.reduce(0, +) - 1) < 1e-9, "\(name): hmm \(p)")
            }
            ran += 1
        }
        #expect(refused > 0 && ran > 0)
        // 1/(2σ²) or log(2πσ²) of these is not finite: the filter would skip every observation.
        for v in ["-1", "0", "5e-324", "1e-310", "1.7e308"] { #expect(refusedNames.contains("variances = \(v)"), "variances = \(v) accepted") }
        #expect(!refusedNames.contains("variances = 1e-300") && !refusedNames.contains("variances = 1e300"))
    }
}
