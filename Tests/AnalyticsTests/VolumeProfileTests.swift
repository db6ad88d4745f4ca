import Testing
@testable import Analytics
import HFTTestSupport

struct VolumeProfileTests {
    func profile(_ c: VolumeProfileConfig = VolumeProfileConfig(binTicks: 1, binCount: 256, windowNanos: 0, tradeCapacity: 1)) -> VolumeProfile {
        VolumeProfile(config: c, tick: 1)
    }

    @Test func handWorkedValueAreaOneRowRule() {
        var p = profile()
        for (price, q) in [(10, 5), (11, 10), (12, 20), (13, 15), (14, 8), (15, 2)] as [(Int64, Int64)] {
            p.addRefreshing(price: price, quantity: q, time: 0)
        }
        // 70 % of 60 = 42: POC 12 (20) → add 13 (15 > 10) = 35 → add 11 (10 > 8) = 45 ≥ 42.
        #expect(p.absoluteBin(p.pocSlot) == 12)
        #expect(p.absoluteBin(p.valSlot) == 11 && p.absoluteBin(p.vahSlot) == 13)
    }

    @Test func pocTieGoesToTheBinClosestToTheCentreThenTheLower() {
        var p = profile()
        for price: Int64 in [10, 12, 14] { p.addRefreshing(price: price, quantity: 5, time: 0) }
        #expect(p.absoluteBin(p.pocSlot) == 12)
        var q = profile()
        for price: Int64 in [10, 13] { q.addRefreshing(price: price, quantity: 5, time: 0) }
        #expect(q.absoluteBin(q.pocSlot) == 10)
    }

    @Test func valueAreaTieAddsTheRowAbove() {
        var p = profile()
        for (price, q) in [(9, 4), (10, 10), (11, 4)] as [(Int64, Int64)] { p.addRefreshing(price: price, quantity: q, time: 0) }
        // 70 % of 18 = 12.6: POC 10, then above (4) vs below (4): above first → 14 ≥ 12.6.
        #expect(p.absoluteBin(p.valSlot) == 10 && p.absoluteBin(p.vahSlot) == 11)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomProfilesMatchTheReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let config = VolumeProfileConfig(binTicks: 3, binCount: 512, windowNanos: 50_000, tradeCapacity: 4096, valueAreaBasisPoints: 6820,
                                         smoothingSigmaBins: 1.5, hvnFactorPermille: 1200, lvnFactorPermille: 600, maxNodeScanBins: 40)
        var p = VolumeProfile(config: config, tick: 7)
        var trades: [(t: Int64, price: Int64, q: Int64)] = []
        var centre: Int64 = 7 * 3 * 10_000
        for i in 0..<3000 {
            let t = Int64(i) * 100
            centre += Int64(rng.next() % 41) * 7 - 140
            let price = centre + Int64(rng.next() % 200) * 7 - 700
            let q = Int64(1 + rng.next() % (rng.next() % 10 == 0 ? 1000 : 20))
            p.addRefreshing(price: price, quantity: q, time: t)
            trades.append((t, price, q))
            var v: [Int64: Int64] = [:]
            for x in trades where x.t > t - 50_000 { v[ProfileReference.bin(x.price, 21), default: 0] += x.q }
            let r = ProfileReference(volume: v, config: config, tick: 7)
            #expect(p.total == r.total)
            #expect(p.absoluteBin(p.pocSlot) == r.poc)
            #expect(p.absoluteBin(p.valSlot) == r.val && p.absoluteBin(p.vahSlot) == r.vah)
            let mb = ProfileReference.bin(price, 21)
            let nodes = p.nearestNodes(toBin: mb)
            #expect(nodes.hvn == r.nearestNode(mb, high: true))
            #expect(nodes.lvn == r.nearestNode(mb, high: false))
            if p.absoluteBin(p.pocSlot) != r.poc { break }
        }
        #expect(p.droppedVolume == 0)
    }

    /// The incremental recomputation (value-area path repair, node trees rewritten near changed
    /// bins) against a from-scratch restatement of the profile's own bins at every recomputation,
    /// with refreshes throttled to every few events (so several trades and expiries accumulate),
    /// POC moves, edges that grow and shrink, and re-centres; between recomputations the derived
    /// values stay those of the last one.
    @Test(arguments: [11, 12, 13, 14, 15, 16])
    func incrementalRecomputationMatchesAFromScratchOneAtEveryRefresh(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let binCount = seed % 2 == 0 ? 128 : 512
        let config = VolumeProfileConfig(binTicks: 2, binCount: binCount, windowNanos: 20_000, tradeCapacity: 4096,
                                         valueAreaBasisPoints: Int64(5000 + rng.next() % 4500), smoothingSigmaBins: seed % 3 == 0 ? 1 : 2,
                                         hvnFactorPermille: 1300, lvnFactorPermille: 600, maxNodeScanBins: 30)
        var p = VolumeProfile(config: config, tick: 5)
        var centre: Int64 = 5 * 2 * 1000
        var frozen: ProfileReference?
        var recentresAtRefresh = 0
        var lastQuery: Int64 = 0
        var checked = 0
        for i in 0..<6000 {
            let t = Int64(i) * 37
            centre += Int64(rng.next() % 9) * 5 - 20
            if rng.next() % 7 == 0 {
                p.expire(now: t)
            } else {
                let spread: UInt64 = rng.next() % 5 == 0 ? 60 : 12
                let price = centre + Int64(rng.next() % spread) * 5 - Int64(spread / 2) * 5
                p.add(price: price, quantity: Int64(1 + rng.next() % (rng.next() % 8 == 0 ? 300 : 15)), time: t)
            }
            if rng.next() % 4 == 0 {
                p.refresh()
                var v: [Int64: Int64] = [:]
                for s in 0..<binCount where p.volume(atSlot: s) > 0 { v[p.absoluteBin(s)] = p.volume(atSlot: s) }
                frozen = p.total > 0 ? ProfileReference(volume: v, config: config, tick: 5) : nil
                let hasVolume = p.hasVolume, total = p.total
                #expect(hasVolume == (total > 0))
                recentresAtRefresh = p.recentres
                checked += 1
            }
            guard let r = frozen else { continue }
            // The slots were read at the last recomputation: compare in absolute bins as of then.
            let hasVolume = p.hasVolume
            #expect(hasVolume)
            let pocBin = p.absoluteBin(p.pocSlot), valBin = p.absoluteBin(p.valSlot), vahBin = p.absoluteBin(p.vahSlot)
            if p.recentres == recentresAtRefresh {
                #expect(pocBin == r.poc && valBin == r.val && vahBin == r.vah, "event \(i)")
            }
            for k in 0..<4 {
                // The last query repeats the previous bin: the cached answer must still be current.
                let q = k == 3 ? lastQuery : r.poc + Int64(rng.next() % 90) - 45
                lastQuery = q
                let nodes = p.nearestNodesCached(toBin: q)
                #expect(nodes.hvn == r.nearestNode(q, high: true), "event \(i) bin \(q)")
                #expect(nodes.lvn == r.nearestNode(q, high: false), "event \(i) bin \(q)")
            }
        }
        #expect(checked > 1000)
        // The repair path was taken, not only full walks.
        let repairs = p.path.repairs, fullWalks = p.path.fullWalks
        #expect(repairs > 100 && fullWalks > 10)
        print("[analytics] seed \(seed): \(p.path.repairs) value-area repairs, \(p.path.fullWalks) full walks, \(p.recentres) re-centres")
    }

    @Test func recentringKeepsInRangeVolumeAndCountsTheRest() {
        var p = VolumeProfile(config: VolumeProfileConfig(binTicks: 1, binCount: 64, windowNanos: 0, tradeCapacity: 1), tick: 1)
        var all: Int64 = 0
        for i in 0..<400 {
            let price = Int64(1000 + i / 2)
            p.addRefreshing(price: price, quantity: Int64(1 + i % 7), time: 0)
            all += Int64(1 + i % 7)
            // Conservation: what is kept plus what was dropped is everything.
            #expect(p.total + p.droppedVolume == all)
            var v: [Int64: Int64] = [:]
            for s in 0..<64 where p.volume(atSlot: s) > 0 { v[p.absoluteBin(s)] = p.volume(atSlot: s) }
            let (poc, val, vah) = ProfileReference.pocAndValueArea(volume: v, basisPoints: 7000)
            #expect(p.absoluteBin(p.pocSlot) == poc && p.absoluteBin(p.valSlot) == val && p.absoluteBin(p.vahSlot) == vah)
        }
        #expect(p.recentres > 0 && p.droppedVolume > 0)
    }

    @Test func rollingTradesExpireAndDroppedTradesAreNotSubtractedTwice() {
        var p = VolumeProfile(config: VolumeProfileConfig(binTicks: 1, binCount: 16, windowNanos: 1000, tradeCapacity: 8), tick: 1)
        p.addRefreshing(price: 100, quantity: 5, time: 0)
        p.addRefreshing(price: 130, quantity: 3, time: 10) // re-centres: bin 100 falls out and is dropped
        #expect(p.droppedVolume == 5 && p.total == 3)
        p.addRefreshing(price: 101, quantity: 2, time: 20) // back down: 130 dropped
        p.expireRefreshing(now: 1005)
        #expect(p.total == 2)
        p.expireRefreshing(now: 1020)
        #expect(p.total == 0 && !p.hasVolume)
        for i in 0..<20 { p.addRefreshing(price: 100, quantity: 1, time: 2000 + Int64(i)) }
        #expect(p.total == 8 && p.capacityEvictions == 12)
    }
}

extension VolumeProfile {
    /// `add` then `refresh`, as the engine does once per event.
    mutating func addRefreshing(price: Int64, quantity: Int64, time: Int64) {
        add(price: price, quantity: quantity, time: time)
        refresh()
    }

    mutating func expireRefreshing(now: Int64) {
        expire(now: now)
        refresh()
    }
}
