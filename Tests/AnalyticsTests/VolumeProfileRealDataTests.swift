import HFTPrimitives
import MarketData
import Testing
@testable import Analytics

/// The engine's default profile (`AnalyticsConfig().rollingProfile`: 1-tick bins, recomputed on
/// every change) on the real trades of the USD-M capture, against the from-scratch profile at every
/// event that changed it: the POC shortcut over changed slots, the value-area repair with its
/// bitset search for many changes (bursts of trades leaving the window together) and its prefix
/// sums carried along the walk, and the node slots re-evaluated lazily, with and without the
/// refreshed-on-every-change promise (which skips evaluating marked slots before a change nearby).
@Suite(.serialized)
struct VolumeProfileRealDataTests {
    @Test(arguments: [(60_000_000_000, true), (300_000_000_000, true), (60_000_000_000, false)] as [(Int64, Bool)])
    func engineDefaultProfileMatchesTheReferenceOnRealTrades(windowNanos: Int64, refreshedOnEveryChange: Bool) throws {
        let data = try MarketReplay.load(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
        var config = AnalyticsConfig().rollingProfile
        config.windowNanos = windowNanos
        let tick = data.spec.tick
        var p = VolumeProfile(config: config, tick: tick, refreshedOnEveryChange: refreshedOnEveryChange)
        var window: [(time: Int64, bin: Int64, quantity: Int64)] = []
        var head = 0
        var volume: [Int64: Int64] = [:]
        var mid: Int64 = 0
        var checked = 0, burstEvents = 0
        for event in data.events {
            let now: Int64
            var added: (bin: Int64, quantity: Int64)?
            switch event {
            case .book(let bids, let asks, let time):
                now = time.raw
                if let b = bids.first, let a = asks.first { mid = (b.price.raw + a.price.raw) / 2 }
                p.expire(now: now)
            case .trade(let t):
                now = t.receiveTime.raw
                p.add(price: t.price.raw, quantity: t.quantity.raw, time: now)
                added = (ProfileReference.bin(t.price.raw, config.binTicks * tick), t.quantity.raw)
            }
            // The reference window: trades at or before now − window leave, then the trade joins.
            var expiredBins = Set<Int64>()
            while head < window.count, window[head].time <= now - windowNanos {
                volume[window[head].bin, default: 0] -= window[head].quantity
                expiredBins.insert(window[head].bin)
                head += 1
            }
            if let a = added, a.quantity > 0 {
                window.append((now, a.bin, a.quantity))
                volume[a.bin, default: 0] += a.quantity
            }
            if expiredBins.count > ValueAreaPath.listedChangesScanned { burstEvents += 1 }
            let changed = !expiredBins.isEmpty || added != nil
            p.refresh()
            guard changed else { continue }
            let r = ProfileReference(volume: volume, config: config, tick: tick)
            #expect(p.total == r.total)
            guard r.hasVolume else { continue }
            #expect(p.absoluteBin(p.pocSlot) == r.poc && p.absoluteBin(p.valSlot) == r.val && p.absoluteBin(p.vahSlot) == r.vah,
                    "event at \(now)")
            for q in [ProfileReference.bin(mid, config.binTicks * tick), r.poc] {
                let nodes = p.nearestNodesCached(toBin: q)
                #expect(nodes.hvn == r.nearestNode(q, high: true), "event at \(now), bin \(q)")
                #expect(nodes.lvn == r.nearestNode(q, high: false), "event at \(now), bin \(q)")
            }
            checked += 1
        }
        #expect(p.droppedVolume == 0 && p.capacityEvictions == 0)
        #expect(checked > 10_000 && burstEvents > 10)
        let repairs = p.path.repairs, fullWalks = p.path.fullWalks
        #expect(repairs > 10 * fullWalks)
        print("[analytics] default profile, window \(windowNanos / 1_000_000_000) s, refreshed on every change \(refreshedOnEveryChange): \(checked) events checked, \(burstEvents) with more than \(ValueAreaPath.listedChangesScanned) bins expiring at once, \(repairs) repairs, \(fullWalks) full walks")
    }
}
