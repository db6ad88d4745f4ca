import Foundation
import HFTPrimitives
import MarketData
@testable import Analytics

/// A plain, from-scratch restatement of every feature: it keeps the whole event history in arrays
/// and recomputes each feature over its window at every event (profiles are rebuilt from the
/// trades in the window whenever that set changes). Slow and obvious on purpose; the engine must
/// agree with it at every event.
///
/// Two heuristics are stateful by definition (the iceberg episode and the wall persistence run);
/// the reference derives their episode/run starts from the stored per-event history.
final class ReferenceFeatures {
    struct Book {
        var time: Int64
        var bids: [DepthLevel]
        var asks: [DepthLevel]
        var m2: Int64 { bids[0].price.raw + asks[0].price.raw }
        var spread: Int64 { asks[0].price.raw - bids[0].price.raw }
    }

    struct Trade {
        var time: Int64
        var price: Int64
        var qty: Int64
        var aggressor: Side
        var flags: TradeFlags
        /// Number of book events before it (to order trades against books).
        var booksBefore: Int
    }

    let c: AnalyticsConfig
    let spec: InstrumentSpec
    let layout: FeatureLayout
    let micro: MicroPriceTable?
    var vec: [Double]
    var clock: Int64 = .min
    var firstTime: Int64 = 0
    var books: [Book] = []
    var trades: [Trade] = []
    /// OFI rows per book event (levels 1...M), passive additions, per-event returns.
    var ofi: [[Int64]] = []
    var added: [Int64] = []
    var bookClock: [Int64] = []
    var returns: [Double] = []
    var rvSeries: [Double] = []
    var wallCandidate: (bid: [Int64], ask: [Int64]) = ([], [])
    var wallSince: (bid: [Int64], ask: [Int64]) = ([], [])
    var hmmAlpha: [Double] = []
    var hmmSteps = 0
    var hmmNext: Int64 = .min
    var largeThreshold = -1
    var ewmaTerms: Int { Int(60 * c.ewmaHalfLifeEvents) + 1 }
    var lastLarge = false

    init(config: AnalyticsConfig, spec: InstrumentSpec, micro: MicroPriceTable?) {
        c = config
        self.spec = spec
        self.micro = micro
        layout = FeatureLayout.make(imbalanceLevels: config.imbalanceLevels, ofiLevels: config.ofiLevels,
                                    hmmStates: config.hmm?.states ?? 0).0
        vec = Array(repeating: 0, count: layout.count)
        vec[layout.wallBidTicks] = -1
        vec[layout.wallAskTicks] = -1
        if let h = config.hmm { for k in 0..<h.states { vec[layout.hmm.lowerBound + k] = h.startProbabilities[k] } }
    }

    var pu: Double { Double(spec.priceScale.multiplier) }
    var qu: Double { Double(spec.quantityScale.multiplier) }

    private func tickClock(_ t: Int64) {
        if clock == .min { clock = t; firstTime = t } else { clock = max(clock, t) }
    }

    // MARK: events

    func onBook(bids: [DepthLevel], asks: [DepthLevel], time: Int64) {
        guard !bids.isEmpty, !asks.isEmpty, bids[0].price.raw < asks[0].price.raw else { return }
        tickClock(time)
        let book = Book(time: clock, bids: bids, asks: asks)
        let levels = max(c.imbalanceLevels, c.ofiLevels)
        if let prev = books.last {
            var row: [Int64] = []
            for m in 0..<c.ofiLevels {
                func lv(_ s: [DepthLevel], _ bid: Bool) -> (Int64, Int64) {
                    m < min(s.count, levels) ? (s[m].price.raw, s[m].quantity.raw) : (bid ? Int64.min : Int64.max, 0)
                }
                let (pb, pbq) = lv(prev.bids, true), (pa, paq) = lv(prev.asks, false)
                let (cb, cbq) = lv(bids, true), (ca, caq) = lv(asks, false)
                var e: Int64 = 0
                if cb >= pb { e += cbq }
                if cb <= pb { e -= pbq }
                if ca <= pa { e -= caq }
                if ca >= pa { e += paq }
                row.append(e)
            }
            ofi.append(row)
            var add: Int64 = 0
            for (cur, old) in [(bids, prev.bids), (asks, prev.asks)] {
                var oldQ: [Int64: Int64] = [:]
                for l in old.prefix(levels) { oldQ[l.price.raw] = l.quantity.raw }
                for l in cur.prefix(levels) { if let q = oldQ[l.price.raw], l.quantity.raw > q { add += l.quantity.raw - q } }
            }
            added.append(add)
            returns.append(log(Double(book.m2) / Double(prev.m2)))
        } else {
            ofi.append(Array(repeating: 0, count: c.ofiLevels))
            added.append(0)
        }
        books.append(book)
        bookClock.append(clock)
        // Wall candidates of this event, and the start of their unchanged run.
        for side in 0..<2 {
            let lv = Array((side == 0 ? bids : asks).prefix(c.wallLevels))
            let sizes = lv.map(\.quantity.raw).sorted()
            let median = sizes[(sizes.count - 1) / 2]
            let cand = lv.first { Int128($0.quantity.raw) * 1000 >= Int128(c.wallFactorPermille) * Int128(median) }?.price.raw ?? .min
            var cands = side == 0 ? wallCandidate.bid : wallCandidate.ask
            var since = side == 0 ? wallSince.bid : wallSince.ask
            since.append(cands.last == cand ? since.last! : clock)
            cands.append(cand)
            if side == 0 { wallCandidate.bid = cands; wallSince.bid = since } else { wallCandidate.ask = cands; wallSince.ask = since }
        }
        writeBook()
        writeCommon()
        if let h = c.hmm, clock >= hmmNext {
            let obs = h.observations.map { vec[layoutIndex($0)] }
            hmmStep(h, obs)
            hmmNext = h.stepNanos > 0 ? (clock / h.stepNanos + 1) * h.stepNanos : clock
            for k in 0..<h.states { vec[layout.hmm.lowerBound + k] = hmmAlpha[k] }
        }
    }

    func onTrade(_ t: TradeEvent) {
        tickClock(t.exchangeTime.raw != 0 ? t.exchangeTime.raw : t.receiveTime.raw)
        // Large-trade classification against the previous window.
        let prevBins = trades.suffix(c.largeTradeWindow).map { QuantityBins.bin($0.qty) }.sorted()
        if prevBins.count >= max(1, c.largeTradeMinimumSamples) {
            let rank = max(1, (c.largeTradePercentilePermille * prevBins.count + 999) / 1000)
            largeThreshold = prevBins[rank - 1]
            lastLarge = QuantityBins.bin(t.quantity.raw) > largeThreshold
        } else {
            lastLarge = false
        }
        if !t.flags.contains(.nonMarket), !t.flags.contains(.blockTrade) { cvdTotal += t.aggressor.sign * t.quantity.raw }
        trades.append(Trade(time: clock, price: t.price.raw, qty: t.quantity.raw, aggressor: t.aggressor, flags: t.flags,
                            booksBefore: books.count))
        writeCommon()
    }

    private func layoutIndex(_ name: String) -> Int {
        FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0).1.index(of: name)!
    }

    private func hmmStep(_ h: HMMParameters, _ o: [Double]) {
        let k = h.states
        var like = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var p = 1.0
            for d in 0..<o.count {
                let v = h.variances[j][d]
                p *= exp(-(o[d] - h.means[j][d]) * (o[d] - h.means[j][d]) / (2 * v)) / sqrt(2 * Double.pi * v)
            }
            like[j] = p
        }
        var next = [Double](repeating: 0, count: k)
        for j in 0..<k {
            let prior = hmmSteps == 0 ? h.startProbabilities[j] : (0..<k).reduce(0.0) { $0 + hmmAlpha[$1] * h.transitions[$1][j] }
            next[j] = prior * like[j]
        }
        let s = next.reduce(0, +)
        guard s > 0 else { return }
        hmmAlpha = next.map { $0 / s }
        hmmSteps += 1
    }

    // MARK: book features

    private func writeBook() {
        let L = layout
        let n = books.count - 1
        let bk = books[n]
        let b = Double(bk.bids[0].price.raw), a = Double(bk.asks[0].price.raw)
        let qb = bk.bids[0].quantity.raw, qa = bk.asks[0].quantity.raw
        let m = Double(bk.m2) / 2
        let imb = Double(qb) / Double(qb + qa)
        let wmid = imb * a + (1 - imb) * b
        vec[L.mid] = m / pu
        vec[L.weightedMid] = wmid / pu
        let tick = spec.tick
        let s = bk.spread
        if let t = micro, s % tick == 0, s / tick >= 1, s / tick <= Int64(t.maxSpreadTicks) {
            let bucket = min(max(Int(imb * Double(t.imbalanceBuckets)), 0), t.imbalanceBuckets - 1)
            vec[L.microprice] = (m + t.adjustmentTicks[Int(s / tick) - 1][bucket] * Double(tick)) / pu
        } else {
            vec[L.microprice] = wmid / pu
        }
        vec[L.spreadTicks] = Double(s) / Double(tick)
        vec[L.spreadBps] = Double(s) / m * 1e4
        for k in 1...c.imbalanceLevels {
            let sb = bk.bids.prefix(k).reduce(Int64(0)) { $0 + $1.quantity.raw }
            let sa = bk.asks.prefix(k).reduce(Int64(0)) { $0 + $1.quantity.raw }
            vec[L.imbalance.lowerBound + k - 1] = sb + sa > 0 ? Double(sb - sa) / Double(sb + sa) : 0
        }
        var num = 0.0, den = 0.0
        for k in 0..<c.imbalanceLevels {
            let vb = k < bk.bids.count ? bk.bids[k].quantity.raw : 0, va = k < bk.asks.count ? bk.asks[k].quantity.raw : 0
            num += Double(vb - va) / Double(k + 1)
            den += Double(vb + va) / Double(k + 1)
        }
        vec[L.imbalanceDepthWeighted] = den > 0 ? num / den : 0
        let N = c.eventWindow
        vec[L.returnEvents] = log(Double(bk.m2) / Double(books[max(0, n - N)].m2))
        let cutoff = bookClock[n] - c.bookWindowNanos
        let base = bookClock.lastIndex { $0 <= cutoff }.map { books[$0].m2 } ?? books[0].m2
        vec[L.returnTime] = log(Double(bk.m2) / Double(base))
        // EWMA over the last `ewmaTerms` returns (the truncated tail weighs < 2^-60).
        let lambda = exp(-log(2.0) / c.ewmaHalfLifeEvents)
        var ew = 0.0
        var w = 1 - lambda
        for r in returns.suffix(ewmaTerms).reversed() {
            ew += w * r * r
            w *= lambda
        }
        vec[L.rvEwma] = sqrt(ew)
        let win = Array(returns.suffix(N))
        let rv = win.reduce(0) { $0 + $1 * $1 }
        var bvs = 0.0
        if win.count >= 2 { for i in 1..<win.count { bvs += abs(win[i]) * abs(win[i - 1]) } }
        let bv = Double.pi / 2 * bvs
        vec[L.rvWindow] = rv
        vec[L.bvWindow] = bv
        vec[L.jumpShare] = rv > 0 ? max(rv - bv, 0) / rv : 0

        let rows = ofi.suffix(N)
        vec[L.ofiEvent] = Double(ofi[n][0]) / qu
        vec[L.ofiWindowEvents] = Double(rows.reduce(Int64(0)) { $0 + $1[0] }) / qu
        var tsum: Int64 = 0
        for i in 0...n where bookClock[i] > cutoff { tsum += ofi[i][0] }
        vec[L.ofiWindowTime] = Double(tsum) / qu
        for k in 0..<c.ofiLevels { vec[L.mlofi.lowerBound + k] = Double(rows.reduce(Int64(0)) { $0 + $1[k] }) / qu }
        let depth = books.suffix(N).map { $0.bids[0].quantity.raw + $0.asks[0].quantity.raw }
        let ad = Double(depth.reduce(0, +)) / Double(2 * depth.count)
        vec[L.ofiDepthNormalized] = Double(rows.reduce(Int64(0)) { $0 + $1[0] }) / ad

        rvSeries.append(vec[L.rvEwma])
        let rw = rvSeries.suffix(c.rvPercentileWindow).map(RollingPercentile.bin)
        let mine = RollingPercentile.bin(vec[L.rvEwma])
        let below = rw.filter { $0 < mine }.count, same = rw.filter { $0 == mine }.count
        vec[L.rvPercentile] = (Double(below) + 0.5 * Double(same)) / Double(rw.count)
        let first = books[max(0, n - N)].m2
        var path: Int64 = 0
        if n >= 1 { for i in max(1, n - N + 1)...n { path += abs(books[i].m2 - books[i - 1].m2) } }
        vec[L.efficiencyRatio] = path > 0 ? Double(abs(bk.m2 - first)) / Double(path) : 0
        let spreads = books.suffix(N).map(\.spread)
        vec[L.spreadRegime] = Double(s) / (Double(spreads.reduce(0, +)) / Double(spreads.count))
    }

    // MARK: trade, clock and profile features

    private var profileKey: (Int, Int, Int64) = (-1, -1, 0)
    private var profile: ProfileReference?
    private var session: ProfileReference?
    private var sessionIndex: Int64 = .min
    private var sessionVolume: [Int64: Int64] = [:]
    private var sessionCounted = 0
    private var tradeLo = 0
    private var passiveLo = 0
    private var profileLo = 0
    private var cvdTotal: Int64 = 0
    private var profileRefreshed: Int64 = .min
    private var sessionRefreshed: Int64 = .min
    private var sessionDirty = false

    private func due(_ last: Int64) -> Bool {
        c.profileRefreshNanos == 0 || last == .min || clock - last >= c.profileRefreshNanos
    }

    private func writeCommon() {
        let L = layout
        let t = clock
        while tradeLo < trades.count, trades[tradeLo].time <= t - c.tradeWindowNanos { tradeLo += 1 }
        let tw = trades[tradeLo...]
        vec[L.tradeIntensity] = Double(tw.count) / (Double(c.tradeWindowNanos) / 1e9)
        let hasBook = !books.isEmpty
        let m2 = books.last?.m2 ?? 0
        let m = Double(m2) / 2
        let q = tw.reduce(Int64(0)) { $0 + $1.qty }
        if q > 0, hasBook {
            let notional = tw.reduce(Int128(0)) { $0 + Int128($1.price) * Int128($1.qty) }
            let vwap = Double(notional) / Double(q)
            vec[L.vwapDeviationBps] = (m - vwap) / vwap * 1e4
        } else {
            vec[L.vwapDeviationBps] = 0
        }
        vec[L.timeSinceLastTrade] = Double(t - (trades.last?.time ?? firstTime)) / 1e9
        func included(_ x: Trade) -> Bool { !x.flags.contains(.nonMarket) && !x.flags.contains(.blockTrade) }
        let signed = tw.filter(included).reduce(Int64(0)) { $0 + $1.aggressor.sign * $1.qty }
        let inc = tw.filter(included).reduce(Int64(0)) { $0 + $1.qty }
        vec[L.tfiWindow] = Double(signed) / qu
        vec[L.tfiNormalized] = inc > 0 ? Double(signed) / Double(inc) : 0
        vec[L.cvd] = Double(cvdTotal) / qu
        let aggressive = tw.filter { !$0.flags.contains(.nonMarket) }.reduce(Int64(0)) { $0 + $1.qty }
        var passive: Int64 = 0
        while passiveLo < books.count, bookClock[passiveLo] <= t - c.tradeWindowNanos { passiveLo += 1 }
        for i in passiveLo..<books.count { passive += added[i] }
        vec[L.aggressiveRatio] = aggressive + passive > 0 ? Double(aggressive) / Double(aggressive + passive) : 0
        vec[L.largeTradeFlag] = lastLarge ? 1 : 0
        vec[L.largeTradeThreshold] = largeThreshold < 0 ? 0 : Double(QuantityBins.lowerEdge(largeThreshold + 1)) / qu

        // Icebergs: the episode is the run of latest book events with the same best price.
        for side in 0..<2 {
            var ratio = 0.0, flag = false
            if hasBook {
                let price: (Book) -> Int64 = { side == 0 ? $0.bids[0].price.raw : $0.asks[0].price.raw }
                let size: (Book) -> Int64 = { side == 0 ? $0.bids[0].quantity.raw : $0.asks[0].quantity.raw }
                let p = price(books.last!)
                var start = books.count - 1
                while start > 0, price(books[start - 1]) == p { start -= 1 }
                let peak = books[start...].map(size).max()!
                let hit: Side = side == 0 ? .sell : .buy
                var executed: Int64 = 0
                var j = trades.count - 1
                while j >= 0, trades[j].booksBefore > start {
                    if trades[j].aggressor == hit, trades[j].price == p { executed += trades[j].qty }
                    j -= 1
                }
                ratio = peak > 0 ? Double(executed) / Double(peak) : 0
                flag = executed >= c.icebergMinimumExecuted && executed > 0 && Int128(executed) * 1000 >= Int128(c.icebergRatioPermille) * Int128(peak)
            }
            if side == 0 { vec[L.icebergBidRatio] = ratio } else { vec[L.icebergAskRatio] = ratio }
            vec[L.icebergFlag] += 0
            if side == 0 { vec[L.icebergFlag] = flag ? 1 : 0 } else { vec[L.icebergFlag] -= flag ? 1 : 0 }
        }
        // Walls.
        for side in 0..<2 {
            var out = -1.0
            if hasBook {
                let cand = side == 0 ? wallCandidate.bid.last! : wallCandidate.ask.last!
                let since = side == 0 ? wallSince.bid.last! : wallSince.ask.last!
                if cand != .min, t - since >= c.wallPersistNanos {
                    let bk = books.last!
                    out = side == 0 ? Double(bk.bids[0].price.raw - cand) / Double(spec.tick) : Double(cand - bk.asks[0].price.raw) / Double(spec.tick)
                }
            }
            vec[side == 0 ? L.wallBidTicks : L.wallAskTicks] = out
        }

        // Rolling profile over the trades in (t − W, t].
        while profileLo < trades.count, trades[profileLo].time <= t - c.rollingProfile.windowNanos { profileLo += 1 }
        let lo = profileLo
        let key = (lo, trades.count, Int64(0))
        // POC/VA/HVN/LVN are recomputed when the window's trades changed and the refresh interval allows.
        if key != profileKey, due(profileRefreshed) {
            profileKey = key
            profileRefreshed = t
            var v: [Int64: Int64] = [:]
            let width = c.rollingProfile.binTicks * spec.tick
            for x in trades[lo...] { v[ProfileReference.bin(x.price, width), default: 0] += x.qty }
            profile = ProfileReference(volume: v, config: c.rollingProfile, tick: spec.tick)
        }
        let sIdx = t / c.sessionLengthNanos
        if sIdx != sessionIndex {
            sessionIndex = sIdx
            sessionVolume = [:]
            session = nil
            sessionRefreshed = .min
            // The session starts with the first trade stamped inside it (possibly this event's).
            sessionCounted = trades.count
            while sessionCounted > 0, trades[sessionCounted - 1].time / c.sessionLengthNanos == sIdx { sessionCounted -= 1 }
        }
        if sessionCounted < trades.count {
            let width = c.sessionProfile.binTicks * spec.tick
            for x in trades[sessionCounted...] { sessionVolume[ProfileReference.bin(x.price, width), default: 0] += x.qty }
            sessionCounted = trades.count
            sessionDirty = true
        }
        if sessionDirty, due(sessionRefreshed) {
            sessionDirty = false
            sessionRefreshed = t
            session = ProfileReference(volume: sessionVolume, config: c.sessionProfile, tick: spec.tick)
        }
        let tk = Double(spec.tick)
        if hasBook, let p = profile, p.hasVolume {
            let w = Double(p.binWidth)
            vec[L.vpPocDistance] = (m - Double(p.poc) * w) / tk
            vec[L.vpVahDistance] = (m - Double(p.vah) * w) / tk
            vec[L.vpValDistance] = (m - Double(p.val) * w) / tk
            let mb = p.bin(m2 / 2)
            vec[L.vpInValueArea] = mb >= p.val && mb <= p.vah ? 1 : 0
            vec[L.vpHvnDistance] = p.nearestNode(mb, high: true).map { (m - Double($0) * w) / tk } ?? 0
            vec[L.vpLvnDistance] = p.nearestNode(mb, high: false).map { (m - Double($0) * w) / tk } ?? 0
        } else {
            for i in [L.vpPocDistance, L.vpVahDistance, L.vpValDistance, L.vpInValueArea, L.vpHvnDistance, L.vpLvnDistance] { vec[i] = 0 }
        }
        if hasBook, let p = session, p.hasVolume {
            let w = Double(p.binWidth)
            vec[L.vpSessionPocDistance] = (m - Double(p.poc) * w) / tk
            vec[L.vpSessionVahDistance] = (m - Double(p.vah) * w) / tk
            vec[L.vpSessionValDistance] = (m - Double(p.val) * w) / tk
        } else {
            for i in [L.vpSessionPocDistance, L.vpSessionVahDistance, L.vpSessionValDistance] { vec[i] = 0 }
        }
    }
}
