import HFTPrimitives
import MarketData

/// Computes the whole feature set (tick features, order flow, volume profiles, regime inputs)
/// incrementally, one event at a time, into a preallocated vector in schema order.
///
/// Feeding: the Book stage calls `onBook(bids:asks:exchangeTime:receiveTime:)` after every change
/// of its book with the top levels of each side (best first; at least
/// `levelsConsumed` levels when the book has them), and `onTrade(_:)` for every trade, in arrival
/// order. After each call `features` holds the current vector (`schema` order, `Double`).
/// A consumer that reads the vector only after book events (the Signals stage: one market view
/// per book commit, none per trade) calls `absorbTrade(_:)` instead of `onTrade(_:)`: the trade's
/// state updates without the vector's rewrite, which the next `onBook` does anyway (or
/// `refreshVector()`), with the same values bit for bit.
///
/// Clock: exchange time when the event has one, else receive time, made monotone (an event older
/// than the clock is processed at the clock). Replay is therefore deterministic.
///
/// Hot path: no allocation, no ARC, no locks, no existentials, no throwing: every buffer is
/// allocated in `init`. The entry points are deliberately not `@inlinable`: each event costs one
/// direct call into this module, where all of the engine is specialised and optimised together.
/// - Complexity: O(levels + M + log bins) per book event; a trade adds the value-area width and
///   the smoothing kernel of the two profiles. Windows expire in amortised O(1).
/// - Warning: not thread-safe; owned by one stage (one thread).
public struct FeatureEngine: ~Copyable {
    public let layout: FeatureLayout
    public let schema: FeatureSchema
    public let config: AnalyticsConfig
    public let instrument: InstrumentSpec
    /// Levels of each side that `onBook` reads (more are ignored).
    public let levelsConsumed: Int

    let out: UnsafeMutablePointer<Double>
    let tick: Int64
    let tradeWindowSeconds: Double
    let tradeWindowNanos: Int64
    let profileRefreshNanos: Int64
    let priceUnit: Double
    let quantityUnit: Double
    let imbalanceLevels: Int
    let ofiLevels: Int

    // Previous top levels (for OFI and passive additions), `levelsConsumed` per side.
    let prevBidPrice: UnsafeMutablePointer<Int64>
    let prevBidQty: UnsafeMutablePointer<Int64>
    let prevAskPrice: UnsafeMutablePointer<Int64>
    let prevAskQty: UnsafeMutablePointer<Int64>
    var prevBidCount = 0
    var prevAskCount = 0
    let ofiRow: UnsafeMutablePointer<Int64>
    /// 1/m for m = 1...imbalanceLevels (depth-weighted imbalance).
    let levelWeights: UnsafeMutablePointer<Double>

    var hasBook = false
    var bid: Int64 = 0
    var ask: Int64 = 0
    /// bid + ask (twice the mid), raw.
    var mid2: Int64 = 0
    var now: Int64 = .min
    var firstTime: Int64 = 0

    let microTable: UnsafeMutablePointer<Double>
    let microBuckets: Int
    let microMaxSpread: Int

    var mlofiWindow: VectorWindowSum
    var ofiTime: TimeWindowSum
    var depthWindow: EventWindowSum
    var pathWindow: EventWindowSum
    var spreadWindow: EventWindowSum
    var midRing: UnsafeRing<Int64>
    var timeMids: UnsafeRing<TimedValue>
    var timeBaseMid2: Int64 = 0
    var timeBaseValid = false
    /// The mid and the event and time bases (raw, doubled) behind `return_events`/`return_time` in
    /// the vector; `Int64.min` before the first book event.
    var returnInputs: (mid2: Int64, eventBase: Int64, timeBase: Int64) = (.min, .min, .min)
    /// Samples of the book time window dropped early because its ring was full.
    public internal(set) var bookWindowEvictions = 0

    var returns: UnsafeRing<Double>
    var rvSum = 0.0
    var bvSum = 0.0
    var nonzeroReturns = 0
    var ewma = 0.0
    let ewmaDecay: Double

    var trades: UnsafeRing<TradeSample>
    var tradeSigned: Int64 = 0
    var tradeIncluded: Int64 = 0
    var tradeAggressive: Int64 = 0
    var tradeQuantity: Int64 = 0
    var tradeNotional: Int128 = 0
    /// Trades dropped early from the trade window because its ring was full.
    public internal(set) var tradeWindowEvictions = 0
    var passiveAdds: TimeWindowSum
    var cvd: Int64 = 0
    var lastTradeTime: Int64 = 0
    var hasTrade = false
    /// A trade was absorbed (`absorbTrade`) since the vector's trade- and clock-dependent features
    /// were last written: `onBook` or `refreshVector()` writes them.
    public internal(set) var vectorPending = false

    var largeTrades: LargeTradeDetector
    var icebergBid: IcebergDetector
    var icebergAsk: IcebergDetector
    var wallBid: WallDetector
    var wallAsk: WallDetector

    var rollingProfile: VolumeProfile
    var sessionProfile: VolumeProfile
    var sessionIndex: Int64 = .min
    /// The clock's session (`floor(now / sessionLengthNanos)`) and the mid's bin in each profile
    /// (`floor(price / bin width)`), without a division while they stay put.
    var sessionOfTime: FloorDivider
    var rollingMidBin: FloorDivider
    var sessionMidBin: FloorDivider
    /// Whole ticks of the spread (the micro-price table's row), likewise.
    var spreadInTicks: FloorDivider

    var rvRank: RollingPercentile
    var hmm: HMMForwardFilter
    let hmmEnabled: Bool
    let hmmObservationSlots: UnsafeMutablePointer<Int>
    let hmmObservation: UnsafeMutablePointer<Double>
    let hmmStep: Int64
    var hmmNextStep: Int64 = .min

    /// Book events ignored because a side was empty.
    public internal(set) var oneSidedBooks = 0
    /// Book events ignored because the book was crossed.
    public internal(set) var crossedBooks = 0
    /// Book and trade events processed.
    public internal(set) var bookEvents = 0
    public internal(set) var tradeEvents = 0

    /// Builds the engine and allocates all of its memory (cold path).
    /// - Throws: `AnalyticsConfigError` for an invalid config or an HMM observation that is not a feature.
    public init(config: AnalyticsConfig, instrument: InstrumentSpec, microPrice: MicroPriceTable? = nil) throws(AnalyticsConfigError) {
        try config.validate()
        try microPrice?.validate()
        let (layout, schema) = FeatureLayout.make(imbalanceLevels: config.imbalanceLevels, ofiLevels: config.ofiLevels,
                                                  hmmStates: config.hmm?.states ?? 0, sessionNodes: config.sessionNodes)
        // Without an HMM, a one-state filter that never runs keeps the stored property non-optional.
        let hmmParameters: HMMParameters
        if let h = config.hmm {
            hmmParameters = h
        } else {
            hmmParameters = try HMMParameters(observations: ["mid"], stepNanos: 0, startProbabilities: [1], transitions: [[1]],
                                              means: [[0]], variances: [[1]])
        }
        var slots: [Int] = []
        if let h = config.hmm {
            for name in h.observations {
                guard let i = schema.index(of: name) else { throw .unknownFeature(name) }
                guard !layout.hmm.contains(i) else { throw .invalid(parameter: "hmm.observations", reason: "\(name) is an HMM output") }
                slots.append(i)
            }
        }
        self.layout = layout
        self.schema = schema
        self.config = config
        self.instrument = instrument
        let levels = max(config.imbalanceLevels, config.ofiLevels)
        self.levelsConsumed = max(levels, config.wallLevels)
        self.out = .allocate(capacity: layout.count)
        self.out.initialize(repeating: 0, count: layout.count)
        self.tick = instrument.tick
        self.sessionOfTime = FloorDivider(divisor: config.sessionLengthNanos)
        self.rollingMidBin = FloorDivider(divisor: config.rollingProfile.binTicks * instrument.tick)
        self.sessionMidBin = FloorDivider(divisor: config.sessionProfile.binTicks * instrument.tick)
        self.spreadInTicks = FloorDivider(divisor: instrument.tick)
        self.tradeWindowSeconds = Double(config.tradeWindowNanos) / 1e9
        self.tradeWindowNanos = config.tradeWindowNanos
        self.profileRefreshNanos = config.profileRefreshNanos
        self.priceUnit = Double(instrument.priceScale.multiplier)
        self.quantityUnit = Double(instrument.quantityScale.multiplier)
        self.imbalanceLevels = config.imbalanceLevels
        self.ofiLevels = config.ofiLevels
        self.prevBidPrice = .allocate(capacity: levels)
        self.prevBidQty = .allocate(capacity: levels)
        self.prevAskPrice = .allocate(capacity: levels)
        self.prevAskQty = .allocate(capacity: levels)
        self.ofiRow = .allocate(capacity: config.ofiLevels)
        self.ofiRow.initialize(repeating: 0, count: config.ofiLevels)
        self.levelWeights = .allocate(capacity: config.imbalanceLevels)
        for m in 0..<config.imbalanceLevels { levelWeights[m] = 1 / Double(m + 1) }
        if let t = microPrice {
            self.microBuckets = t.imbalanceBuckets
            self.microMaxSpread = t.maxSpreadTicks
            self.microTable = .allocate(capacity: t.imbalanceBuckets * t.maxSpreadTicks)
            for s in 0..<t.maxSpreadTicks {
                for b in 0..<t.imbalanceBuckets { microTable[s * t.imbalanceBuckets + b] = t.adjustmentTicks[s][b] }
            }
        } else {
            self.microBuckets = 0
            self.microMaxSpread = 0
            self.microTable = .allocate(capacity: 1)
        }
        let n = config.eventWindow
        self.mlofiWindow = VectorWindowSum(width: config.ofiLevels, capacity: n)
        self.ofiTime = TimeWindowSum(windowNanos: config.bookWindowNanos, capacity: config.bookWindowCapacity)
        self.depthWindow = EventWindowSum(capacity: n)
        self.pathWindow = EventWindowSum(capacity: n)
        self.spreadWindow = EventWindowSum(capacity: n)
        self.midRing = UnsafeRing(capacity: n + 1)
        self.timeMids = UnsafeRing(capacity: config.bookWindowCapacity)
        self.returns = UnsafeRing(capacity: n)
        self.ewmaDecay = cExp(-cLog(2) / config.ewmaHalfLifeEvents)
        self.trades = UnsafeRing(capacity: config.tradeWindowCapacity)
        self.passiveAdds = TimeWindowSum(windowNanos: config.tradeWindowNanos, capacity: config.tradeWindowCapacity)
        self.largeTrades = LargeTradeDetector(window: config.largeTradeWindow, percentilePermille: config.largeTradePercentilePermille,
                                              minimumSamples: config.largeTradeMinimumSamples)
        self.icebergBid = IcebergDetector(ratioPermille: config.icebergRatioPermille, minimumExecuted: config.icebergMinimumExecuted)
        self.icebergAsk = IcebergDetector(ratioPermille: config.icebergRatioPermille, minimumExecuted: config.icebergMinimumExecuted)
        self.wallBid = WallDetector(levels: config.wallLevels, factorPermille: config.wallFactorPermille, persistNanos: config.wallPersistNanos)
        self.wallAsk = WallDetector(levels: config.wallLevels, factorPermille: config.wallFactorPermille, persistNanos: config.wallPersistNanos)
        // With no refresh interval every event recomputes the profiles before reading them.
        self.rollingProfile = VolumeProfile(config: config.rollingProfile, tick: instrument.tick,
                                            refreshedOnEveryChange: config.profileRefreshNanos == 0)
        var session = config.sessionProfile
        session.windowNanos = 0
        // Without the session node features nothing reads the session profile's smoothed copy:
        // skip its kernel per trade and its node scan per recomputation (POC/VA are unaffected).
        if !config.sessionNodes { session.smoothingSigmaBins = 0 }
        self.sessionProfile = VolumeProfile(config: session, tick: instrument.tick,
                                            refreshedOnEveryChange: config.profileRefreshNanos == 0)
        self.rvRank = RollingPercentile(window: config.rvPercentileWindow)
        self.hmm = HMMForwardFilter(parameters: hmmParameters)
        self.hmmEnabled = config.hmm != nil
        self.hmmStep = hmmParameters.stepNanos
        self.hmmObservationSlots = .allocate(capacity: max(1, slots.count))
        for (i, s) in slots.enumerated() { hmmObservationSlots[i] = s }
        self.hmmObservation = .allocate(capacity: max(1, slots.count))
        self.hmmObservation.initialize(repeating: 0, count: max(1, slots.count))
        for i in layout.hmm { out[i] = hmm.probability(i - layout.hmm.lowerBound) }
        writeNoBookDefaults()
    }

    deinit {
        out.deallocate()
        prevBidPrice.deallocate()
        prevBidQty.deallocate()
        prevAskPrice.deallocate()
        prevAskQty.deallocate()
        ofiRow.deallocate()
        levelWeights.deallocate()
        microTable.deallocate()
        hmmObservationSlots.deallocate()
        hmmObservation.deallocate()
    }

    /// The current feature vector, in `schema` order. Valid until the next `onBook`/`onTrade`; after
    /// `absorbTrade` only once `refreshVector()` (or `onBook`) has run (`vectorPending` is false).
    @inline(__always)
    public var features: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: out, count: layout.count) }

    /// Copies the vector into a caller-owned `Float` buffer (model inputs).
    /// - Precondition: `destination.count >= schema.count`.
    @inline(__always)
    public func copyFeatures(into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(destination.count >= layout.count, "destination too small for the feature vector")
        for i in 0..<layout.count { destination[i] = Float(out[i]) }
    }

    /// The engine clock (ns) after the last event: exchange time when present, else receive time, monotone.
    public var clock: Int64 { now }

    /// Profile health counters (volume dropped by re-centres, early expiries), for telemetry.
    public var rollingProfileDroppedVolume: Int64 { rollingProfile.droppedVolume }
    public var sessionProfileDroppedVolume: Int64 { sessionProfile.droppedVolume }
    public var profileCapacityEvictions: Int { rollingProfile.capacityEvictions }

    private func writeNoBookDefaults() {
        out[layout.wallBidTicks] = -1
        out[layout.wallAskTicks] = -1
    }

    @inline(__always)
    mutating func advanceClock(exchange: Nanos, receive: Nanos) {
        let t = exchange.raw != 0 ? exchange.raw : receive.raw
        if now == .min {
            now = t
            firstTime = t
        } else if t > now {
            now = t
        }
        let s = sessionOfTime(now)
        if s != sessionIndex {
            if sessionIndex != .min { sessionProfile.reset() }
            sessionIndex = s
        }
        rollingProfile.expire(now: now)
    }
}
