import Foundation
import HFTPrimitives
import MarketData
import Testing
@testable import Analytics

/// The optional session-profile HVN/LVN features (`AnalyticsConfig.sessionNodes`).
@Suite(.serialized)
struct SessionNodesTests {
    @Test func offByDefaultTheSchemaIsUnchanged() throws {
        let c = try TestConfigs.realData()
        #expect(!c.sessionNodes)
        let off = FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: 2)
        let on = FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: 2, sessionNodes: true)
        #expect(off.0.vpSessionNodes.isEmpty)
        #expect(on.1.count == off.1.count + 2 && on.1.id != off.1.id)
        let i = on.0.vpSessionNodes.lowerBound
        #expect(on.1.features[i].name == "vp_session_hvn_distance_ticks" && on.1.features[i + 1].name == "vp_session_lvn_distance_ticks")
        #expect(i == off.0.vpSessionValDistance + 1)
        // Every other feature keeps its name and relative order.
        #expect(on.1.names.filter { !$0.hasPrefix("vp_session_hvn") && !$0.hasPrefix("vp_session_lvn") } == off.1.names)
        let decoded = try JSONDecoder().decode(AnalyticsConfig.self, from: Data(#"{"sessionNodes": true}"#.utf8))
        #expect(decoded.sessionNodes)
    }

    /// At every event of a real capture (2-minute sessions, so resets are exercised), the session
    /// HVN/LVN distances equal a from-scratch restatement: the session's volume per bin from the
    /// trades since the session start, smoothed and scanned by `ProfileReference.nearestNode`
    /// around the mid's bin. Recomputation on every change (`profileRefreshNanos = 0`).
    @Test func sessionNodesMatchTheReferenceAtEveryEvent() throws {
        let data = try MarketReplay.load(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
        var config = try TestConfigs.realData()
        config.sessionNodes = true
        config.profileRefreshNanos = 0
        var engine = try FeatureEngine(config: config, instrument: data.spec)
        let L = engine.layout
        let hvnSlot = L.vpSessionNodes.lowerBound, lvnSlot = hvnSlot + 1
        let tick = data.spec.tick
        let binWidth = config.sessionProfile.binTicks * tick
        var clock: Int64 = .min
        var session: Int64 = .min
        var volume: [Int64: Int64] = [:]
        var reference: ProfileReference?
        var mid2: Int64?
        var compared = 0, hvnSeen = 0, lvnSeen = 0, resets = 0, mismatches = 0
        for event in data.events {
            let t: Int64
            switch event {
            case .book(_, _, let time): t = time.raw
            case .trade(let tr): t = tr.exchangeTime.raw != 0 ? tr.exchangeTime.raw : tr.receiveTime.raw
            }
            clock = clock == .min ? t : max(clock, t)
            if clock / config.sessionLengthNanos != session {
                if session != .min {
                    volume = [:]
                    reference = nil
                    resets += 1
                }
                session = clock / config.sessionLengthNanos
            }
            switch event {
            case .book(let bids, let asks, let time):
                let r = bids.withUnsafeBufferPointer { b in
                    asks.withUnsafeBufferPointer { a in engine.onBook(bids: b, asks: a, exchangeTime: .zero, receiveTime: time) }
                }
                try #require(r == .updated)
                mid2 = bids[0].price.raw + asks[0].price.raw
            case .trade(let tr):
                _ = engine.onTrade(tr)
                if tr.quantity.raw > 0 {
                    volume[ProfileReference.bin(tr.price.raw, binWidth), default: 0] += tr.quantity.raw
                    reference = ProfileReference(volume: volume, config: config.sessionProfile, tick: tick)
                }
            }
            let got = (engine.features[hvnSlot], engine.features[lvnSlot])
            var want = (0.0, 0.0)
            if let m2 = mid2, let ref = reference, ref.hasVolume {
                let m = Double(m2) * 0.5
                let mb = ProfileReference.bin(m2 / 2, binWidth)
                let w = Double(binWidth), tk = Double(tick)
                if let h = ref.nearestNode(mb, high: true) { want.0 = (m - Double(h) * w) / tk; hvnSeen += 1 }
                if let l = ref.nearestNode(mb, high: false) { want.1 = (m - Double(l) * w) / tk; lvnSeen += 1 }
            }
            if got != want {
                mismatches += 1
                if mismatches <= 5 { Issue.record("event \(compared): engine \(got) reference \(want)") }
            }
            compared += 1
        }
        print("[analytics] session nodes: \(compared) events, \(resets) session resets, HVN present at \(hvnSeen), LVN at \(lvnSeen), \(mismatches) mismatches")
        #expect(mismatches == 0)
        #expect(resets >= 1 && hvnSeen > 1000 && lvnSeen > 1000)
        #expect(engine.sessionProfileDroppedVolume == 0)
    }
}
