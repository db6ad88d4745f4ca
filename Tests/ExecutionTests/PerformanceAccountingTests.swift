import Testing
import Foundation
import HFTPrimitives
@testable import Execution

/// Cases worked by hand. Prices at 2 places, quantities at 3: price raw 10_000 = 100.00,
/// quantity raw 1_000 = 1.000; money in quote raw at price scale (100 = 1.00 quote).
@Suite struct PerformanceAccountingTests {
    static let spec = InstrumentSpec(id: InstrumentId(raw: 1), venue: .paper, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3))

    static func ledger(interval: Nanos = .seconds(60)) -> StrategyLedger {
        StrategyLedger(strategy: StrategyId(raw: 1), instrument: spec.id, quantityScale: spec.quantityScale, capital: 1_000_000, interval: interval)
    }

    @Test func averagePriceRealizedUnrealizedAndFees() {
        var l = Self.ledger()
        l.fill(side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)   // 1 @ 100
        l.fill(side: .buy, price: Price(raw: 10_200), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)   // 1 @ 102 → avg 101
        #expect(l.position == 2_000 && l.averagePrice == 10_100)
        l.mark(price: Price(raw: 10_300), now: .zero)
        #expect(l.unrealizedPnL == 400)                   // 2 × (103 − 101) = 4.00
        l.fill(side: .sell, price: Price(raw: 10_400), quantity: Quantity(raw: 500), fee: 2, at: .zero)    // 0.5 @ 104: +1.50
        #expect(l.realizedPnL == 150 && l.position == 1_500 && l.averagePrice == 10_100)
        // Through zero: sell 2 @ 99 closes 1.5 (−3.00), opens a 0.5 short at 99.
        l.fill(side: .sell, price: Price(raw: 9_900), quantity: Quantity(raw: 2_000), fee: 8, at: .zero)
        #expect(l.realizedPnL == 150 - 300 && l.position == -500 && l.averagePrice == 9_900)
        #expect(l.fees == 20)
        l.mark(price: Price(raw: 9_800), now: .zero)
        #expect(l.unrealizedPnL == 50)                    // short 0.5 from 99 at 98: +0.50
        #expect(l.equity == -150 + 50 - 20)
        #expect(l.roundTrips == 1 && l.wins == 0)          // trip: −1.50 realized − 0.20 fees (all fees so far)
    }

    @Test func winRateProfitFactorAndDrawdown() {
        var l = Self.ledger()
        // Trip 1: +2.00 gross, fee 0.10 → +1.90. Trip 2: −1.00, fee 0.10 → −1.10. Trip 3: +0.50, no fee.
        l.fill(side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)
        l.fill(side: .sell, price: Price(raw: 10_200), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)
        l.fill(side: .sell, price: Price(raw: 10_000), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)
        l.fill(side: .buy, price: Price(raw: 10_100), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)
        l.fill(side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 500), fee: 0, at: .zero)
        l.fill(side: .sell, price: Price(raw: 10_100), quantity: Quantity(raw: 500), fee: 0, at: .zero)
        #expect(l.roundTrips == 3 && l.wins == 2)
        #expect(l.winRate == 2.0 / 3.0)
        #expect(abs(l.profitFactor! - (1.90 + 0.50) / 1.10) < 1e-12)
        // Equity path (net): +1.90 peak, then 0.80: drawdown 1.10 = 110 raw.
        #expect(l.maxDrawdown == 110)
        #expect(l.equity == 190 - 110 + 50)
    }

    @Test func sharpeAndSortinoOnIntervalReturns() {
        var l = Self.ledger(interval: .seconds(1))
        l.fill(side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 10_000), fee: 0, at: .zero)   // 10 units long
        // Marks each second: equity changes of +10.00, −5.00, +20.00, −5.00 on capital 10 000.00.
        let marks: [Int64] = [10_000, 10_100, 10_050, 10_250, 10_200]
        for (k, m) in marks.enumerated() { l.mark(price: Price(raw: m), now: .seconds(Int64(k))) }
        let r = [0.001, -0.0005, 0.002, -0.0005]
        let mean = r.reduce(0, +) / 4
        let sd = (r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        let down = (r.map { min($0, 0) * min($0, 0) }.reduce(0, +) / 4).squareRoot()
        let ann = (365.0 * 86_400).squareRoot()
        #expect(l.intervals == 4)
        #expect(abs(l.sharpe! - mean / sd * ann) < 1e-6 * abs(mean / sd * ann))
        #expect(abs(l.sortino! - mean / down * ann) < 1e-6 * abs(mean / down * ann))
        // A gap of three intervals adds two zero returns before the sampled one.
        l.mark(price: Price(raw: 10_200), now: .seconds(7))
        #expect(l.intervals == 7)
    }

    @Test func perStrategyReportAndJournalReplay() throws {
        var a = PerformanceAccounting(specs: [Self.spec], capital: 10_000)
        a.onFill(strategy: StrategyId(raw: 1), instrument: Self.spec.id, side: .buy, price: Price(raw: 10_000), quantity: Quantity(raw: 1_000), fee: 5, at: .zero)
        a.onFill(strategy: StrategyId(raw: 2), instrument: Self.spec.id, side: .sell, price: Price(raw: 10_000), quantity: Quantity(raw: 2_000), fee: 10, at: .zero)
        a.mark(instrument: Self.spec.id, price: Price(raw: 10_100), now: .zero)
        let report = a.report()
        #expect(report.strategies.count == 2)
        #expect(report.strategies[0].unrealizedPnL == 1.0 && report.strategies[0].fees == 0.05)
        #expect(report.strategies[1].unrealizedPnL == -2.0 && report.strategies[1].netPnL == -2.10)
        let decoded = try JSONDecoder().decode(PerformanceReport.self, from: Data(report.json().utf8))
        #expect(decoded == report)
        #expect(report.text().split(separator: "\n").count == 4)
        // The same fills from a journal give the same ledgers.
        let path = temporaryJournalPath()
        defer { unlink(path) }
        do {
            var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8))
            for (strategy, side, qty, fee) in [(UInt16(1), Side.buy, Int64(1_000), Int64(5)), (2, .sell, 2_000, 10)] {
                guard case .admitted(let id) = m.admit(Intent(instrument: Self.spec.id, strategy: StrategyId(raw: strategy), side: side,
                                                              price: Price(raw: 10_000), quantity: Quantity(raw: qty)), now: .zero) else { throw CancellationError() }
                _ = m.apply(.sent, to: id, now: .zero)
                _ = m.apply(.fill(price: Price(raw: 10_000), quantity: Quantity(raw: qty), fee: fee, isMaker: false), to: id, now: .zero)
            }
        }
        var b = PerformanceAccounting(specs: [Self.spec], capital: 10_000)
        b.replay(try JournalScan.read(path: path).records)
        b.mark(instrument: Self.spec.id, price: Price(raw: 10_100), now: .zero)
        #expect(b.report() == report)
    }
}
