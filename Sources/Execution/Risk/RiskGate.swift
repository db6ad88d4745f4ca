import HFTPrimitives

/// The pre-trade risk gate for one instrument: every intent passes `check` before it becomes an
/// order. Nanoseconds per intent, no allocation, no locks; a rejection is a value with a counted reason.
///
/// Order of checks: kill switch, halt, feed/latency trips, quantity/price sanity, drawdown
/// breakers, size and notional, price band, position and notional (worst case with working
/// orders), self-trade, open orders, rate. Invariant: an intent that breaks any configured limit
/// is never accepted (property-tested).
@frozen
public struct RiskGate: Sendable {
    public var limits: RiskLimits
    /// Set by the operator (`POST /kill`); rejects everything until cleared.
    public var killSwitch: Bool
    /// Set by the 15 % drawdown breaker or by the engine; rejects everything until cleared.
    public var halted: Bool { haltedFlag }
    /// Accepted intents.
    public var accepted: UInt64 { acceptedCount }
    @usableFromInline var haltedFlag: Bool
    /// Per-reason rejection counts, indexed by `RiskRejectReason.rawValue`.
    @usableFromInline var rejectionCounts: InlineArray<24, UInt64>
    @usableFromInline var acceptedCount: UInt64
    @usableFromInline var rate: RateWindow

    /// The decision `intent` would get now, with nothing recorded (no rate entry, no count, no
    /// halt): runs `check`'s own code (`decide`), so it keeps that code and the gate's state warm
    /// between orders.
    @inlinable
    public func dryRun(_ intent: Intent, state: RiskState, now: Nanos) -> RiskDecision {
        decide(intent, state: state, now: now).decision
    }

    public init(limits: RiskLimits) {
        self.limits = limits
        self.killSwitch = false
        self.haltedFlag = false
        self.rejectionCounts = InlineArray(repeating: 0)
        self.acceptedCount = 0
        self.rate = RateWindow()
    }

    /// Clears the halt (operator action).
    public mutating func resume() { haltedFlag = false }

    /// Halts trading (engine action, e.g. on a flatten).
    public mutating func halt() { haltedFlag = true }

    /// Count of rejections for one reason.
    public func rejections(for reason: RiskRejectReason) -> UInt64 { rejectionCounts[Int(reason.rawValue)] }

    /// Whether the drawdown has reached the halt threshold: the engine must flatten and halt.
    @inlinable
    public func drawdownBps(_ state: RiskState) -> Int64 {
        guard limits.capital > 0 else { return 0 }
        let dd = max(state.peakEquity &- state.equity, 0)
        return Int64((Int128(dd) * 10_000) / Int128(limits.capital))
    }

    /// Checks an intent at `now`; on `.accept` the order-rate window records it.
    /// - Complexity: O(1), no allocation.
    @inlinable
    public mutating func check(_ intent: Intent, state: RiskState, now: Nanos) -> RiskDecision {
        let decision = evaluate(intent, state: state, now: now)
        switch decision {
        case .accept:
            rate.record(now: now)
            acceptedCount &+= 1
        case .reject(let reason):
            rejectionCounts[Int(reason.rawValue)] &+= 1
        }
        return decision
    }

    /// The decision without recording it (a drawdown at the halt threshold still halts the gate).
    @inlinable
    public mutating func evaluate(_ intent: Intent, state: RiskState, now: Nanos) -> RiskDecision {
        let (decision, halts) = decide(intent, state: state, now: now)
        if halts { haltedFlag = true }
        return decision
    }

    /// The decision, and whether the drawdown reached the halt threshold (the caller halts the gate).
    /// Changes nothing. Out of line on purpose: `check` and `dryRun` run the same instructions, so
    /// a dry run between orders keeps the real check's code warm, not a copy of it.
    @inline(never)
    public func decide(_ intent: Intent, state: RiskState, now: Nanos) -> (decision: RiskDecision, halts: Bool) {
        if killSwitch { return (.reject(.killSwitch), false) }
        let dd = drawdownBps(state)
        let halts = dd >= limits.drawdownHaltBps
        if haltedFlag || halts { return (.reject(.halted), halts) }
        return (admissible(intent, state: state, now: now, drawdown: dd), false)
    }

    @inline(__always)
    func admissible(_ intent: Intent, state: RiskState, now: Nanos, drawdown dd: Int64) -> RiskDecision {

        let qty = intent.quantity.raw
        if qty <= 0 { return .reject(.invalidQuantity) }
        let pos = state.position.raw
        // Reducing: moves the position toward zero without crossing it, even if every working
        // order on the same side fills first.
        let reduces = intent.side == .sell
            ? pos > 0 && pos &- state.workingSell.raw &- qty >= 0
            : pos < 0 && pos &+ state.workingBuy.raw &+ qty <= 0
        if intent.reduceOnly && !reduces { return .reject(.reduceOnlyWouldIncrease) }
        if !reduces {
            if state.feedStale { return .reject(.feedStale) }
            if limits.maxTickToOrderP99.raw > 0 && state.tickToOrderP99 > limits.maxTickToOrderP99 { return .reject(.latencyTrip) }
            if dd >= limits.drawdownStopOpeningBps { return .reject(.drawdownOpeningBlocked) }
        }
        let mid = state.mid.raw
        if mid <= 0 { return .reject(.noReferencePrice) }
        let px: Int64
        if intent.kind == .limit {
            px = intent.price.raw
            if px <= 0 { return .reject(.invalidPrice) }
            // |px − mid| / mid ≤ band / 10 000
            let distance = Int128(px > mid ? px &- mid : mid &- px) * 10_000
            if distance > Int128(limits.priceBandBps) * Int128(mid) { return .reject(.priceBand) }
        } else {
            px = mid
        }
        if qty > limits.maxOrderQuantity.raw { return .reject(.maxOrderQuantity) }
        let orderNotional = Int128(px) * Int128(qty)
        if orderNotional > limits.maxOrderNotional { return .reject(.maxOrderNotional) }
        // Worst case: every working order on the intent's side fills too.
        let worst: Int64 = intent.side == .buy
            ? pos &+ state.workingBuy.raw &+ qty
            : pos &- state.workingSell.raw &- qty
        let worstAbs = worst.magnitude
        if !reduces {
            if worstAbs > UInt64(limits.maxPosition.raw) { return .reject(.maxPosition) }
            if Int128(worstAbs) * Int128(max(px, mid)) > limits.maxNotional { return .reject(.maxNotional) }
        }
        // Self-trade prevention: never cross our own resting order on the other side.
        if intent.side == .buy {
            if state.ownBestAsk.raw > 0 && (intent.kind == .market || px >= state.ownBestAsk.raw) { return .reject(.selfTrade) }
        } else {
            if state.ownBestBid.raw > 0 && (intent.kind == .market || px <= state.ownBestBid.raw) { return .reject(.selfTrade) }
        }
        if state.openOrders >= limits.maxOpenOrders { return .reject(.maxOpenOrders) }
        if !rate.allows(now: now, limit: limits.maxOrdersPerWindow, window: limits.rateWindow) { return .reject(.orderRate) }
        return .accept
    }
}
