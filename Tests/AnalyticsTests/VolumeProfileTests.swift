import Testing
@testable import Analytics

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
        var rng = SplitMix(seed: seed)
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

/// A small deterministic generator for property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
