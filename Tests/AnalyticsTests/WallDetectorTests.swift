import HFTPrimitives
import MarketData
import Testing
@testable import Analytics
import HFTTestSupport

/// The wall median (rank counting) and candidate against a sort-based recomputation.
struct WallDetectorTests {
    /// Random sizes with many ties, n = 1...32: the rank-counted lower median is the sorted one.
    @Test func lowerMedianMatchesSorting() {
        var rng = SplitMix64(seed: 5)
        let v = UnsafeMutablePointer<Int64>.allocate(capacity: 32)
        defer { v.deallocate() }
        for _ in 0..<20_000 {
            let n = Int(1 + rng.next() % 32)
            let spread: UInt64 = rng.next() % 2 == 0 ? 4 : 1_000_000
            var values: [Int64] = []
            for i in 0..<n {
                v[i] = Int64(rng.next() % spread) - (rng.next() % 7 == 0 ? 3 : 0)
                values.append(v[i])
            }
            let median = WallDetector.lowerMedian(v, n)
            #expect(median == values.sorted()[(n - 1) / 2])
        }
    }

    /// Evolving random books on both sides (levels appear, vanish, resize, the touch moves, the
    /// side empties and regrows): after every event the candidate is the first of the top levels
    /// with size · 1000 ≥ factor · (sorted lower median), and its start time moves only when it
    /// changes.
    @Test(arguments: [(1, true), (4, false), (10, true), (10, false), (32, true)])
    func candidateMatchesSortingEveryEvent(_ levels: Int, _ descending: Bool) {
        var rng = SplitMix64(seed: UInt64(levels * 2 + (descending ? 1 : 0)))
        let factor: Int64 = 3000
        var wall = WallDetector(levels: levels, factorPermille: factor, persistNanos: 0)
        var book: [Int64: Int64] = [:]
        var previous: Int64 = .min
        var since: Int64 = 0
        for step in 0..<5000 {
            for _ in 0..<Int(rng.next() % 6) {
                let price = Int64(1000 + rng.next() % 60)
                // Sizes from a small range so that ties in the median are common.
                let size = rng.next() % 4 == 0 ? 0 : Int64(1 + rng.next() % 12) * (rng.next() % 9 == 0 ? 20 : 1)
                book[price] = size == 0 ? nil : size
            }
            if step % 997 == 0 { book = [:] }
            let prices = book.keys.sorted(by: descending ? (>) : (<))
            let side = prices.map { DepthLevel(price: Price(raw: $0), quantity: Quantity(raw: book[$0]!)) }
            side.withUnsafeBufferPointer { wall.update($0, now: Int64(step)) }
            let candidate = wall.price, start = wall.since
            let top = side.prefix(levels)
            var expected: Int64 = .min
            if !top.isEmpty {
                let median = top.map(\.quantity.raw).sorted()[(top.count - 1) / 2]
                expected = top.first { Int128($0.quantity.raw) * 1000 >= Int128(factor) * Int128(median) }?.price.raw ?? .min
            }
            if expected != previous, !top.isEmpty {
                since = Int64(step)
            }
            #expect(candidate == expected)
            if !top.isEmpty { #expect(start == since) }
            previous = expected
        }
    }
}
