import Testing
import HFTPrimitives
@testable import MarketData

/// `OrderBook` against a plain Dictionary model, including far levels (overflow), off-grid prices,
/// re-centring and overflow truncation.
@Suite struct BookTests {
    func levels(_ book: borrowing OrderBook, _ side: Side) -> [DepthLevel] { bookLevels(book, side) }

    func model(_ m: [Int64: Int64], bids: Bool) -> [DepthLevel] {
        m.sorted { bids ? $0.key > $1.key : $0.key < $1.key }.map { DepthLevel(price: Price(raw: $0.key), quantity: Quantity(raw: $0.value)) }
    }

    @Test func basicSetRemoveAndBest() {
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 64, overflowCapacity: 16, tick: 5, checksInvariants: true))
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
        var rng = SeededGenerator(seed: seed)
        // A small ladder so that far levels, off-grid prices, re-centring and truncation all happen.
        let tick: Int64 = 10
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 128, overflowCapacity: 4096, tick: tick, checksInvariants: true))
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

    @Test func topLevelsAndForEachWalkBestFirst() {
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 256, overflowCapacity: 64, tick: 1, checksInvariants: true))
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
        var book = OrderBook(configuration: OrderBookConfiguration(ladderTicks: 64, overflowCapacity: 4, tick: 1, checksInvariants: true))
        book.set(side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 1))
        for i in 1...10 { book.set(side: .buy, price: Price(raw: 10_000 - 1000 * Int64(i)), quantity: Quantity(raw: Int64(i))) }
        #expect(book.levelCount(.buy) == 5)
        #expect(book.truncatedLevels == 6)
        #expect(book.bestBid == DepthLevel(price: Price(raw: 10_000), quantity: Quantity(raw: 1)))
        #expect(levels(book, .buy).map(\.price.raw) == [10_000, 9_000, 8_000, 7_000, 6_000])
    }

    @Test func replaceAdoptsTheSnapshotAndItsTick() {
        var book = OrderBook(configuration: OrderBookConfiguration(checksInvariants: true))
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
}
