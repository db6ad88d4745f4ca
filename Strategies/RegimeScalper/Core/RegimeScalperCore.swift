import StrategyABI

/// The RegimeScalper's decision logic, independent of how it is loaded: classify the regime,
/// compute the regime's signal (model output when the host provides it, else a transparent
/// feature fallback), ask the PPO policy for size and timing, enter passively at the touch when
/// the queue is short (aggressively only on a strong signal), exit on target, stop, time or
/// regime change.
///
/// Hot path (`onTick`, `onFill`): no allocation, no ARC, no throwing; intents are written into the
/// host's buffer. - Warning: one thread per instance (the host's strategy stage).
public struct RegimeScalperCore {
    public let config: RegimeScalperConfig
    public let indices: ScalperFeatureIndices
    var host: hft_host_api
    public private(set) var classifier = RegimeClassifier()
    public private(set) var state = RegimeScalperState()
    /// Last computed signal (for tests and the report).
    public private(set) var lastSignal = 0.0

    /// Order tags: entries use `entryTag`; exits `exitTagBase + ExitReason.rawValue`.
    public static let entryTag: UInt32 = 1
    public static let exitTagBase: UInt32 = 10

    public init(config: RegimeScalperConfig, indices: ScalperFeatureIndices, host: hft_host_api) {
        self.config = config
        self.indices = indices
        self.host = host
    }

    public var regime: Regime { classifier.regime }

    @inline(__always)
    func feature(_ v: UnsafePointer<hft_market_view>, _ i: Int32) -> Double {
        // SAFETY: `onTick` checked `indices.maxIndex < feature_count`; the host owns the vector for the call.
        i >= 0 ? v.pointee.features[Int(i)] : -1
    }

    /// One market event. Returns an `hft_status`.
    public mutating func onTick(_ v: UnsafePointer<hft_market_view>, _ out: UnsafeMutablePointer<hft_intent_buffer>) -> Int32 {
        let view = v.pointee
        if state.ticks > 0 && view.sequence != state.lastSequence &+ 1 { state.sequenceGaps &+= 1 }
        state.ticks &+= 1
        state.lastSequence = view.sequence
        state.position = view.position
        guard view.features != nil, Int(view.feature_count) > Int(indices.maxIndex), view.bid_count > 0, view.ask_count > 0 else {
            return HFT_OK.rawValue
        }
        let switched = classifier.update(rvPercentile: feature(v, indices.rvPercentile), efficiency: feature(v, indices.efficiencyRatio),
                                         hmmHigh: feature(v, indices.hmmHigh), config: config)
        _ = switched
        let bid = view.bids.0.price, ask = view.asks.0.price
        let tick = view.tick > 0 ? view.tick : 1
        let regime = classifier.regime

        if view.position != 0 {
            if state.working == 1 { state.working = 0 }
            guard state.working != 2 else { return HFT_OK.rawValue }
            guard let reason = exitReason(view: view, bid: bid, ask: ask, regime: regime) else { return HFT_OK.rawValue }
            state.countExit(reason)
            state.working = 2
            state.workingSince = view.now_ns
            var i = hft_intent()
            i.instrument = view.instrument
            i.action = UInt8(HFT_ACTION_NEW)
            i.side = UInt8(view.position > 0 ? HFT_SIDE_SELL : HFT_SIDE_BUY)
            i.kind = UInt8(HFT_KIND_LIMIT)
            i.time_in_force = UInt8(HFT_TIF_IOC)
            i.reduce_only = 1
            i.tag = Self.exitTagBase &+ UInt32(reason.rawValue)
            i.price = view.position > 0 ? bid : ask
            i.quantity = view.position > 0 ? view.position : -view.position
            return hft_intent_push(out, i)
        }
        if state.working == 2 { state.working = 0 }
        if state.working == 1 {
            guard view.now_ns &- state.workingSince >= config.entryTimeoutNanos else { return HFT_OK.rawValue }
            state.working = 0
            var c = hft_intent()
            c.instrument = view.instrument
            c.action = UInt8(HFT_ACTION_CANCEL_TAG)
            c.tag = Self.entryTag
            return hft_intent_push(out, c)
        }

        let signal = signal(v, regime: regime, tick: tick)
        lastSignal = signal
        guard abs(signal) >= config.entryThreshold else { return HFT_OK.rawValue }
        let p = config.parameters(regime)
        let cap = Int64(Double(view.position_limit) * p.maxPositionShare)
        var quantity = min(config.baseQuantity, cap)
        // PPO sizes between `baseQuantity` (a "go" always trades at least that) and the regime's cap;
        // a "no-go" (factor 0) skips the entry.
        if config.usePPO, let factor = ppoSize(signal: signal, regime: regime, view: view, v) {
            quantity = factor > 0 ? min(cap, max(quantity, Int64((Double(cap) * factor).rounded(.down)))) : 0
        }
        guard quantity > 0 else { return HFT_OK.rawValue }
        let buy = signal > 0
        let touchQueue = buy ? view.bids.0.quantity : view.asks.0.quantity
        let shortQueue = Double(touchQueue) <= config.shortQueueMultiple * Double(quantity)
        var i = hft_intent()
        i.instrument = view.instrument
        i.action = UInt8(HFT_ACTION_NEW)
        i.side = UInt8(buy ? HFT_SIDE_BUY : HFT_SIDE_SELL)
        i.kind = UInt8(HFT_KIND_LIMIT)
        i.tag = Self.entryTag
        i.quantity = quantity
        if shortQueue {
            i.time_in_force = UInt8(HFT_TIF_POST_ONLY)
            i.price = buy ? bid : ask
            state.passiveEntries &+= 1
        } else if abs(signal) >= config.aggressiveThreshold {
            i.time_in_force = UInt8(HFT_TIF_IOC)
            i.price = buy ? ask : bid
        } else {
            return HFT_OK.rawValue
        }
        state.entries &+= 1
        state.entryRegime = regime.rawValue
        state.working = 1
        state.workingSince = view.now_ns
        return hft_intent_push(out, i)
    }

    /// The exit rule that fires for an open position now, if any (checked in this order:
    /// stop, target, regime change, time).
    public func exitReason(view: hft_market_view, bid: Int64, ask: Int64, regime: Regime) -> ExitReason? {
        guard view.entry_price > 0 else { return nil }
        let long = view.position > 0
        let mark = Double(long ? bid : ask)
        let entry = Double(view.entry_price)
        let move = (long ? mark - entry : entry - mark) / entry
        let p = config.parameters(Regime(rawValue: state.entryRegime) ?? regime)
        if move <= -p.stop { return .stop }
        if move >= p.target { return .target }
        if regime.rawValue != state.entryRegime { return .regimeChange }
        if view.now_ns &- state.entryTime >= config.maxHoldNanos { return .time }
        return nil
    }

    /// Signed entry signal for `regime` (> 0 buy). Model output when valid, else the fallback.
    @inline(__always)
    mutating func signal(_ v: UnsafePointer<hft_market_view>, regime: Regime, tick: Int64) -> Double {
        let view = v.pointee
        if regime == .ranging {
            if view.model_valid & (1 << UInt32(HFT_MODEL_TABNET)) != 0 {
                state.modelSignals &+= 1
                return Double(view.model_outputs.1) / config.modelScale
            }
            // TabNet on demand: only ranging ticks that reach an entry decision pay for it.
            if let evaluate = host.model_evaluate {
                var value: Float = 0
                if evaluate(host.context, UInt32(HFT_MODEL_TABNET), v, &value) == HFT_OK.rawValue {
                    state.modelSignals &+= 1
                    return Double(value) / config.modelScale
                }
            }
            state.fallbackSignals &+= 1
            return -feature(v, indices.vwapDeviationBps) / config.vwapScaleBps - feature(v, indices.pocDistanceTicks) / config.pocScaleTicks
        }
        if view.model_valid & (1 << UInt32(HFT_MODEL_TCN)) != 0 {
            state.modelSignals &+= 1
            return Double(view.model_outputs.0) / config.modelScale
        }
        state.fallbackSignals &+= 1
        let micro = (feature(v, indices.microprice) - feature(v, indices.mid)) * pow10(view.price_places) / Double(tick)
        return feature(v, indices.ofiDepthNormalized) * config.ofiWeight + micro * config.microWeight
    }

    @inline(__always)
    func pow10(_ places: Int32) -> Double {
        var x = 1.0
        var n = places
        while n > 0 { x *= 10; n -= 1 }
        return x
    }

    /// PPO size factor in 0…1, or 0 when the policy says "not now"; nil when no policy is available.
    @inline(__always)
    mutating func ppoSize(signal: Double, regime: Regime, view: hft_market_view, _ v: UnsafePointer<hft_market_view>) -> Double? {
        guard let evaluate = host.ppo_evaluate else { return nil }
        var obs: (Float, Float, Float, Float, Float, Float, Float, Float) = (
            Float(signal), regime == .ranging ? 1 : 0, regime == .trending ? 1 : 0, regime == .volatile ? 1 : 0,
            Float(view.position_limit > 0 ? Double(view.position) / Double(view.position_limit) : 0),
            Float(feature(v, indices.rvPercentile)), Float(feature(v, indices.efficiencyRatio)), Float(feature(v, indices.spreadRegime))
        )
        var actions: (Float, Float) = (0, 0)
        var count: UInt32 = 0
        // SAFETY: both tuples are homogeneous Float storage on this frame, alive for the call.
        let rc = withUnsafeMutableBytes(of: &obs) { o in
            withUnsafeMutableBytes(of: &actions) { a in
                evaluate(host.context, o.baseAddress!.assumingMemoryBound(to: Float.self), 8,
                         a.baseAddress!.assumingMemoryBound(to: Float.self), 2, &count)
            }
        }
        guard rc == HFT_OK.rawValue, count >= 1 else {
            state.ppoUnavailable &+= 1
            return nil
        }
        state.ppoCalls &+= 1
        if count >= 2 && actions.1 <= 0 { return 0 }
        return min(max(Double(actions.0), 0), 1)
    }

    /// An order update. Returns an `hft_status`.
    public mutating func onFill(_ f: UnsafePointer<hft_fill>) -> Int32 {
        let fill = f.pointee
        switch Int32(fill.kind) {
        case Int32(HFT_FILL_TRADE):
            state.fills &+= 1
            if state.position == 0 && fill.position_after != 0 {
                state.entryTime = fill.time_ns
                state.entryPrice = fill.price
            }
            state.position = fill.position_after
            if fill.position_after == 0 { state.working = 0 }
            if fill.tag == Self.entryTag && state.working == 1 { state.working = 0 }
        case Int32(HFT_FILL_CANCELED), Int32(HFT_FILL_REJECTED):
            if (fill.tag == Self.entryTag && state.working == 1) || (fill.tag >= Self.exitTagBase && state.working == 2) { state.working = 0 }
        default:
            break
        }
        return HFT_OK.rawValue
    }

    /// The state to carry across a hot swap.
    public func savedState() -> RegimeScalperState {
        var s = state
        s.regime = classifier.regime.rawValue
        s.candidate = classifier.savedCandidate.rawValue
        s.candidateTicks = Int32(classifier.savedCandidateTicks)
        s.switches = Int64(classifier.switches)
        return s
    }

    /// Restores a saved state; false when it is not a RegimeScalper state of this version.
    public mutating func restore(_ s: RegimeScalperState) -> Bool {
        guard s.magic == RegimeScalperState.magicValue, s.version == RegimeScalperState.currentVersion,
              let r = Regime(rawValue: s.regime), let c = Regime(rawValue: s.candidate) else { return false }
        state = s
        classifier = RegimeClassifier(regime: r, candidate: c, candidateTicks: Int(s.candidateTicks), switches: Int(s.switches))
        return true
    }
}
