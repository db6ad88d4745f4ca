import Testing
@testable import Analytics

struct StorageTests {
    @Test func segmentTreeSearchesMatchALinearScan() {
        var rng = SplitMix(seed: 42)
        var t = MaxSegmentTree(leafCount: 64)
        var v = [Int64](repeating: 0, count: 64)
        for _ in 0..<2000 {
            let i = Int(rng.next() % 64)
            let x = Int64(rng.next() % 6)
            t.set(i, x)
            v[i] = x
            #expect(t.maximum == v.max()!)
            let from = Int(rng.next() % 70) - 3
            let th = Int64(rng.next() % 6)
            let first = v.indices.first { $0 >= from && v[$0] >= th } ?? -1
            let last = v.indices.last { $0 <= from && v[$0] >= th } ?? -1
            #expect(t.first(atLeast: th, from: from) == first)
            #expect(t.last(atLeast: th, upTo: from) == last)
        }
    }

    @Test func fenwickSelectAndRankMatchSortedCounts() {
        var rng = SplitMix(seed: 7)
        var f = FenwickCounts(bins: 100)
        var samples: [Int] = []
        for _ in 0..<500 {
            let b = Int(rng.next() % 100)
            f.add(b, 1)
            samples.append(b)
            let sorted = samples.sorted()
            let rank = 1 + Int(rng.next() % UInt64(samples.count))
            #expect(f.select(rank: rank) == sorted[rank - 1])
            let q = Int(rng.next() % 101)
            #expect(f.countBelow(q) == samples.filter { $0 < q }.count)
        }
    }

    @Test func quantityBinsAreMonotoneAndEdgesExact() {
        var prev = 0
        for q: Int64 in 1...5000 {
            let b = QuantityBins.bin(q)
            #expect(b >= prev)
            prev = b
            #expect(QuantityBins.lowerEdge(b) <= q)
            #expect(QuantityBins.bin(QuantityBins.lowerEdge(b)) == b)
        }
        #expect(QuantityBins.bin(.max) < QuantityBins.count)
    }

    @Test func ringKeepsFIFOOrderAcrossWraps() {
        var r = UnsafeRing<Int>(capacity: 3)
        for i in 0..<10 {
            if r.isFull { #expect(r.removeFirst() == i - 3) }
            r.append(i)
            #expect(r.last == i && r.first == max(0, i - 2))
        }
    }
}
