/// Where each feature sits in the vector, for one configuration, and the schema it implies.
/// The order below is the schema order; `FeatureEngine` writes exactly these slots.
/// Offsets only (a trivial value at run time), safe to read on the hot path.
@frozen
public struct FeatureLayout: Hashable, Sendable {
    public let mid, weightedMid, microprice, spreadTicks, spreadBps: Int
    /// `imbalance_l1 …`: cumulative depth imbalance through level k.
    public let imbalance: Range<Int>
    public let imbalanceDepthWeighted, returnEvents, returnTime, rvEwma, rvWindow, bvWindow, jumpShare: Int
    public let tradeIntensity, vwapDeviationBps, timeSinceLastTrade: Int
    public let ofiEvent, ofiWindowEvents, ofiWindowTime: Int
    public let mlofi: Range<Int>
    public let ofiDepthNormalized, tfiWindow, tfiNormalized, cvd, aggressiveRatio: Int
    public let largeTradeFlag, largeTradeThreshold, icebergBidRatio, icebergAskRatio, icebergFlag, wallBidTicks, wallAskTicks: Int
    public let vpPocDistance, vpVahDistance, vpValDistance, vpInValueArea, vpHvnDistance, vpLvnDistance: Int
    public let vpSessionPocDistance, vpSessionVahDistance, vpSessionValDistance: Int
    /// `vp_session_hvn_distance_ticks`, `vp_session_lvn_distance_ticks` (in that order) when the
    /// config's `sessionNodes` is on; empty otherwise.
    public let vpSessionNodes: Range<Int>
    public let rvPercentile, efficiencyRatio, spreadRegime: Int
    public let hmm: Range<Int>
    public let count: Int

    /// The layout and schema for a configuration's level counts, HMM state count and optional
    /// session HVN/LVN features (off: the schema is exactly the one without them).
    public static func make(imbalanceLevels: Int, ofiLevels: Int, hmmStates: Int,
                            sessionNodes: Bool = false) -> (FeatureLayout, FeatureSchema) {
        var list: [FeatureDescriptor] = []
        let layout = FeatureLayout(imbalanceLevels: imbalanceLevels, ofiLevels: ofiLevels, hmmStates: hmmStates,
                                   sessionNodes: sessionNodes, list: &list)
        return (layout, FeatureSchema(features: list))
    }

    private init(imbalanceLevels: Int, ofiLevels: Int, hmmStates: Int, sessionNodes: Bool, list: inout [FeatureDescriptor]) {
        var pending: [FeatureDescriptor] = []
        func add(_ n: String, _ u: String, _ d: String) -> Int {
            pending.append(FeatureDescriptor(name: n, unit: u, description: d))
            return pending.count - 1
        }
        mid = add("mid", "price", "(best bid + best ask) / 2")
        weightedMid = add("weighted_mid", "price", "I·ask + (1−I)·bid, I = qb/(qb+qa) at level 1")
        microprice = add("microprice", "price", "Stoikov micro-price: mid + g*(I, spread)·tick from the instrument's table; weighted mid when none applies")
        spreadTicks = add("spread_ticks", "ticks", "(ask − bid) / tick")
        spreadBps = add("spread_bps", "bps", "(ask − bid) / mid · 1e4")
        let i0 = pending.count
        for k in 1...imbalanceLevels { _ = add("imbalance_l\(k)", "ratio", "(Σqb − Σqa)/(Σqb + Σqa) over levels 1...\(k)") }
        imbalance = i0..<pending.count
        imbalanceDepthWeighted = add("imbalance_depth_weighted", "ratio", "Σ w_m(qb_m − qa_m)/Σ w_m(qb_m + qa_m), w_m = 1/m over the imbalance levels")
        returnEvents = add("return_events", "log", "log(mid / mid N book events ago)")
        returnTime = add("return_time", "log", "log(mid / last mid at or before t − T), t = the last book event")
        rvEwma = add("rv_ewma", "log", "sqrt(EWMA of squared per-event log mid returns)")
        rvWindow = add("rv_window", "log²", "Σ r² over the last N per-event returns")
        bvWindow = add("bv_window", "log²", "(π/2)·Σ |r_i||r_i−1| over the last N returns")
        jumpShare = add("jump_share", "ratio", "max(RV − BV, 0) / RV")
        tradeIntensity = add("trade_intensity", "1/s", "trades in the trade window per second")
        vwapDeviationBps = add("vwap_deviation_bps", "bps", "(mid − VWAP of the trade window) / VWAP · 1e4; 0 without trades")
        timeSinceLastTrade = add("time_since_last_trade", "s", "seconds since the last trade (since the first event before any trade)")
        ofiEvent = add("ofi_event", "qty", "Cont–Kukanov–Stoikov e_n of this book event, level 1")
        ofiWindowEvents = add("ofi_window_events", "qty", "Σ e_n over the last N book events")
        ofiWindowTime = add("ofi_window_time", "qty", "Σ e_n over the book events in (t − T, t], t = the last book event")
        let m0 = pending.count
        for k in 1...ofiLevels { _ = add("mlofi_l\(k)", "qty", "Σ e^\(k)_n at level \(k) over the last N book events") }
        mlofi = m0..<pending.count
        ofiDepthNormalized = add("ofi_depth_normalized", "ratio", "ofi_window_events / average level-1 depth (qb+qa)/2 over the window")
        tfiWindow = add("tfi_window", "qty", "Σ s·v over the trade window (block and non-market trades excluded)")
        tfiNormalized = add("tfi_normalized", "ratio", "(V_buy − V_sell)/(V_buy + V_sell) over the trade window")
        cvd = add("cvd", "qty", "cumulative Σ s·v since start (block and non-market trades excluded)")
        aggressiveRatio = add("aggressive_ratio", "ratio", "traded / (traded + displayed size added at unchanged top-L prices) over the trade window")
        largeTradeFlag = add("large_trade_flag", "bool", "1 when the last trade exceeded the rolling size percentile")
        largeTradeThreshold = add("large_trade_threshold", "qty", "current large-trade size threshold")
        icebergBidRatio = add("iceberg_bid_ratio", "ratio", "executed / peak displayed at the best bid in this episode")
        icebergAskRatio = add("iceberg_ask_ratio", "ratio", "executed / peak displayed at the best ask in this episode")
        icebergFlag = add("iceberg_flag", "sign", "+1 bid iceberg, −1 ask iceberg, 0 none or both")
        wallBidTicks = add("wall_bid_ticks", "ticks", "best bid − persistent bid wall price, in ticks; −1 when none")
        wallAskTicks = add("wall_ask_ticks", "ticks", "ask wall price − best ask, in ticks; −1 when none")
        vpPocDistance = add("vp_poc_distance_ticks", "ticks", "(mid − rolling POC) / tick; 0 without volume")
        vpVahDistance = add("vp_vah_distance_ticks", "ticks", "(mid − rolling VAH bin price) / tick")
        vpValDistance = add("vp_val_distance_ticks", "ticks", "(mid − rolling VAL bin price) / tick")
        vpInValueArea = add("vp_in_value_area", "bool", "1 when the mid's bin is within [VAL, VAH] of the rolling profile")
        vpHvnDistance = add("vp_hvn_distance_ticks", "ticks", "(mid − nearest HVN) / tick; 0 when none within the scan")
        vpLvnDistance = add("vp_lvn_distance_ticks", "ticks", "(mid − nearest LVN) / tick; 0 when none within the scan")
        vpSessionPocDistance = add("vp_session_poc_distance_ticks", "ticks", "(mid − session POC) / tick")
        vpSessionVahDistance = add("vp_session_vah_distance_ticks", "ticks", "(mid − session VAH) / tick")
        vpSessionValDistance = add("vp_session_val_distance_ticks", "ticks", "(mid − session VAL) / tick")
        let n0 = pending.count
        if sessionNodes {
            _ = add("vp_session_hvn_distance_ticks", "ticks", "(mid − nearest session-profile HVN) / tick; 0 when none within the scan")
            _ = add("vp_session_lvn_distance_ticks", "ticks", "(mid − nearest session-profile LVN) / tick; 0 when none within the scan")
        }
        vpSessionNodes = n0..<pending.count
        rvPercentile = add("rv_percentile", "ratio", "percentile rank of rv_ewma over the rolling window")
        efficiencyRatio = add("efficiency_ratio", "ratio", "Kaufman: |mid − mid N events ago| / Σ|Δmid| over the window")
        spreadRegime = add("spread_regime", "ratio", "spread / mean spread over the last N book events")
        let h0 = pending.count
        for k in 0..<hmmStates { _ = add("hmm_p\(k)", "probability", "forward-filtered P(state \(k) | data so far)") }
        hmm = h0..<pending.count
        count = pending.count
        list = pending
    }
}
