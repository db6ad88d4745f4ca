import Testing
@testable import Analytics
import HFTTestSupport

struct StorageTests {
    @Test func segmentTreeSearchesMatchALinearScan() {
        var rng = SplitMix64(seed: 42)
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

    @Test func fenwickSumsMatchPlainPrefixSumsAcrossUpdatesAndRebuilds() {
        var rng = SplitMix64(seed: 11)
        var f = FenwickTree<Int64>(count: 100)
        var v = [Int64](repeating: 0, count: 100)
        for step in 0..<3000 {
            let i = Int(rng.next() % 100)
            let d = Int64(rng.next() % 1000) - 300
            f.add(i, d)
            v[i] += d
            if step % 500 == 499 { f.rebuild { v[$0] } }
            let lo = Int(rng.next() % 100), hi = Int(rng.next() % 100)
            #expect(f.prefix(hi) == v[0..<hi].reduce(0, +))
            if lo <= hi { #expect(f.rangeSum(lo, hi) == v[lo...hi].reduce(0, +)) }
        }
        f.removeAll()
        #expect(f.prefix(100) == 0)
    }

    @Test func segmentTreeLeafSumsMatchPlainSums() {
        var rng = SplitMix64(seed: 13)
        var t = MaxSegmentTree(leafCount: 128)
        var v = [Int64](repeating: 0, count: 128)
        for _ in 0..<2000 {
            let i = Int(rng.next() % 128)
            v[i] = Int64(rng.next() % 1000)
            t.set(i, v[i])
            let a = Int(rng.next() % 128), b = Int(rng.next() % 128)
            #expect(t.leafSum(min(a, b), max(a, b)) == v[min(a, b)...max(a, b)].reduce(0, +))
            #expect(t.leafSum(max(a, b) + 1, max(a, b)) == 0)
        }
    }

    @Test func slotBitSetInsertsRangesAndTakesWords() {
        var rng = SplitMix64(seed: 3)
        var b = SlotBitSet(slotCount: 300)
        var members = Set<Int>()
        for _ in 0..<500 {
            let lo = Int(rng.next() % 340) - 20, hi = lo + Int(rng.next() % 90)
            b.insert(from: lo, through: hi)
            for s in max(lo, 0)...max(min(hi, 299), max(lo, 0)) where s <= min(hi, 299) { members.insert(s) }
            let qlo = Int(rng.next() % 340) - 20, qhi = qlo + Int(rng.next() % 150)
            #expect(b.intersects(from: qlo, through: qhi) == members.contains { $0 >= qlo && $0 <= qhi })
            let w = Int(rng.next() % 5)
            let mask = rng.next() | rng.next()
            let taken = b.take(word: w, mask: mask)
            for i in 0..<64 {
                let s = w * 64 + i
                let expected = members.contains(s) && mask & (1 << UInt64(i)) != 0
                #expect((taken & (1 << UInt64(i)) != 0) == expected, "slot \(s)")
                if expected { members.remove(s) }
            }
        }
        b.insertAll()
        for w in 0..<5 {
            let bits = b.take(word: w, mask: .max)
            #expect(bits == (w < 4 ? UInt64.max : (1 << 44) - 1))
        }
        b.insert(from: 10, through: 20)
        b.removeAll()
        #expect(b.take(word: 0, mask: .max) == 0)
    }

    @Test func slotChangeSetListsDistinctSlotsAndOverflowsCleanly() {
        var c = SlotChangeSet(slotCount: 300, listCapacity: 8)
        for s in [5, 9, 5, 250, 0] { c.insert(s) }
        #expect(c.listCount == 4 && !c.overflowed && c.low == 0 && c.high == 250)
        #expect((0..<4).map { c[$0] } == [5, 9, 250, 0])
        #expect(c.contains(9) && !c.contains(10) && !c.contains(-1) && !c.contains(300))
        c.removeAll()
        #expect(c.isEmpty && c.listCount == 0 && !c.contains(9) && !c.contains(250))
        for s in 0..<20 { c.insert(s * 13) }
        #expect(c.overflowed && c.listCount == 8 && c.low == 0 && c.high == 19 * 13)
        #expect((0..<20).allSatisfy { c.contains($0 * 13) })
        c.removeAll()
        #expect(!c.overflowed && (0..<300).allSatisfy { !c.contains($0) })
    }

    @Test func slotChangeSetOrderedSearchesMatchALinearScan() {
        var rng = SplitMix64(seed: 21)
        var c = SlotChangeSet(slotCount: 300, listCapacity: 8)
        var members = Set<Int>()
        for step in 0..<3000 {
            if step % 40 == 39 {
                c.removeAll()
                members.removeAll()
            }
            let s = Int(rng.next() % 300)
            c.insert(s)
            members.insert(s)
            let a = Int(rng.next() % 340) - 20, b = Int(rng.next() % 340) - 20
            let lo = min(a, b), hi = max(a, b)
            #expect(c.firstMember(from: lo, through: hi) == (members.filter { $0 >= lo && $0 <= hi }.min() ?? -1))
            #expect(c.lastMember(from: hi, downTo: lo) == (members.filter { $0 >= lo && $0 <= hi }.max() ?? -1))
            if lo < hi { #expect(c.firstMember(from: hi, through: lo) == -1 && c.lastMember(from: lo, downTo: hi) == -1) }
        }
    }

    @Test func profileNodeSetFindsTheNearestMemberAboveTheThreshold() {
        var rng = SplitMix64(seed: 5)
        var n = ProfileNodeSet(slotCount: 256)
        var keys = [Int64](repeating: .min, count: 256)
        for _ in 0..<3000 {
            let j = Int(rng.next() % 256)
            let key: Int64 = rng.next() % 3 == 0 ? Int64(rng.next() % 100) : .min
            if rng.next() % 2 == 0 {
                n.write(j, key: key)
            } else {
                // The word-at-a-time path: key stored alone, then the word's bit for it.
                n.storeKey(j, key)
                let bit: UInt64 = 1 << UInt64(j & 63)
                n.replaceBits(word: j >> 6, mask: bit, bits: key != .min ? bit : 0)
            }
            keys[j] = key
            n.threshold = Int64(rng.next() % 100)
            let lo = Int(rng.next() % 256), hi = Int(rng.next() % 256)
            let members = (0..<256).filter { keys[$0] != .min && keys[$0] >= n.threshold }
            #expect(n.last(in: lo, hi) == (members.last { $0 >= lo && $0 <= hi } ?? -1))
            #expect(n.first(in: lo, hi) == (members.first { $0 >= lo && $0 <= hi } ?? -1))
        }
    }

    @Test func fenwickPrefixesMatchCounts() {
        var rng = SplitMix64(seed: 7)
        var f = FenwickTree<Int32>(count: 100)
        var samples: [Int] = []
        for _ in 0..<500 {
            let b = Int(rng.next() % 100)
            f.add(b, 1)
            samples.append(b)
            let q = Int(rng.next() % 101)
            #expect(Int(f.prefix(q)) == samples.filter { $0 < q }.count)
        }
    }

    /// The cursor's prefix counts and selects against the sorted window, for a rolling window of
    /// samples that mostly move a bin or two (what the percentiles see) with jumps across the range,
    /// queries alternating between near and far bins and ranks.
    @Test func cursorCountsMatchSortedCountsUnderARollingWindow() {
        var rng = SplitMix64(seed: 11)
        var c = CursorCounts(count: 200)
        var window: [Int] = []
        var b = 100
        for step in 0..<3000 {
            let r = rng.next()
            b = r % 50 == 0 ? Int(rng.next() % 200) : min(max(b + Int(r % 5) - 2, 0), 199)
            if window.count == 300 { c.add(window.removeFirst(), -1) }
            window.append(b)
            c.add(b, 1)
            let sorted = window.sorted()
            let q = step % 3 == 0 ? Int(rng.next() % 200) : b
            let below = c.prefix(q), within = c[q]
            #expect(below == window.filter { $0 < q }.count)
            #expect(within == window.filter { $0 == q }.count)
            let rank = step % 2 == 0 ? (99 * window.count + 99) / 100 : 1 + Int(rng.next() % UInt64(window.count))
            let selected = c.select(rank: rank)
            #expect(selected == sorted[rank - 1])
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

    /// The remembered-range divider against `Int128` floor division, for walks that mostly stay in
    /// or next to the last quotient's range (what prices and clocks do) and jumps to the extremes,
    /// with divisors from 1 to `Int64.max`.
    @Test func floorDividerMatchesFloorDivisionEverywhere() {
        var rng = SplitMix64(seed: 53)
        for d in [1, 2, 7, 100, 86_400_000_000_000, Int64.max / 3, Int64.max] as [Int64] {
            var f = FloorDivider(divisor: d)
            var x: Int64 = 0
            for _ in 0..<20_000 {
                switch rng.next() % 8 {
                case 0: x = [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max - 1, Int64.max, -d, d - 1, d][Int(rng.next() % 10)]
                case 1: x = Int64(bitPattern: rng.next())
                default:
                    let w = UInt64(min(d, 1000))
                    x = x &+ Int64(rng.next() % (4 * w + 1)) &- 2 * Int64(w)
                }
                let q = f(x)
                let (tq, tr) = Int128(x).quotientAndRemainder(dividingBy: Int128(d))
                #expect(Int128(q) == (tr < 0 ? tq - 1 : tq), "floor(\(x) / \(d))")
            }
        }
    }

    /// The double-precision quotient (node thresholds) equals the integer one, rounded both ways,
    /// up to the 2⁵³ limit of its fast path and beyond it (where it falls back).
    @Test func productDividedViaDoubleMatchesIntegerDivision() {
        var rng = SplitMix64(seed: 54)
        for _ in 0..<200_000 {
            let limit: UInt64 = rng.next() % 2 == 0 ? 1 << 53 : 1 << 62
            let x = Int64(rng.next() % limit), d = Int64(1 + rng.next() % (rng.next() % 3 == 0 ? 1000 : limit))
            let y: Int64 = rng.next() % 4 == 0 ? Int64(x / max(d, 1)) : 1
            for up in [false, true] {
                let fast = VolumeProfile.productDivided(x, 1, y, by: d, roundingUp: up, viaDouble: true)
                let exact = VolumeProfile.productDivided(x, 1, y, by: d, roundingUp: up)
                #expect(fast == exact, "\(x) · \(y) / \(d), up \(up)")
            }
        }
        // Quotients just below and at whole numbers, where a rounded double quotient can reach the next integer.
        for k: Int64 in [1, 3, 1 << 20, (1 << 52) - 1] {
            for d: Int64 in [3, 7, 1 << 20, 999_999_937] where k <= (1 << 53) / d {
                for p in [k * d - 1, k * d, k * d + 1] where p >= 0 && p < 1 << 53 {
                    for up in [false, true] {
                        #expect(VolumeProfile.productDivided(p, 1, 1, by: d, roundingUp: up, viaDouble: true)
                            == VolumeProfile.productDivided(p, 1, 1, by: d, roundingUp: up))
                    }
                }
            }
        }
    }

    /// Products and comparisons against `Int128` arithmetic, on both sides of the `Int64` overflow
    /// boundary (the fast path and the fallback), with negative operands and the extremes.
    @Test func exactProductsMatchInt128OnBothSidesOfOverflow() {
        var rng = SplitMix64(seed: 128)
        let edges: [Int64] = [0, 1, -1, 1000, 3_037_000_499, 3_037_000_500, -3_037_000_500, Int64.max, Int64.min, Int64.max / 1000,
                              Int64.max / 1000 + 1]
        func random() -> Int64 {
            switch rng.next() % 4 {
            case 0: return edges[Int(rng.next() % UInt64(edges.count))]
            case 1: return Int64(bitPattern: rng.next())
            case 2: return Int64(bitPattern: rng.next()) >> Int64(rng.next() % 63)
            default: return Int64(rng.next() % 2_000_000) - 1_000_000
            }
        }
        var overflowed = 0, fitted = 0
        for _ in 0..<200_000 {
            let a = random(), x = random(), b = random(), y = random()
            let wide = Int128(a) * Int128(x)
            if a.multipliedReportingOverflow(by: x).overflow { overflowed += 1 } else { fitted += 1 }
            #expect(ExactProduct.product(a, x) == wide)
            #expect(ExactProduct.isAtLeast(a, times: x, b, times: y) == (wide >= Int128(b) * Int128(y)))
            #expect(ExactProduct.isAtLeast(a, times: x, a, times: x))
        }
        #expect(overflowed > 10_000 && fitted > 10_000)
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
