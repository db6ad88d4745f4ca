import Testing
import HFTPrimitives
@testable import MarketData
import HFTTestSupport

/// `OrderBook` against a plain Dictionary model, including far levels (overflow), off-grid prices,
/// re-centring and overflow truncation.
@Suite struct BookTests {
    func levels(_ book: borrowing OrderBook, _ side: Side) -> [DepthLevel] { bookLevels(book, side) }

    func model(_ m: [Int64: Int64], bids: Bool) -> [DepthLevel] {
        m.sorted { bids ? $0.key > $1.key : $0.key < $1.key }.map { DepthLevel(price: Price(raw: $0.key), quantity: Quantity(raw: $0.value)) }
    }

    @Test func basicSetRemoveAndBest() {
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 64, overflowCapacity: 16, tick: 5, invariantCheckInterval: 1))
        #expect(book.bestBid == nil && book.bestAsk == nil && !book.isCrossed)
        book.set(side: .buy, price: Price(raw: 1000), quantity: Quantity(raw: 3))
        book.set(side: .buy, price: Price(raw: 995), quantity: Quantity(raw: 4))
        book.set(side: .sell, price: Price(raw: 1005), quantity: Quantity(raw: 7))
        #expect(book.bestBid == DepthLevel(price: Price(raw: 1000), quantity: Quantity(raw: 3)))
        #expect(book.bestAsk == DepthLevel(price: Price(raw: 1005), quantity: Quantity(raw: 7)))
        book.set(side: .buy, price: Price(raw: 1000), quantity: .zero)
        #expect(book.bestBid?.price == Price(raw: 995))
        book.set(side: .buy, price: Price(raw: 12345), quantity: .zero) // unknown level: no-op
        #expect(book.levelCount(.buy) == 1)
        book.set(side: .buy, price: Price(raw: 1010), quantity: Quantity(raw: 1))
        #expect(book.isCrossed == true)
        #expect(book.quantity(side: .sell, at: Price(raw: 1005)) == Quantity(raw: 7))
        book.removeAll()
        #expect(book.levelCount(.buy) == 0 && book.levelCount(.sell) == 0 && book.bestBid == nil)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func randomOperationsMatchADictionary(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        // A small ladder so that far levels, off-grid prices, re-centring and truncation all happen.
        let tick: Int64 = 10
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 128, overflowCapacity: 4096, tick: tick, invariantCheckInterval: 1))
        var bids: [Int64: Int64] = [:]
        var asks: [Int64: Int64] = [:]
        var mid: Int64 = 1_000_000
        for step in 0..<4000 {
            if step % 500 == 0 { mid += Int64.random(in: -3000...3000, using: &rng) * tick } // the touch jumps far
            let side: Side = Bool.random(using: &rng) ? .buy : .sell
            var offset = Int64.random(in: 1...60, using: &rng) * tick
            if Int.random(in: 0..<10, using: &rng) == 0 { offset = Int64.random(in: 100...5000, using: &rng) * tick } // far level
            if Int.random(in: 0..<20, using: &rng) == 0 { offset += 3 } // off the grid
            let price = side == .buy ? mid - offset : mid + offset
            let q: Int64 = Int.random(in: 0..<3, using: &rng) == 0 ? 0 : Int64.random(in: 1...1000, using: &rng)
            book.set(side: side, price: Price(raw: price), quantity: Quantity(raw: q))
            if side == .buy { bids[price] = q == 0 ? nil : q } else { asks[price] = q == 0 ? nil : q }
            if step % 97 == 0 {
                #expect(levels(book, .buy) == model(bids, bids: true))
                #expect(levels(book, .sell) == model(asks, bids: false))
            }
            let bestBid = bids.max { $0.key < $1.key }.map { DepthLevel(price: Price(raw: $0.key), quantity: Quantity(raw: $0.value)) }
            let bestAsk = asks.min { $0.key < $1.key }.map { DepthLevel(price: Price(raw: $0.key), quantity: Quantity(raw: $0.value)) }
            #expect(book.bestBid == bestBid)
            #expect(book.bestAsk == bestAsk)
        }
        #expect(levels(book, .buy) == model(bids, bids: true))
        #expect(levels(book, .sell) == model(asks, bids: false))
        #expect(book.recentres > 0)
        #expect(book.truncatedLevels == 0)
        #expect(book.validate() == nil)
    }

    /// `BookSide.slot(of:)` divides by multiplying with ⌈2^64/tick⌉: it must give exactly the slot
    /// `quotientAndRemainder` gives, and -1 off the grid or outside the window, for any tick.
    @Test func slotByReciprocalEqualsDivision() {
        var rng = SplitMix64(seed: 0x5107)
        let ticks: [Int64] = [1, 2, 3, 5, 7, 10, 64, 100, 1_000, 4_096, 99_991, 1_000_000, 1 << 31, 3_000_000_007, (1 << 48) + 1]
        for tick in ticks {
            var side = BookSide(slotCount: 4096, overflowCapacity: 16, tick: tick)
            side.anchor(on: tick &* 5_000_003)
            let window = Int64(4096) &* tick
            let base = side.baseKey
            func reference(_ key: Int64) -> Int {
                let offset = key &- base
                guard offset >= 0 else { return -1 }
                let (q, r) = offset.quotientAndRemainder(dividingBy: tick)
                return r == 0 && q < 4096 ? Int(q) : -1
            }
            var keys: [Int64] = []
            for q in [Int64(0), 1, 2, 4094, 4095, 4096, 4097] {
                for d in [Int64(-1), 0, 1] { keys.append(side.baseKey &+ q &* tick &+ d) }
            }
            for _ in 0..<20_000 {
                let near = Int64(bitPattern: rng.next() % UInt64(window &* 2)) &- window / 2
                keys.append(side.baseKey &+ near)
                keys.append(side.baseKey &+ (near / tick) &* tick)
            }
            for _ in 0..<2_000 { keys.append(side.baseKey &+ Int64(bitPattern: rng.next() >> 2)) }
            keys.append(side.baseKey &+ Int64.max / tick &* tick)
            var mismatches = 0
            for key in keys where side.slot(of: key) != reference(key) { mismatches += 1 }
            #expect(mismatches == 0, "tick \(tick): \(mismatches) of \(keys.count) keys differ")
            side.removeAll(tick: tick &* 3)
            side.anchor(on: tick &* 3 &* 1_001)
            #expect(side.tickReciprocal == BookSide.reciprocal(of: tick &* 3))
            let k = side.baseKey &+ 17 &* tick &* 3
            #expect(side.slot(of: k) == 17 && side.slot(of: k &+ 1) == -1)
        }
    }

    @Test func topLevelsAndForEachWalkBestFirst() {
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 256, overflowCapacity: 64, tick: 1, invariantCheckInterval: 1))
        for i in 0..<50 { book.set(side: .sell, price: Price(raw: 100 + Int64(i) * 7), quantity: Quantity(raw: Int64(i) + 1)) }
        book.set(side: .sell, price: Price(raw: 100_000), quantity: Quantity(raw: 9)) // overflow
        let out = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 60)
        defer { out.deallocate() }
        let n = book.topLevels(.sell, into: out)
        #expect(n == 51)
        #expect(out[0] == DepthLevel(price: Price(raw: 100), quantity: Quantity(raw: 1)))
        #expect(out[50].price == Price(raw: 100_000))
        for i in 1..<n { #expect(out[i - 1].price < out[i].price) }
        let small = UnsafeMutableBufferPointer(rebasing: out[0..<5])
        #expect(book.topLevels(.sell, into: small) == 5)
    }

    @Test func fullOverflowDropsTheWorstLevelsAndKeepsTheTopExact() {
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 64, overflowCapacity: 4, tick: 1, invariantCheckInterval: 1))
        book.set(side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 1))
        for i in 1...10 { book.set(side: .buy, price: Price(raw: 10_000 - 1000 * Int64(i)), quantity: Quantity(raw: Int64(i))) }
        #expect(book.levelCount(.buy) == 5)
        #expect(book.truncatedLevels == 6)
        #expect(book.bestBid == DepthLevel(price: Price(raw: 10_000), quantity: Quantity(raw: 1)))
        #expect(levels(book, .buy).map(\.price.raw) == [10_000, 9_000, 8_000, 7_000, 6_000])
    }

    @Test func replaceAdoptsTheSnapshotAndItsTick() {
        var book = OrderBook(configuration: OrderBookConfiguration(invariantCheckInterval: 1))
        let buf = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 4)
        defer { buf.deallocate() }
        buf[0] = DepthLevel(price: Price(raw: 268_380), quantity: Quantity(raw: 5))
        buf[1] = DepthLevel(price: Price(raw: 268_370), quantity: Quantity(raw: 6))
        buf[2] = DepthLevel(price: Price(raw: 268_390), quantity: Quantity(raw: 7))
        buf[3] = DepthLevel(price: Price(raw: 268_400), quantity: Quantity(raw: 8))
        let bids = UnsafeBufferPointer(rebasing: buf[0..<2]), asks = UnsafeBufferPointer(rebasing: buf[2..<4])
        #expect(TickInference.tick(bids: bids, asks: asks) == 10)
        book.replace(tick: 10, bids: bids, asks: asks)
        #expect(book.tick == 10 && book.levelCount(.buy) == 2 && book.levelCount(.sell) == 2)
        #expect(book.bestBid?.price == Price(raw: 268_380) && book.bestAsk?.price == Price(raw: 268_390))
    }

    /// Debug builds check the invariants after every `invariantCheckInterval`-th public mutation and
    /// after every `replace`; interval 1 after each, 0 never. The validator finds a corrupted ladder.
    @Test func invariantCheckCadenceAndValidator() {
        var book = OrderBook(configuration: OrderBookConfiguration(tick: 1, invariantCheckInterval: 4))
        #expect(book.invariantCheckInterval == 4 && book.mutationsUntilCheck == 4)
        for i in 0..<3 { book.set(side: .buy, price: Price(raw: 100 - Int64(i)), quantity: Quantity(raw: 1)) }
        #expect(book.mutationsUntilCheck == 1)
        book.set(side: .sell, price: Price(raw: 101), quantity: Quantity(raw: 1))
        #expect(book.mutationsUntilCheck == 4)
        book.set(side: .sell, price: Price(raw: 102), quantity: Quantity(raw: 1))
        #expect(book.mutationsUntilCheck == 3)
        let buf = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 2)
        defer { buf.deallocate() }
        buf[0] = DepthLevel(price: Price(raw: 90), quantity: Quantity(raw: 2))
        buf[1] = DepthLevel(price: Price(raw: 91), quantity: Quantity(raw: 2))
        book.replace(tick: 1, bids: UnsafeBufferPointer(rebasing: buf[0..<1]), asks: UnsafeBufferPointer(rebasing: buf[1..<2]))
        #expect(book.mutationsUntilCheck == 4)
        #expect(OrderBookConfiguration(invariantCheckInterval: -3).invariantCheckInterval == 0)
        #expect(!OrderBookConfiguration(invariantCheckInterval: 0).checksInvariants)
        #if DEBUG
        #expect(OrderBookConfiguration().invariantCheckInterval == OrderBookConfiguration.debugInvariantCheckInterval)
        #else
        #expect(OrderBookConfiguration().invariantCheckInterval == 0)
        #endif

        // A quantity without its bitmap bit, then a count that disagrees: both reported.
        #expect(book.validate() == nil)
        let slot = book.bids.slot(of: 90)
        #expect(slot >= 0)
        book.bids.quantities[slot + 1] = 5
        #expect(book.validate()?.hasPrefix("bids: slot \(slot + 1): bitmap false but quantity 5") == true)
        book.bids.quantities[slot + 1] = 0
        book.asks.ladderCount += 1
        #expect(book.validate()?.hasPrefix("asks: ladder count") == true)
        book.asks.ladderCount -= 1
        #expect(book.validate() == nil)
    }
}
