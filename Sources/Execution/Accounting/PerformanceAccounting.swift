import HFTPrimitives

/// Performance accounting per strategy and instrument: feed it every fill and periodic marks, read
/// a `PerformanceReport`. One `StrategyLedger` per (strategy, instrument) pair, created on the first
/// fill (the only allocation, bounded by the number of pairs; reserve with `capacity`).
/// - Complexity: `onFill` and `mark` are O(pairs) with pairs in the single digits, no allocation
///   after the pair exists.
public struct PerformanceAccounting: Sendable {
    public let specs: [InstrumentSpec]
    /// Capital each strategy's returns and drawdown fraction are measured against, in whole quote units.
    public let capital: Double
    public let interval: Nanos
    public private(set) var ledgers: [StrategyLedger]

    /// - Parameters:
    ///   - specs: the instruments traded (for scales).
    ///   - capital: capital per strategy in whole quote units (e.g. 10 000 USDT).
    ///   - interval: the sampling interval of returns for Sharpe and Sortino (default 1 minute).
    public init(specs: [InstrumentSpec], capital: Double, interval: Nanos = .seconds(60), capacity: Int = 16) {
        precondition(capital > 0, "capital must be positive")
        self.specs = specs
        self.capital = capital
        self.interval = interval
        ledgers = []
        ledgers.reserveCapacity(capacity)
    }

    func spec(_ id: InstrumentId) -> InstrumentSpec {
        guard let s = specs.first(where: { $0.id == id }) else { preconditionFailure("no InstrumentSpec for \(id)") }
        return s
    }

    mutating func index(_ strategy: StrategyId, _ instrument: InstrumentId) -> Int {
        for i in ledgers.indices where ledgers[i].strategy == strategy && ledgers[i].instrument == instrument { return i }
        let s = spec(instrument)
        ledgers.append(StrategyLedger(strategy: strategy, instrument: instrument, quantityScale: s.quantityScale,
                                      capital: Int64(capital * Double(s.priceScale.multiplier)), interval: interval))
        return ledgers.count - 1
    }

    /// Applies a fill of `strategy` on `instrument` (fee in quote raw at the price scale).
    public mutating func onFill(strategy: StrategyId, instrument: InstrumentId, side: Side, price: Price, quantity: Quantity, fee: Int64, at time: Nanos) {
        let i = index(strategy, instrument)
        ledgers[i].fill(side: side, price: price, quantity: quantity, fee: fee, at: time)
    }

    /// Applies a fill event of `order`.
    public mutating func onFill(_ order: Order, event: OrderEvent, at time: Nanos) {
        guard case .fill(let price, let quantity, let fee, _) = event else { return }
        onFill(strategy: order.strategy, instrument: order.instrument, side: order.side, price: price, quantity: quantity, fee: fee, at: time)
    }

    /// Marks every ledger of `instrument` at `price` (the mid) at `now`.
    public mutating func mark(instrument: InstrumentId, price: Price, now: Nanos) {
        for i in ledgers.indices where ledgers[i].instrument == instrument { ledgers[i].mark(price: price, now: now) }
    }

    /// Rebuilds the fills of a journal (e.g. after a restart), in journal order.
    public mutating func replay(_ records: [JournalRecord]) {
        for r in records where r.kind == .fill {
            onFill(strategy: r.strategy, instrument: r.instrument, side: r.side, price: Price(raw: r.a), quantity: Quantity(raw: r.b), fee: r.c, at: r.time)
        }
    }

    /// The report, in whole quote units.
    public func report() -> PerformanceReport {
        PerformanceReport(strategies: ledgers.map { l in
            let s = spec(l.instrument)
            let p = Double(s.priceScale.multiplier)
            let q = Double(s.quantityScale.multiplier)
            return StrategyPerformance(
                strategy: Int(l.strategy.raw), instrument: Int(l.instrument.raw),
                position: Double(l.position) / q, averagePrice: Double(l.averagePrice) / p, markPrice: Double(l.markPrice) / p,
                realizedPnL: Double(l.realizedPnL) / p, unrealizedPnL: Double(l.unrealizedPnL) / p, fees: Double(l.fees) / p,
                netPnL: Double(l.equity) / p, fills: l.fills, volume: Double(l.volume) / q,
                roundTrips: l.roundTrips, winRate: l.winRate, profitFactor: l.profitFactor,
                sharpe: l.sharpe, sortino: l.sortino, returnIntervals: l.intervals, intervalSeconds: Double(interval.raw) / 1e9,
                maxDrawdown: Double(l.maxDrawdown) / p, maxDrawdownFraction: l.maxDrawdownFraction)
        })
    }
}
