import Testing
import HFTPrimitives
import MarketData
@testable import Execution

/// Paper venue behaviour on a hand-built book (prices at 2 places, quantities at 3, tick 0.01, lot 0.001).
@Suite struct PaperVenueTests {
    static let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .paper, priceScale: DecimalScale(places: 2),
                                     quantityScale: DecimalScale(places: 3), tick: 1, lot: 1)

    /// Bids 99.98×5, 99.99×10; asks 100.00×2, 100.01×3, 100.02×4 (raw quantities ×1000).
    static func book() -> OrderBook {
        var b = OrderBook(configuration: OrderBookConfiguration(tick: 1))
        b.set(side: .buy, price: Price(raw: 9_998), quantity: Quantity(raw: 5_000))
        b.set(side: .buy, price: Price(raw: 9_999), quantity: Quantity(raw: 10_000))
        b.set(side: .sell, price: Price(raw: 10_000), quantity: Quantity(raw: 2_000))
        b.set(side: .sell, price: Price(raw: 10_001), quantity: Quantity(raw: 3_000))
        b.set(side: .sell, price: Price(raw: 10_002), quantity: Quantity(raw: 4_000))
        return b
    }

    static func venue(entry: Nanos = .microseconds(100), response: Nanos = .microseconds(50),
                      model: QueueModelKind = .riskAverse) -> PaperVenue {
        PaperVenue(configuration: PaperVenueConfiguration(spec: spec, queueModel: model), latency: LatencyModel(entry: entry, response: response))
    }

    static func order(_ id: UInt64, _ side: Side, px: Int64, qty: Int64, kind: OrderKind = .limit, tif: TimeInForce = .gtc) -> Order {
        let intent = Intent(instrument: spec.id, strategy: StrategyId(raw: 0), side: side, kind: kind, timeInForce: tif,
                            price: Price(raw: px), quantity: Quantity(raw: qty))
        return Order(intent: intent, clientOrderId: ClientOrderId(raw: id))
    }

    static func drain(_ v: inout PaperVenue, until t: Nanos) -> [ExecutionReport] {
        var out: [ExecutionReport] = []
        v.drainReports(until: t) { out.append($0) }
        return out
    }

    /// The request and report rings wrap around many times at capacity 3 (reports 24): every
    /// request is acted on once, in order, every report is delivered once, in venue order, and a
    /// fourth request in flight is refused (back pressure), never overwrites one.
    @Test func requestAndReportRingsWrapWithoutLosingOrReorderingAnything() {
        var v = PaperVenue(configuration: PaperVenueConfiguration(spec: Self.spec, queueModel: .riskAverse, capacity: 3),
                           latency: LatencyModel(entry: .microseconds(10), response: .microseconds(5)))
        let b = Self.book()
        var acked: [UInt64] = []
        var next: UInt64 = 1
        for round in 0..<40 {
            let t = Nanos.microseconds(Int64(round) * 100)
            // Three IOC buys far below the ask (expire unfilled), then one too many.
            for _ in 0..<3 {
                #expect(v.submit(Self.order(next, .buy, px: 9_000, qty: 1_000, tif: .ioc), now: t) == .accepted)
                next += 1
            }
            #expect(v.submit(Self.order(999_999, .buy, px: 9_000, qty: 1_000, tif: .ioc), now: t) == .backPressured)
            v.process(until: t + .microseconds(10), book: b)
            let r = Self.drain(&v, until: t + .microseconds(15))
            #expect(r.map(\.kind) == [.ack, .expired, .ack, .expired, .ack, .expired])
            acked += r.filter { $0.kind == .ack }.map(\.clientOrderId.raw)
        }
        #expect(acked == Array(1..<next))
        #expect(v.pendingReports == 0 && v.droppedReports == 0)
    }

    @Test func marketOrderWalksTheBookWithSlippage() {
        var v = Self.venue()
        let b = Self.book()
        #expect(v.submit(Self.order(1, .buy, px: 0, qty: 6_000, kind: .market), now: .zero) == .accepted)
        v.process(until: .microseconds(99), book: b)
        #expect(v.pendingReports == 0)                        // not at the venue yet
        v.process(until: .microseconds(100), book: b)
        #expect(Self.drain(&v, until: .microseconds(149)).isEmpty)   // reports still travelling
        let r = Self.drain(&v, until: .microseconds(150))
        #expect(r.map(\.kind) == [.ack, .fill, .fill, .fill])
        #expect(r.dropFirst().map(\.price.raw) == [10_000, 10_001, 10_002])
        #expect(r.dropFirst().map(\.quantity.raw) == [2_000, 3_000, 1_000])
        #expect(r.dropFirst().allSatisfy { !$0.isMaker })
        // Taker 5 bps of 100.00 × 2 = 0.10 quote = 10 raw at price scale.
        #expect(r[1].fee == 10)
    }

    @Test func ownFillsConsumeLiquidityUntilTheBookChanges() {
        var v = Self.venue(entry: .zero, response: .zero)
        var b = Self.book()
        _ = v.submit(Self.order(1, .buy, px: 10_000, qty: 1_500, tif: .ioc), now: .zero)
        _ = v.submit(Self.order(2, .buy, px: 10_000, qty: 1_500, tif: .ioc), now: .zero)
        v.process(until: .zero, book: b)
        let r = Self.drain(&v, until: .zero)
        let fills = r.filter { $0.kind == .fill }
        #expect(fills.map(\.quantity.raw) == [1_500, 500])   // only 2.000 was displayed
        #expect(r.last?.kind == .expired)
        // The book now shows the level refilled: liquidity is available again.
        b.set(side: .sell, price: Price(raw: 10_000), quantity: Quantity(raw: 2_500))
        v.onBook(b, now: .microseconds(1))
        _ = v.submit(Self.order(3, .buy, px: 10_000, qty: 1_000, tif: .ioc), now: .microseconds(1))
        v.process(until: .microseconds(1), book: b)
        #expect(Self.drain(&v, until: .microseconds(1)).filter { $0.kind == .fill }.map(\.quantity.raw) == [1_000])
    }

    @Test func marketableLimitFillsThenRestsTheRemainder() {
        var v = Self.venue(entry: .zero, response: .zero)
        let b = Self.book()
        _ = v.submit(Self.order(1, .buy, px: 10_001, qty: 7_000), now: .zero)
        v.process(until: .zero, book: b)
        let r = Self.drain(&v, until: .zero)
        #expect(r.filter { $0.kind == .fill }.map(\.quantity.raw) == [2_000, 3_000])
        #expect(v.restingOrders.count == 1 && v.restingOrders[0].remaining == 2_000)
        #expect(v.restingOrders[0].queue.front == 0)         // no bid was displayed at 100.01: first in the queue
    }

    @Test func restingOrderFillsOnlyAfterTheQueueAheadIsConsumed() {
        var v = Self.venue(entry: .zero, response: .zero)
        var b = Self.book()
        _ = v.submit(Self.order(1, .buy, px: 9_999, qty: 4_000), now: .zero)
        v.process(until: .zero, book: b)
        #expect(Self.drain(&v, until: .zero).map(\.kind) == [.ack])
        #expect(v.restingOrders[0].queue.front == 10_000)
        // Sell prints at our price eat the 10.000 ahead of us, in pieces.
        var t = Nanos.microseconds(1)
        for q in [3_000, 3_000, 4_000] as [Int64] {
            v.onTrade(Self.trade(px: 9_999, qty: q, aggressor: .sell), now: t)
            b.set(side: .buy, price: Price(raw: 9_999), quantity: Quantity(raw: b.quantity(side: .buy, at: Price(raw: 9_999)).raw - q))
            v.onBook(b, now: t)
            t += .microseconds(1)
        }
        #expect(Self.drain(&v, until: t).isEmpty)            // queue ahead exactly consumed: nothing of ours yet
        // The next print reaches our order.
        v.onTrade(Self.trade(px: 9_999, qty: 2_500, aggressor: .sell), now: t)
        let r = Self.drain(&v, until: t)
        #expect(r.map(\.kind) == [.fill] && r[0].quantity.raw == 2_500 && r[0].isMaker)
        // A buy aggressor does not touch our bid.
        v.onTrade(Self.trade(px: 9_999, qty: 9_000, aggressor: .buy), now: t)
        #expect(Self.drain(&v, until: t).isEmpty)
        // A sell print below our price trades through us: the rest fills at our price.
        v.onTrade(Self.trade(px: 9_998, qty: 100, aggressor: .sell), now: t)
        let last = Self.drain(&v, until: t)
        #expect(last.map(\.quantity.raw) == [1_500] && last[0].price.raw == 9_999)
        #expect(v.restingOrders.isEmpty)
    }

    @Test func probabilisticQueueAdvancesOnCancels() {
        var v = Self.venue(entry: .zero, response: .zero, model: .probabilistic(.power(2)))
        var b = Self.book()
        _ = v.submit(Self.order(1, .buy, px: 9_999, qty: 1_000), now: .zero)
        v.process(until: .zero, book: b)
        b.set(side: .buy, price: Price(raw: 9_999), quantity: Quantity(raw: 15_000))   // joins behind
        v.onBook(b, now: .microseconds(1))
        b.set(side: .buy, price: Price(raw: 9_999), quantity: Quantity(raw: 9_000))    // 6.000 canceled
        v.onBook(b, now: .microseconds(2))
        #expect(abs(v.restingOrders[0].queue.front - 5_200) < 1e-9)   // the hand-worked case, ×1000
    }

    @Test func postOnlyFokAndCancels() {
        var v = Self.venue(entry: .zero, response: .zero)
        let b = Self.book()
        _ = v.submit(Self.order(1, .buy, px: 10_000, qty: 1_000, tif: .postOnly), now: .zero)
        _ = v.submit(Self.order(2, .buy, px: 10_001, qty: 9_000, tif: .fok), now: .zero)
        _ = v.submit(Self.order(3, .sell, px: 10_005, qty: 1_000), now: .zero)
        _ = v.cancel(ClientOrderId(raw: 3), side: .sell, now: .zero)
        _ = v.cancel(ClientOrderId(raw: 42), side: .sell, now: .zero)
        v.process(until: .zero, book: b)
        let r = Self.drain(&v, until: .zero)
        #expect(r.map(\.kind) == [.rejected, .ack, .expired, .ack, .canceled, .cancelRejected])
        #expect(r[0].code == -5022 && r[5].code == -2011)
        #expect(v.restingOrders.isEmpty)
    }

    @Test func bookCrossingOurRestingOrderFillsIt() {
        var v = Self.venue(entry: .zero, response: .zero)
        var b = Self.book()
        _ = v.submit(Self.order(1, .sell, px: 10_003, qty: 1_000), now: .zero)
        v.process(until: .zero, book: b)
        _ = Self.drain(&v, until: .zero)
        b.set(side: .buy, price: Price(raw: 10_003), quantity: Quantity(raw: 1_000))
        v.onBook(b, now: .microseconds(1))
        let r = Self.drain(&v, until: .microseconds(1))
        #expect(r.map(\.kind) == [.fill] && r[0].price.raw == 10_003 && r[0].isMaker)
    }

    @Test func sampledLatencyIsDeterministic() {
        var a = LatencyModel(roundTrips: (1...100).map { Nanos.microseconds($0) }, entryShare: 0.5, seed: 7)
        var b = LatencyModel(roundTrips: (1...100).map { Nanos.microseconds($0) }, entryShare: 0.5, seed: 7)
        for _ in 0..<1_000 {
            let x = a.next(), y = b.next()
            #expect(x.entry == y.entry && x.response == y.response)
            #expect(x.entry.raw + x.response.raw >= 1_000 && x.entry.raw + x.response.raw <= 100_000)
        }
    }

    @Test func feeTiersAndRebates() {
        var f = FeeSchedule(tiers: [FeeTier(minimumVolume: 0, makerRate: 200, takerRate: 500),
                                    FeeTier(minimumVolume: 1_000, makerRate: -50, takerRate: 400)])
        // 100.00 × 5.000 = 500 quote: maker 2 bps = 0.10 → 10 raw.
        #expect(f.fee(price: Price(raw: 10_000), quantity: Quantity(raw: 5_000), isMaker: true, spec: Self.spec) == 10)
        #expect(f.fee(price: Price(raw: 10_000), quantity: Quantity(raw: 5_000), isMaker: true, spec: Self.spec) == 10)
        // Volume is now 1000: the rebate tier applies (−0.5 bps of 500 = −0.025 → −3 raw, half away from zero).
        #expect(f.fee(price: Price(raw: 10_000), quantity: Quantity(raw: 5_000), isMaker: true, spec: Self.spec) == -3)
        #expect(f.taker == 400)
    }

    static func trade(px: Int64, qty: Int64, aggressor: Side) -> TradeEvent {
        TradeEvent(instrument: spec.id, venue: .paper, aggressor: aggressor, flags: [], price: Price(raw: px), quantity: Quantity(raw: qty),
                   tradeId: 0, exchangeTime: .zero, receiveTime: .zero)
    }
}
