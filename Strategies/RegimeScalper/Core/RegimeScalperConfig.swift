import Foundation

/// Every parameter of the RegimeScalper, decoded from the plugin's JSON config (missing keys keep
/// these defaults). Trivial value: read on the hot path without ARC.
public struct RegimeScalperConfig: Codable, Hashable, Sendable, BitwiseCopyable {
    public var volatile = RegimeParameters(target: 0.0025, stop: 0.0015, maxPositionShare: 0.5)
    public var trending = RegimeParameters(target: 0.0035, stop: 0.0020, maxPositionShare: 0.7)
    public var ranging = RegimeParameters(target: 0.0015, stop: 0.0010, maxPositionShare: 0.3)

    /// Enter `volatile` at this `rv_percentile`, leave it below `volatileExit` (hysteresis band).
    public var volatileEnter = 0.80
    public var volatileExit = 0.65
    /// With an HMM in the schema: the state index that means "high volatility", and the filtered
    /// probability that enters / leaves `volatile` (either this or the percentile suffices to enter).
    public var hmmVolatileState = 1
    public var hmmVolatileEnter = 0.80
    public var hmmVolatileExit = 0.60
    /// Enter `trending` at this `efficiency_ratio`, leave below `trendingExit`.
    public var trendingEnter = 0.60
    public var trendingExit = 0.40
    /// Ticks a new classification must persist before the regime switches (0: switch at once).
    public var confirmTicks = 20

    /// |signal| that opens a position.
    public var entryThreshold = 0.5
    /// |signal| that justifies crossing the spread (IOC at the far touch) when the queue is long.
    public var aggressiveThreshold = 1.5
    /// Fallback momentum: signal = ofi_depth_normalized · ofiWeight + (microprice − mid)/tick · microWeight.
    public var ofiWeight = 1.0
    public var microWeight = 2.0
    /// Fallback mean reversion: signal = −vwap_deviation_bps / vwapScaleBps − vp_poc_distance_ticks / pocScaleTicks.
    public var vwapScaleBps = 2.0
    public var pocScaleTicks = 50.0
    /// Model outputs (expected log return) are divided by this to become a signal.
    public var modelScale = 0.0005

    /// Order size in quantity units without PPO (capped by the regime's position cap); with PPO the floor of a "go".
    public var baseQuantity: Int64 = 1
    /// The touch queue counts as short (post passively) when its displayed quantity is at most
    /// this many times our order size.
    public var shortQueueMultiple = 20.0
    /// Cancel an unfilled passive entry after this long.
    public var entryTimeoutNanos: Int64 = 2_000_000_000
    /// Time exit: close a position held this long.
    public var maxHoldNanos: Int64 = 30_000_000_000
    /// Ask the host's PPO policy for timing (action 1 > 0: enter now) and size (action 0 in 0…1 of the regime's cap, at least `baseQuantity`).
    public var usePPO = true

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RegimeScalperConfig()
        func v<T: Decodable>(_ k: CodingKeys, _ fallback: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? fallback }
        volatile = try v(.volatile, d.volatile)
        trending = try v(.trending, d.trending)
        ranging = try v(.ranging, d.ranging)
        volatileEnter = try v(.volatileEnter, d.volatileEnter)
        volatileExit = try v(.volatileExit, d.volatileExit)
        hmmVolatileState = try v(.hmmVolatileState, d.hmmVolatileState)
        hmmVolatileEnter = try v(.hmmVolatileEnter, d.hmmVolatileEnter)
        hmmVolatileExit = try v(.hmmVolatileExit, d.hmmVolatileExit)
        trendingEnter = try v(.trendingEnter, d.trendingEnter)
        trendingExit = try v(.trendingExit, d.trendingExit)
        confirmTicks = try v(.confirmTicks, d.confirmTicks)
        entryThreshold = try v(.entryThreshold, d.entryThreshold)
        aggressiveThreshold = try v(.aggressiveThreshold, d.aggressiveThreshold)
        ofiWeight = try v(.ofiWeight, d.ofiWeight)
        microWeight = try v(.microWeight, d.microWeight)
        vwapScaleBps = try v(.vwapScaleBps, d.vwapScaleBps)
        pocScaleTicks = try v(.pocScaleTicks, d.pocScaleTicks)
        modelScale = try v(.modelScale, d.modelScale)
        baseQuantity = try v(.baseQuantity, d.baseQuantity)
        shortQueueMultiple = try v(.shortQueueMultiple, d.shortQueueMultiple)
        entryTimeoutNanos = try v(.entryTimeoutNanos, d.entryTimeoutNanos)
        maxHoldNanos = try v(.maxHoldNanos, d.maxHoldNanos)
        usePPO = try v(.usePPO, d.usePPO)
    }

    /// The parameter set of `regime`.
    @inline(__always)
    public func parameters(_ regime: Regime) -> RegimeParameters {
        switch regime {
        case .ranging: ranging
        case .trending: trending
        case .volatile: volatile
        }
    }

    /// Decodes and validates a JSON config (empty input: the defaults).
    public static func decode(_ json: UnsafeRawBufferPointer) throws(RegimeScalperConfigError) -> RegimeScalperConfig {
        guard json.count > 0 else { return RegimeScalperConfig() }
        let c: RegimeScalperConfig
        do { c = try JSONDecoder().decode(RegimeScalperConfig.self, from: Data(json)) } catch { throw .malformed("\(error)") }
        try c.validate()
        return c
    }

    /// Throws the first parameter out of range.
    public func validate() throws(RegimeScalperConfigError) {
        for r in Regime.allCases {
            let p = parameters(r)
            guard p.target > 0, p.stop > 0, p.maxPositionShare > 0, p.maxPositionShare <= 1 else {
                throw .invalid("\(r): target, stop > 0 and 0 < maxPositionShare <= 1")
            }
        }
        guard volatileExit <= volatileEnter, trendingExit <= trendingEnter, hmmVolatileExit <= hmmVolatileEnter else {
            throw .invalid("each exit threshold must be <= its enter threshold")
        }
        guard confirmTicks >= 0, entryThreshold > 0, aggressiveThreshold >= entryThreshold, baseQuantity > 0,
              vwapScaleBps > 0, pocScaleTicks > 0, modelScale > 0, shortQueueMultiple >= 0,
              entryTimeoutNanos > 0, maxHoldNanos > 0, hmmVolatileState >= 0 else {
            throw .invalid("confirmTicks >= 0; thresholds, scales, baseQuantity and times > 0; aggressiveThreshold >= entryThreshold")
        }
    }
}
