import Foundation

/// Parameters of the feature engine (cold path; JSON with every key optional, defaults below).
/// Windows on the event clock count book events; time windows use the engine clock (exchange time,
/// made monotone). Raw quantities are in the instrument's quantity scale.
public struct AnalyticsConfig: Codable, Hashable, Sendable {
    /// Cumulative imbalance features `imbalance_l1 … l<n>` (1...32).
    public var imbalanceLevels = 10
    /// Multi-level OFI depth M (1...32).
    public var ofiLevels = 5
    /// Event window N (book events) for event returns, OFI, RV/BV, efficiency ratio, spread regime.
    public var eventWindow = 100
    /// Time window for the time return and time OFI.
    public var bookWindowNanos: Int64 = 1_000_000_000
    /// Samples kept for the time window (oldest leaves early when full; counted).
    public var bookWindowCapacity = 65_536
    /// EWMA half-life in book events for `rv_ewma`.
    public var ewmaHalfLifeEvents = 50.0
    /// Time window of the trade features (TFI, VWAP, intensity, aggressive ratio).
    public var tradeWindowNanos: Int64 = 10_000_000_000
    public var tradeWindowCapacity = 65_536
    /// Trades in the large-trade percentile window.
    public var largeTradeWindow = 1000
    public var largeTradePercentilePermille = 990
    public var largeTradeMinimumSamples = 50
    /// Iceberg: executed ≥ ratio × peak displayed (5000 = 5×) and executed ≥ minimum (raw qty).
    public var icebergRatioPermille: Int64 = 5000
    public var icebergMinimumExecuted: Int64 = 1
    /// Walls: size ≥ factor × median of the top `wallLevels` (1...32), persistent for `wallPersistNanos`.
    public var wallLevels = 10
    public var wallFactorPermille: Int64 = 5000
    public var wallPersistNanos: Int64 = 1_000_000_000
    public var rollingProfile = VolumeProfileConfig()
    /// The session profile (its `windowNanos` is ignored: sessions reset at each multiple of
    /// `sessionLengthNanos` of exchange time, UTC-aligned for 1 day).
    public var sessionProfile = VolumeProfileConfig(binCount: 4096, windowNanos: 0, tradeCapacity: 1)
    public var sessionLengthNanos: Int64 = 86_400_000_000_000
    /// Adds `vp_session_hvn_distance_ticks` and `vp_session_lvn_distance_ticks` (the session
    /// profile's nearest HVN/LVN, same rules as the rolling profile's, from `sessionProfile`'s
    /// smoothing and node parameters) right after `vp_session_val_distance_ticks`. Off by default:
    /// turning it on changes the schema (and its id), and costs the session profile its smoothing
    /// kernel per trade and an O(occupied width) node scan per recomputation. When off, the session
    /// profile keeps no smoothed copy at all.
    public var sessionNodes = false
    /// Minimum clock time between recomputations of a profile's POC and value area (0 = on every
    /// change). Trades are binned on every event either way; a positive interval bounds the
    /// O(value-area width) work per event, at the cost of POC/VA/HVN/LVN lagging by at most it.
    public var profileRefreshNanos: Int64 = 0
    /// Book events in the realized-volatility percentile window.
    public var rvPercentileWindow = 10_000
    /// The regime HMM, or nil for none (its states are part of the schema).
    public var hmm: HMMParameters?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case imbalanceLevels, ofiLevels, eventWindow, bookWindowNanos, bookWindowCapacity, ewmaHalfLifeEvents, tradeWindowNanos,
             tradeWindowCapacity, largeTradeWindow, largeTradePercentilePermille, largeTradeMinimumSamples, icebergRatioPermille,
             icebergMinimumExecuted, wallLevels, wallFactorPermille, wallPersistNanos, rollingProfile, sessionProfile,
             sessionLengthNanos, sessionNodes, profileRefreshNanos, rvPercentileWindow, hmm
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func v<T: Decodable>(_ k: CodingKeys, _ d: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? d }
        let d = AnalyticsConfig()
        imbalanceLevels = try v(.imbalanceLevels, d.imbalanceLevels)
        ofiLevels = try v(.ofiLevels, d.ofiLevels)
        eventWindow = try v(.eventWindow, d.eventWindow)
        bookWindowNanos = try v(.bookWindowNanos, d.bookWindowNanos)
        bookWindowCapacity = try v(.bookWindowCapacity, d.bookWindowCapacity)
        ewmaHalfLifeEvents = try v(.ewmaHalfLifeEvents, d.ewmaHalfLifeEvents)
        tradeWindowNanos = try v(.tradeWindowNanos, d.tradeWindowNanos)
        tradeWindowCapacity = try v(.tradeWindowCapacity, d.tradeWindowCapacity)
        largeTradeWindow = try v(.largeTradeWindow, d.largeTradeWindow)
        largeTradePercentilePermille = try v(.largeTradePercentilePermille, d.largeTradePercentilePermille)
        largeTradeMinimumSamples = try v(.largeTradeMinimumSamples, d.largeTradeMinimumSamples)
        icebergRatioPermille = try v(.icebergRatioPermille, d.icebergRatioPermille)
        icebergMinimumExecuted = try v(.icebergMinimumExecuted, d.icebergMinimumExecuted)
        wallLevels = try v(.wallLevels, d.wallLevels)
        wallFactorPermille = try v(.wallFactorPermille, d.wallFactorPermille)
        wallPersistNanos = try v(.wallPersistNanos, d.wallPersistNanos)
        // A profile's absent keys keep that profile's defaults.
        func profile(_ k: CodingKeys, _ d: VolumeProfileConfig) throws -> VolumeProfileConfig {
            guard c.contains(k) else { return d }
            return try VolumeProfileConfig(from: c.nestedContainer(keyedBy: VolumeProfileConfig.CodingKeys.self, forKey: k), defaults: d)
        }
        rollingProfile = try profile(.rollingProfile, d.rollingProfile)
        sessionProfile = try profile(.sessionProfile, d.sessionProfile)
        sessionLengthNanos = try v(.sessionLengthNanos, d.sessionLengthNanos)
        sessionNodes = try v(.sessionNodes, d.sessionNodes)
        profileRefreshNanos = try v(.profileRefreshNanos, d.profileRefreshNanos)
        rvPercentileWindow = try v(.rvPercentileWindow, d.rvPercentileWindow)
        hmm = try c.decodeIfPresent(HMMParameters.self, forKey: .hmm)
    }

    /// Decodes and validates a config from JSON bytes.
    public static func load(json: Data) throws(AnalyticsConfigError) -> AnalyticsConfig {
        let c: AnalyticsConfig
        do { c = try JSONDecoder().decode(AnalyticsConfig.self, from: json) } catch { throw .malformed("\(error)") }
        try c.validate()
        return c
    }

    /// Upper bounds of the sizes and durations (`validate`): every buffer is allocated at start-up, so
    /// a size must be one the machine can hold, and a duration added to a timestamp must not overflow.
    public static let maxEvents = 1 << 20
    public static let maxCapacity = 1 << 22
    public static let maxBins = 1 << 20
    public static let maxBinTicks: Int64 = 1 << 20
    public static let maxNanos: Int64 = 366 * 86_400_000_000_000
    public static let maxPermille: Int64 = 1_000_000

    /// Checks every parameter against its range; the error names the first one outside it.
    public func validate() throws(AnalyticsConfigError) {
        func need(_ ok: Bool, _ p: String, _ r: String) throws(AnalyticsConfigError) { if !ok { throw .invalid(parameter: p, reason: r) } }
        let events = 1...Self.maxEvents, capacity = 1...Self.maxCapacity, nanos = 1...Self.maxNanos, permille = 0...Self.maxPermille
        try need((1...32).contains(imbalanceLevels), "imbalanceLevels", "1...32")
        try need((1...32).contains(ofiLevels), "ofiLevels", "1...32")
        try need((1...32).contains(wallLevels), "wallLevels", "1...32")
        try need(events.contains(eventWindow), "eventWindow", "1...\(Self.maxEvents)")
        try need(nanos.contains(bookWindowNanos), "bookWindowNanos", "1...\(Self.maxNanos) ns")
        try need(capacity.contains(bookWindowCapacity), "bookWindowCapacity", "1...\(Self.maxCapacity)")
        try need(ewmaHalfLifeEvents > 0 && ewmaHalfLifeEvents.isFinite, "ewmaHalfLifeEvents", "> 0")
        try need(nanos.contains(tradeWindowNanos), "tradeWindowNanos", "1...\(Self.maxNanos) ns")
        try need(capacity.contains(tradeWindowCapacity), "tradeWindowCapacity", "1...\(Self.maxCapacity)")
        try need(events.contains(largeTradeWindow), "largeTradeWindow", "1...\(Self.maxEvents)")
        try need((0...1000).contains(largeTradePercentilePermille), "largeTradePercentilePermille", "0...1000")
        try need(largeTradeMinimumSamples >= 0, "largeTradeMinimumSamples", "≥ 0")
        try need(permille.contains(icebergRatioPermille), "icebergRatioPermille", "0...\(Self.maxPermille)")
        try need(icebergMinimumExecuted >= 0, "icebergMinimumExecuted", "≥ 0")
        try need(permille.contains(wallFactorPermille), "wallFactorPermille", "0...\(Self.maxPermille)")
        try need(nanos.contains(wallPersistNanos), "wallPersistNanos", "1...\(Self.maxNanos) ns")
        try need(nanos.contains(sessionLengthNanos), "sessionLengthNanos", "1...\(Self.maxNanos) ns")
        try need((0...Self.maxNanos).contains(profileRefreshNanos), "profileRefreshNanos", "0...\(Self.maxNanos) ns")
        try need(events.contains(rvPercentileWindow), "rvPercentileWindow", "1...\(Self.maxEvents)")
        for (name, p) in [("rollingProfile", rollingProfile), ("sessionProfile", sessionProfile)] {
            try need((2...Self.maxBins).contains(p.binCount) && p.binCount & (p.binCount - 1) == 0, "\(name).binCount",
                     "a power of two in 2...\(Self.maxBins)")
            try need((1...Self.maxBinTicks).contains(p.binTicks), "\(name).binTicks", "1...\(Self.maxBinTicks)")
            // A kernel narrower than a tenth of a bin is no smoothing, and 1e-300 would divide by an underflowed 0.
            try need(p.smoothingSigmaBins == 0 || (0.1...64).contains(p.smoothingSigmaBins), "\(name).smoothingSigmaBins", "0 (off) or 0.1...64")
            try need(capacity.contains(p.tradeCapacity), "\(name).tradeCapacity", "1...\(Self.maxCapacity)")
            try need((1...10_000).contains(p.valueAreaBasisPoints), "\(name).valueAreaBasisPoints", "1...10000")
            try need(permille.contains(p.hvnFactorPermille), "\(name).hvnFactorPermille", "0...\(Self.maxPermille)")
            try need(permille.contains(p.lvnFactorPermille), "\(name).lvnFactorPermille", "0...\(Self.maxPermille)")
            try need((0...p.binCount).contains(p.maxNodeScanBins), "\(name).maxNodeScanBins", "0...binCount")
        }
        try need(nanos.contains(rollingProfile.windowNanos), "rollingProfile.windowNanos", "1...\(Self.maxNanos) ns")
        try hmm?.validate()
    }
}
