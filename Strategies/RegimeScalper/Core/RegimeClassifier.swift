/// Classifies the regime from `rv_percentile`, `efficiency_ratio` and (when the schema has an HMM)
/// the forward-filtered probability of the high-volatility state, with hysteresis: separate
/// enter/exit bands, and a new classification must persist `confirmTicks` ticks before it is
/// adopted. O(1), no allocation.
@frozen
public struct RegimeClassifier: BitwiseCopyable, Sendable {
    public private(set) var regime: Regime = .ranging
    var candidate: Regime = .ranging
    var candidateTicks = 0
    /// Regime switches so far.
    public private(set) var switches = 0

    public init() {}

    /// Restores a saved classifier state.
    public init(regime: Regime, candidate: Regime, candidateTicks: Int, switches: Int) {
        self.regime = regime
        self.candidate = candidate
        self.candidateTicks = candidateTicks
        self.switches = switches
    }

    public var savedCandidate: Regime { candidate }
    public var savedCandidateTicks: Int { candidateTicks }

    /// The raw classification of one observation given the current regime (bands only).
    /// - Parameter hmmHigh: P(high-volatility state), or a negative value when there is no HMM.
    public func classify(rvPercentile: Double, efficiency: Double, hmmHigh: Double, config: RegimeScalperConfig) -> Regime {
        let inVolatile = regime == .volatile
        let rvHot = rvPercentile >= (inVolatile ? config.volatileExit : config.volatileEnter)
        let hmmHot = hmmHigh >= 0 && hmmHigh >= (inVolatile ? config.hmmVolatileExit : config.hmmVolatileEnter)
        if rvHot || hmmHot { return .volatile }
        let trend = efficiency >= (regime == .trending ? config.trendingExit : config.trendingEnter)
        return trend ? .trending : .ranging
    }

    /// Feeds one tick; returns true when the regime switched on it.
    public mutating func update(rvPercentile: Double, efficiency: Double, hmmHigh: Double, config: RegimeScalperConfig) -> Bool {
        let c = classify(rvPercentile: rvPercentile, efficiency: efficiency, hmmHigh: hmmHigh, config: config)
        if c == regime {
            candidate = regime
            candidateTicks = 0
            return false
        }
        if c == candidate {
            candidateTicks &+= 1
        } else {
            candidate = c
            candidateTicks = 1
        }
        guard candidateTicks > config.confirmTicks else { return false }
        regime = c
        candidateTicks = 0
        switches &+= 1
        return true
    }
}
