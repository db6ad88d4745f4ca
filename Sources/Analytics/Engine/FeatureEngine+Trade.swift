import HFTPrimitives
import MarketData

extension FeatureEngine {
    /// Updates the trade-driven features (trade flow, CVD, VWAP, intensity, large trades, icebergs,
    /// volume profiles) for one trade and rewrites the vector.
    ///
    /// Block trades (`.blockTrade`) and non-market trades (`.nonMarket`) are excluded from TFI and
    /// CVD; non-market trades are also not aggressive volume. Every trade counts in VWAP, intensity,
    /// the large-trade window and the volume profiles.
    /// - Complexity: amortised O(log bins + value-area width + kernel); 0 allocations.
    public mutating func onTrade(_ trade: TradeEvent) -> FeatureUpdate {
        absorb(trade)
        writeCommonFeatures()
        return .updated
    }

    /// `onTrade(_:)` without the vector's rewrite: every window, counter, detector and profile takes
    /// the trade, and the features that depend on trades or on the clock are written by the next
    /// `onBook` (which rewrites them for its own event in any case) or `refreshVector()`. Until then
    /// `features` holds the vector of the event before the trade (`vectorPending` is true).
    ///
    /// For a consumer that reads the vector only after book events, as the Signals stage does (a
    /// market view per book commit, none per trade): a trade then skips the profiles' POC, value
    /// area and node recomputation and the common features: 711 instead of 3 471 instructions per
    /// trade on the USD-M capture (`make instructions`), and the vector after the next book event is bit
    /// for bit the one `onTrade` would have left (`FeatureEngineAbsorbedTradeTests`, every book
    /// event of the real captures): the profiles' recomputation is a function of their bins (the
    /// changes of several trades are taken together), and the windows' expiries are monotone in
    /// the clock. The deferred work moves, it does not vanish: a book event after absorbed trades
    /// takes their recomputation (4 672 instead of 3 654 instructions per book event when nothing
    /// refreshes in between; 1 973 instead of 3 529 per event in all), which is why the Signals stage
    /// calls `refreshVector()` on an idle duty cycle. With `profileRefreshNanos > 0` when a profile
    /// recomputes depends on which events refresh it, so there this is `onTrade`.
    /// - Complexity: amortised O(log bins); 0 allocations.
    public mutating func absorbTrade(_ trade: TradeEvent) {
        absorb(trade)
        if profileRefreshNanos != 0 {
            writeCommonFeatures()
        } else {
            vectorPending = true
        }
    }

    /// Writes the features a trade absorbed since the last book event changed (nothing when
    /// `vectorPending` is false): `features` is then what `onTrade` would have left.
    public mutating func refreshVector() {
        if vectorPending { writeCommonFeatures() }
    }

    /// The state updates of one trade (everything but the vector).
    @inline(__always)
    private mutating func absorb(_ trade: TradeEvent) {
        advanceClock(exchange: trade.exchangeTime, receive: trade.receiveTime)
        tradeEvents &+= 1
        let t = now
        let q = trade.quantity.raw, p = trade.price.raw
        let market = !trade.flags.contains(.nonMarket)
        let included = market && !trade.flags.contains(.blockTrade)
        let signed: Int64 = included ? trade.aggressor.sign &* q : 0
        cvd &+= signed

        expireTrades(now: t)
        if trades.isFull {
            removeTrade(trades.removeFirst())
            tradeWindowEvictions &+= 1
        }
        let sample = TradeSample(time: t, signed: signed, included: included ? q : 0, aggressive: market ? q : 0, quantity: q,
                                 notional: ExactProduct.product(p, q))
        trades.append(sample)
        tradeSigned &+= sample.signed
        tradeIncluded &+= sample.included
        tradeAggressive &+= sample.aggressive
        tradeQuantity &+= sample.quantity
        tradeNotional &+= sample.notional
        lastTradeTime = t
        hasTrade = true

        largeTrades.observe(q)
        if trade.aggressor == .sell {
            icebergBid.onExecution(price: p, quantity: q)
        } else {
            icebergAsk.onExecution(price: p, quantity: q)
        }
        rollingProfile.add(price: p, quantity: q, time: t)
        sessionProfile.add(price: p, quantity: q, time: t)
    }

    @inline(__always)
    private mutating func removeTrade(_ s: TradeSample) {
        tradeSigned &-= s.signed
        tradeIncluded &-= s.included
        tradeAggressive &-= s.aggressive
        tradeQuantity &-= s.quantity
        tradeNotional &-= s.notional
    }

    /// Drops trades at or before `now − tradeWindow`.
    @inline(__always)
    mutating func expireTrades(now t: Int64) {
        let cutoff = t &- tradeWindowNanos
        while !trades.isEmpty, trades.first.time <= cutoff { removeTrade(trades.removeFirst()) }
    }

    /// Writes the features that depend on trades, on the clock or on both books and trades.
    @inline(__always)
    mutating func writeCommonFeatures() {
        vectorPending = false
        let L = layout
        let o = out
        let t = now
        expireTrades(now: t)
        passiveAdds.advance(to: t)
        let m = Double(mid2) * 0.5
        rollingProfile.refresh(now: t, interval: profileRefreshNanos)
        sessionProfile.refresh(now: t, interval: profileRefreshNanos)

        o[L.tradeIntensity] = Double(trades.count) / tradeWindowSeconds
        if tradeQuantity > 0, hasBook {
            let vwap = FeatureEngine.double(tradeNotional) / Double(tradeQuantity)
            o[L.vwapDeviationBps] = (m - vwap) / vwap * 1e4
        } else {
            o[L.vwapDeviationBps] = 0
        }
        o[L.timeSinceLastTrade] = Double(t &- (hasTrade ? lastTradeTime : firstTime)) / 1e9
        o[L.tfiWindow] = Double(tradeSigned) / quantityUnit
        o[L.tfiNormalized] = tradeIncluded > 0 ? Double(tradeSigned) / Double(tradeIncluded) : 0
        o[L.cvd] = Double(cvd) / quantityUnit
        let passive = passiveAdds.sum
        o[L.aggressiveRatio] = tradeAggressive &+ passive > 0 ? Double(tradeAggressive) / Double(tradeAggressive &+ passive) : 0
        o[L.largeTradeFlag] = largeTrades.lastWasLarge ? 1 : 0
        o[L.largeTradeThreshold] = Double(largeTrades.thresholdQuantity) / quantityUnit
        o[L.icebergBidRatio] = icebergBid.ratio
        o[L.icebergAskRatio] = icebergAsk.ratio
        o[L.icebergFlag] = (icebergBid.isIceberg ? 1 : 0) - (icebergAsk.isIceberg ? 1 : 0)
        let tk = Double(tick)
        if hasBook, let w = wallBid.persistentWall(now: t) {
            o[L.wallBidTicks] = Double(bid &- w) / tk
        } else {
            o[L.wallBidTicks] = -1
        }
        if hasBook, let w = wallAsk.persistentWall(now: t) {
            o[L.wallAskTicks] = Double(w &- ask) / tk
        } else {
            o[L.wallAskTicks] = -1
        }

        if hasBook, rollingProfile.hasVolume {
            writeProfileDistances(rollingProfile, m: m, poc: L.vpPocDistance, vah: L.vpVahDistance, val: L.vpValDistance)
            let mb = rollingMidBin(mid2 / 2)
            let lo = rollingProfile.absoluteBin(rollingProfile.valSlot), hi = rollingProfile.absoluteBin(rollingProfile.vahSlot)
            o[L.vpInValueArea] = mb >= lo && mb <= hi ? 1 : 0
            let nodes = rollingProfile.nearestNodesCached(toBin: mb)
            writeNodeDistances(nodes, width: rollingProfile.binWidth, m: m, hvn: L.vpHvnDistance, lvn: L.vpLvnDistance)
        } else {
            o[L.vpPocDistance] = 0
            o[L.vpVahDistance] = 0
            o[L.vpValDistance] = 0
            o[L.vpInValueArea] = 0
            o[L.vpHvnDistance] = 0
            o[L.vpLvnDistance] = 0
        }
        let sessionNodes = !L.vpSessionNodes.isEmpty
        if hasBook, sessionProfile.hasVolume {
            writeProfileDistances(sessionProfile, m: m, poc: L.vpSessionPocDistance, vah: L.vpSessionVahDistance, val: L.vpSessionValDistance)
            if sessionNodes {
                let b = L.vpSessionNodes.lowerBound
                let nodes = sessionProfile.nearestNodesCached(toBin: sessionMidBin(mid2 / 2))
                writeNodeDistances(nodes, width: sessionProfile.binWidth, m: m, hvn: b, lvn: b &+ 1)
            }
        } else {
            o[L.vpSessionPocDistance] = 0
            o[L.vpSessionVahDistance] = 0
            o[L.vpSessionValDistance] = 0
            if sessionNodes {
                o[L.vpSessionNodes.lowerBound] = 0
                o[L.vpSessionNodes.lowerBound &+ 1] = 0
            }
        }
    }

    /// (mid − nearest HVN/LVN bin price) / tick for a profile's nearest nodes (bins of `width` raw
    /// units), 0 when none is within the profile's scan; `m` is the mid in raw units.
    @inline(__always)
    private func writeNodeDistances(_ nodes: (hvn: Int64?, lvn: Int64?), width: Int64, m: Double, hvn: Int, lvn: Int) {
        let w = Double(width), tk = Double(tick)
        out[hvn] = nodes.hvn.map { (m - Double($0) * w) / tk } ?? 0
        out[lvn] = nodes.lvn.map { (m - Double($0) * w) / tk } ?? 0
    }

    /// `Double(x)` without the generic (unspecialised, slow) `Int128` conversion of the standard
    /// library: high word × 2⁶⁴ + low word (at most one extra rounding, ≤ 1 ulp).
    @inline(__always)
    static func double(_ x: Int128) -> Double {
        Double(Int64(truncatingIfNeeded: x >> 64)) * 18_446_744_073_709_551_616.0 + Double(UInt64(truncatingIfNeeded: x))
    }

    /// (mid − bin price) / tick for the POC, VAH and VAL of `p`, where `m` is the mid in raw units.
    @inline(__always)
    private func writeProfileDistances(_ p: borrowing VolumeProfile, m: Double, poc: Int, vah: Int, val: Int) {
        let w = Double(p.binWidth), tk = Double(tick)
        out[poc] = (m - Double(p.absoluteBin(p.pocSlot)) * w) / tk
        out[vah] = (m - Double(p.absoluteBin(p.vahSlot)) * w) / tk
        out[val] = (m - Double(p.absoluteBin(p.valSlot)) * w) / tk
    }
}
