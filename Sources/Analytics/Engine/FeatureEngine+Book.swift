import HFTPrimitives
import MarketData

extension FeatureEngine {
    /// Updates every feature for a change of the book.
    ///
    /// - Parameters:
    ///   - bids: the best bid levels, best (highest price) first, non-zero quantities.
    ///   - asks: the best ask levels, best (lowest price) first.
    ///   Only the first `levelsConsumed` levels of each side are read.
    /// - Returns: `.updated`, or `.ignoredOneSided` / `.ignoredCrossed` (counted; the vector keeps
    ///   its previous values).
    /// - Complexity: see the type; 0 allocations.
    public mutating func onBook(bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>,
                                exchangeTime: Nanos, receiveTime: Nanos) -> FeatureUpdate {
        guard !bids.isEmpty, !asks.isEmpty else {
            oneSidedBooks &+= 1
            return .ignoredOneSided
        }
        let b = bids[0].price.raw, a = asks[0].price.raw
        guard b < a else {
            crossedBooks &+= 1
            return .ignoredCrossed
        }
        advanceClock(exchange: exchangeTime, receive: receiveTime)
        bookEvents &+= 1
        let t = now
        let qb = bids[0].quantity.raw, qa = asks[0].quantity.raw
        let m2 = b &+ a

        updateOrderFlow(bids: bids, asks: asks, time: t)
        depthWindow.push(qb &+ qa)
        spreadWindow.push(a &- b)

        if hasBook {
            let r = m2 == mid2 ? 0 : cLog(Double(m2) / Double(mid2))
            pushReturn(r)
            pathWindow.push(m2 > mid2 ? m2 &- mid2 : mid2 &- m2)
        }
        if midRing.isFull { midRing.removeFirst() }
        midRing.append(m2)
        let cutoff = t &- ofiTime.windowNanos
        while !timeMids.isEmpty, timeMids.first.time <= cutoff {
            timeBaseMid2 = timeMids.removeFirst().value
            timeBaseValid = true
        }
        if timeMids.isFull {
            timeBaseMid2 = timeMids.removeFirst().value
            timeBaseValid = true
            bookWindowEvictions &+= 1
        }
        timeMids.append(TimedValue(time: t, value: m2))

        hasBook = true
        bid = b
        ask = a
        mid2 = m2
        icebergBid.onTouch(price: b, displayed: qb)
        icebergAsk.onTouch(price: a, displayed: qa)
        wallBid.update(bids, now: t)
        wallAsk.update(asks, now: t)

        writeBookFeatures(bids: bids, asks: asks, qb: qb, qa: qa)
        writeCommonFeatures()
        stepHMM(time: t)
        return .updated
    }

    /// Per-level OFI contributions, their windows, and the displayed size added at unchanged prices.
    @inline(__always)
    private mutating func updateOrderFlow(bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>, time: Int64) {
        let levels = max(imbalanceLevels, ofiLevels)
        let nb = min(bids.count, levels), na = min(asks.count, levels)
        if hasBook {
            for m in 0..<ofiLevels {
                // SAFETY: m < ofiLevels <= levels, the capacity of the prev* buffers.
                let pb = m < prevBidCount ? prevBidPrice[m] : .min
                let pbq = m < prevBidCount ? prevBidQty[m] : 0
                let pa = m < prevAskCount ? prevAskPrice[m] : .max
                let paq = m < prevAskCount ? prevAskQty[m] : 0
                let cb = m < nb ? bids[m].price.raw : .min
                let cbq = m < nb ? bids[m].quantity.raw : 0
                let ca = m < na ? asks[m].price.raw : .max
                let caq = m < na ? asks[m].quantity.raw : 0
                ofiRow[m] = OrderFlowImbalance.contribution(previousBid: pb, previousBidQuantity: pbq, previousAsk: pa,
                                                            previousAskQuantity: paq, bid: cb, bidQuantity: cbq, ask: ca, askQuantity: caq)
            }
        } else {
            for m in 0..<ofiLevels { ofiRow[m] = 0 }
        }
        mlofiWindow.push(ofiRow)
        ofiTime.push(ofiRow[0], at: time)

        var added: Int64 = 0
        if hasBook {
            added &+= addedAtSamePrices(bids, nb, prevBidPrice, prevBidQty, prevBidCount, descending: true)
            added &+= addedAtSamePrices(asks, na, prevAskPrice, prevAskQty, prevAskCount, descending: false)
        }
        passiveAdds.push(added, at: time)

        for m in 0..<nb {
            prevBidPrice[m] = bids[m].price.raw
            prevBidQty[m] = bids[m].quantity.raw
        }
        for m in 0..<na {
            prevAskPrice[m] = asks[m].price.raw
            prevAskQty[m] = asks[m].quantity.raw
        }
        prevBidCount = nb
        prevAskCount = na
    }

    /// Σ max(0, q − q') over prices present in both the current and the previous top levels
    /// (a merge of two best-first lists). Branch-free steps: which list advances depends on the
    /// prices and is mispredicted often on a book where many levels move per event.
    @inline(__always)
    private func addedAtSamePrices(_ cur: UnsafeBufferPointer<DepthLevel>, _ n: Int, _ pp: UnsafeMutablePointer<Int64>,
                                   _ pq: UnsafeMutablePointer<Int64>, _ pn: Int, descending: Bool) -> Int64 {
        var i = 0, j = 0
        var s: Int64 = 0
        // SAFETY: i < n <= cur.count and j < pn <= the capacity of pp/pq inside the loop.
        while i < n, j < pn {
            let p = cur[i].price.raw, q = pp[j]
            let same = p == q
            let d = cur[i].quantity.raw &- pq[j]
            s &+= same && d > 0 ? d : 0
            let curAhead = (p > q) == descending
            i &+= same || curAhead ? 1 : 0
            j &+= same || !curAhead ? 1 : 0
        }
        return s
    }

    @inline(__always)
    private mutating func pushReturn(_ r: Double) {
        if returns.isFull {
            let old = returns.removeFirst()
            if old != 0 { nonzeroReturns &-= 1 }
            rvSum -= old * old
            if !returns.isEmpty { bvSum -= abs(old) * abs(returns.first) }
        }
        if !returns.isEmpty { bvSum += abs(returns.last) * abs(r) }
        returns.append(r)
        rvSum += r * r
        if r != 0 { nonzeroReturns &+= 1 }
        if nonzeroReturns == 0 {
            // Every return in the window is exactly 0: drop accumulated rounding residue.
            rvSum = 0
            bvSum = 0
        }
        ewma = ewmaDecay * ewma + (1 - ewmaDecay) * r * r
    }

    @inline(__always)
    private mutating func writeBookFeatures(bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>, qb: Int64, qa: Int64) {
        let L = layout
        let o = out
        let b = Double(bid), a = Double(ask), m = Double(mid2) * 0.5
        let imb = Double(qb) / Double(qb &+ qa)
        let wmid = imb * a + (1 - imb) * b
        o[L.mid] = m / priceUnit
        o[L.weightedMid] = wmid / priceUnit
        let spread = ask &- bid
        let spreadTicks = microMaxSpread > 0 ? spreadInTicks(spread) : 0
        if microMaxSpread > 0, spreadTicks &* tick == spread, spreadTicks >= 1, spreadTicks <= Int64(microMaxSpread) {
            let bucket = MicroPriceTable.bucket(imbalance: imb, buckets: microBuckets)
            // SAFETY: (spreadTicks−1)·buckets + bucket < maxSpread·buckets, the table size.
            let g = microTable[Int(spreadTicks &- 1) &* microBuckets &+ bucket]
            o[L.microprice] = (m + g * Double(tick)) / priceUnit
        } else {
            o[L.microprice] = wmid / priceUnit
        }
        o[L.spreadTicks] = Double(spread) / Double(tick)
        o[L.spreadBps] = Double(spread) / m * 1e4

        var cb: Int64 = 0, ca: Int64 = 0
        var wNum = 0.0, wDen = 0.0
        for k in 0..<imbalanceLevels {
            let vb: Int64 = k < bids.count ? bids[k].quantity.raw : 0
            let va: Int64 = k < asks.count ? asks[k].quantity.raw : 0
            cb &+= vb
            ca &+= va
            let tot = cb &+ ca
            o[L.imbalance.lowerBound &+ k] = tot > 0 ? Double(cb &- ca) / Double(tot) : 0
            let w = levelWeights[k]
            wNum += w * Double(vb &- va)
            wDen += w * Double(vb &+ va)
        }
        o[L.imbalanceDepthWeighted] = wDen > 0 ? wNum / wDen : 0

        let eventBase = midRing.first, timeBase = timeBaseValid ? timeBaseMid2 : timeMids.first.value
        // The mid and both bases are usually those of the previous event: the logs are then the
        // values already in the vector (same inputs, same result), and are not recomputed.
        if mid2 != returnInputs.mid2 || eventBase != returnInputs.eventBase {
            o[L.returnEvents] = eventBase == mid2 ? 0 : cLog(Double(mid2) / Double(eventBase))
        }
        if mid2 != returnInputs.mid2 || timeBase != returnInputs.timeBase {
            o[L.returnTime] = timeBase == mid2 ? 0 : cLog(Double(mid2) / Double(timeBase))
        }
        returnInputs = (mid2, eventBase, timeBase)
        o[L.rvEwma] = ewma.squareRoot()
        o[L.rvWindow] = rvSum
        let bv = Double.pi / 2 * bvSum
        o[L.bvWindow] = bv
        o[L.jumpShare] = rvSum > 0 ? max(rvSum - bv, 0) / rvSum : 0

        o[L.ofiEvent] = Double(ofiRow[0]) / quantityUnit
        o[L.ofiWindowEvents] = Double(mlofiWindow.sums[0]) / quantityUnit
        o[L.ofiWindowTime] = Double(ofiTime.sum) / quantityUnit
        for k in 0..<ofiLevels { o[L.mlofi.lowerBound &+ k] = Double(mlofiWindow.sums[k]) / quantityUnit }
        let depthSum = depthWindow.sum
        o[L.ofiDepthNormalized] = depthSum > 0
            ? Double(mlofiWindow.sums[0]) / (Double(depthSum) / Double(2 &* depthWindow.count)) : 0

        o[L.rvPercentile] = rvRank.push(o[L.rvEwma])
        let path = pathWindow.sum
        let net = mid2 &- midRing.first
        o[L.efficiencyRatio] = path > 0 ? Double(net < 0 ? -net : net) / Double(path) : 0
        o[L.spreadRegime] = Double(spread) * Double(spreadWindow.count) / Double(spreadWindow.sum)
    }

    @inline(__always)
    private mutating func stepHMM(time: Int64) {
        guard hmmEnabled, time >= hmmNextStep else { return }
        let d = hmm.dimensions
        for i in 0..<d { hmmObservation[i] = out[hmmObservationSlots[i]] }
        hmm.observe(UnsafeBufferPointer(start: hmmObservation, count: d))
        hmmNextStep = hmmStep > 0 ? (time / hmmStep &+ 1) &* hmmStep : time
        for k in 0..<hmm.states { out[layout.hmm.lowerBound &+ k] = hmm.probability(k) }
    }
}
