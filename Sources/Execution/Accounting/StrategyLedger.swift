import HFTPrimitives

/// Running PnL and statistics of one strategy on one instrument, from its fills and marks.
///
/// Money is exact: cost basis and realized PnL are `Int128` in `price.raw × quantity.raw` units
/// (scale = price places + quantity places); fees are quote raw units at the price scale (as
/// `FeeSchedule` produces them). Position average price is the cost basis over the position; a
/// reducing fill realizes `(exit − average) × quantity` and removes that share of the basis; a fill
/// through zero closes the old position and opens the rest at the fill price.
///
/// A *round trip* runs from the position leaving zero to it returning to zero (or flipping); its
/// PnL (realized − fees inside it) decides win rate and profit factor. Sharpe and Sortino use
/// per-interval returns: equity change over each fixed `interval` divided by `capital`.
/// - Complexity: `fill` and `mark` are O(1), no allocation.
@frozen
public struct StrategyLedger: BitwiseCopyable, Sendable {
    public let strategy: StrategyId
    public let instrument: InstrumentId
    /// 10^quantity places: converts `price.raw × qty.raw` units to quote raw at price scale.
    @usableFromInline let quantityMultiplier: Int128
    /// Signed position (+ long) and its cost basis (Σ price × |qty| of the open part).
    public private(set) var position: Int64
    public private(set) var costBasis: Int128
    public private(set) var realized: Int128
    /// Σ fees, quote raw at price scale (negative = net rebates).
    public private(set) var fees: Int64
    public private(set) var fills: Int
    /// Σ |quantity| traded and Σ price × |quantity| (for turnover).
    public private(set) var volume: Int64
    public private(set) var turnover: Int128
    /// Last mark price (0 = none yet).
    public private(set) var markPrice: Int64
    public private(set) var roundTrips: Int
    public private(set) var wins: Int
    public private(set) var grossProfit: Int128
    public private(set) var grossLoss: Int128
    @usableFromInline var tripStartRealized: Int128
    @usableFromInline var tripStartFees: Int64
    /// Highest equity seen and the largest fall from a peak (quote raw at price scale).
    public private(set) var peakEquity: Int64
    public private(set) var maxDrawdown: Int64
    /// Interval returns: count, running mean and M2 (Welford), Σ min(r, 0)².
    public private(set) var intervals: Int
    @usableFromInline var meanReturn: Double
    @usableFromInline var m2: Double
    @usableFromInline var downsideSquares: Double
    @usableFromInline var lastSampleEquity: Int64
    @usableFromInline var nextSampleAt: Int64
    public let interval: Nanos
    /// Capital that interval returns are measured against, quote raw at price scale.
    public let capital: Int64

    public init(strategy: StrategyId, instrument: InstrumentId, quantityScale: DecimalScale, capital: Int64, interval: Nanos) {
        precondition(capital > 0 && interval.raw > 0, "capital and interval must be positive")
        self.strategy = strategy
        self.instrument = instrument
        quantityMultiplier = Int128(quantityScale.multiplier)
        position = 0
        costBasis = 0
        realized = 0
        fees = 0
        fills = 0
        volume = 0
        turnover = 0
        markPrice = 0
        roundTrips = 0
        wins = 0
        grossProfit = 0
        grossLoss = 0
        tripStartRealized = 0
        tripStartFees = 0
        peakEquity = 0
        maxDrawdown = 0
        intervals = 0
        meanReturn = 0
        m2 = 0
        downsideSquares = 0
        lastSampleEquity = 0
        nextSampleAt = .min
        self.interval = interval
        self.capital = capital
    }

    /// Average entry price of the open position (raw, truncated), 0 when flat.
    public var averagePrice: Int64 {
        position == 0 ? 0 : Int64(costBasis / Int128(position.magnitude))
    }

    /// Realized PnL in quote raw at price scale (before fees).
    public var realizedPnL: Int64 { Int64(clamping: realized / quantityMultiplier) }

    /// Unrealized PnL at the last mark, quote raw at price scale.
    public var unrealizedPnL: Int64 {
        guard position != 0, markPrice > 0 else { return 0 }
        let value = Int128(markPrice) * Int128(position.magnitude)
        let pnl = position > 0 ? value - costBasis : costBasis - value
        return Int64(clamping: pnl / quantityMultiplier)
    }

    /// Realized + unrealized − fees.
    public var equity: Int64 { realizedPnL &+ unrealizedPnL &- fees }

    /// Applies one fill.
    public mutating func fill(side: Side, price: Price, quantity: Quantity, fee: Int64, at time: Nanos) {
        let q = quantity.raw
        guard q > 0 else { return }
        fills &+= 1
        volume &+= q
        turnover += Int128(price.raw) * Int128(q)
        fees &+= fee
        if markPrice == 0 { markPrice = price.raw }
        let signed = side == .buy ? q : -q
        if position == 0 {
            tripStartRealized = realized
            tripStartFees = fees &- fee
        }
        if position == 0 || (position > 0) == (signed > 0) {
            costBasis += Int128(price.raw) * Int128(q)
            position &+= signed
        } else {
            let open = Int64(position.magnitude)
            let closing = min(q, open)
            let removed = costBasis * Int128(closing) / Int128(open)
            let exitValue = Int128(price.raw) * Int128(closing)
            realized += position > 0 ? exitValue - removed : removed - exitValue
            costBasis -= removed
            position &+= position > 0 ? -closing : closing
            if position == 0 {
                costBasis = 0
                closeTrip()
                let rest = q &- closing
                if rest > 0 {
                    tripStartRealized = realized
                    tripStartFees = fees
                    costBasis = Int128(price.raw) * Int128(rest)
                    position = side == .buy ? rest : -rest
                }
            }
        }
        updateDrawdown()
    }

    @usableFromInline
    mutating func closeTrip() {
        let pnl = (realized - tripStartRealized) - Int128(fees &- tripStartFees) * quantityMultiplier
        roundTrips &+= 1
        if pnl > 0 { wins &+= 1; grossProfit += pnl } else { grossLoss += -pnl }
    }

    @usableFromInline
    mutating func updateDrawdown() {
        let e = equity
        if e > peakEquity { peakEquity = e }
        let dd = peakEquity &- e
        if dd > maxDrawdown { maxDrawdown = dd }
    }

    /// Marks the position at `price` and, once per `interval`, samples an interval return.
    /// Intervals with no mark count as zero returns.
    public mutating func mark(price: Price, now: Nanos) {
        if price.raw > 0 { markPrice = price.raw }
        updateDrawdown()
        if nextSampleAt == .min {
            nextSampleAt = now.raw &+ interval.raw
            lastSampleEquity = equity
            return
        }
        guard now.raw >= nextSampleAt else { return }
        let elapsed = (now.raw &- nextSampleAt) / interval.raw &+ 1
        let e = equity
        addReturn(Double(e &- lastSampleEquity) / Double(capital))
        if elapsed > 1 { for _ in 1..<min(elapsed, 1_000_000) { addReturn(0) } }
        lastSampleEquity = e
        nextSampleAt &+= elapsed &* interval.raw
    }

    @usableFromInline
    mutating func addReturn(_ r: Double) {
        intervals &+= 1
        let d = r - meanReturn
        meanReturn += d / Double(intervals)
        m2 += d * (r - meanReturn)
        if r < 0 { downsideSquares += r * r }
    }

    /// Winning round trips over all round trips (nil before the first).
    public var winRate: Double? { roundTrips == 0 ? nil : Double(wins) / Double(roundTrips) }

    /// Gross profit over gross loss of round trips (nil without a loss; +∞ is not reported).
    public var profitFactor: Double? { grossLoss == 0 ? nil : Double(grossProfit) / Double(grossLoss) }

    /// Mean over sample standard deviation of interval returns, times √(intervals per year, 365 days).
    public var sharpe: Double? {
        guard intervals >= 2, m2 > 0 else { return nil }
        let sd = (m2 / Double(intervals - 1)).squareRoot()
        return meanReturn / sd * annualization
    }

    /// Mean over downside deviation (√ mean of min(r, 0)²) of interval returns, annualized like `sharpe`.
    public var sortino: Double? {
        guard intervals >= 2, downsideSquares > 0 else { return nil }
        return meanReturn / (downsideSquares / Double(intervals)).squareRoot() * annualization
    }

    @usableFromInline
    var annualization: Double { (365.0 * 86_400e9 / Double(interval.raw)).squareRoot() }

    /// Max drawdown as a fraction of capital.
    public var maxDrawdownFraction: Double { Double(maxDrawdown) / Double(capital) }
}
