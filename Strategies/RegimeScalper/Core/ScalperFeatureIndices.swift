/// Where the scalper's inputs sit in the feature vector, resolved by name once at `create`.
/// -1 marks a feature the schema does not have (the HMM is optional).
@frozen
public struct ScalperFeatureIndices: BitwiseCopyable, Sendable, Equatable {
    public var mid: Int32
    public var microprice: Int32
    public var ofiDepthNormalized: Int32
    public var vwapDeviationBps: Int32
    public var pocDistanceTicks: Int32
    public var rvPercentile: Int32
    public var efficiencyRatio: Int32
    public var spreadRegime: Int32
    /// `hmm_p<hmmVolatileState>`, or -1 without an HMM.
    public var hmmHigh: Int32

    /// The names the scalper needs; every one except the HMM's must exist.
    public static let requiredNames = ["mid", "microprice", "ofi_depth_normalized", "vwap_deviation_bps", "vp_poc_distance_ticks",
                                       "rv_percentile", "efficiency_ratio", "spread_regime"]

    /// Resolves every index with `lookup` (name → index or -1). Returns the first missing name on failure.
    public static func resolve(hmmState: Int, _ lookup: (String) -> Int32) -> Result<ScalperFeatureIndices, MissingFeature> {
        var found: [Int32] = []
        for name in requiredNames {
            let i = lookup(name)
            guard i >= 0 else { return .failure(MissingFeature(name: name)) }
            found.append(i)
        }
        return .success(ScalperFeatureIndices(mid: found[0], microprice: found[1], ofiDepthNormalized: found[2], vwapDeviationBps: found[3],
                                              pocDistanceTicks: found[4], rvPercentile: found[5], efficiencyRatio: found[6],
                                              spreadRegime: found[7], hmmHigh: lookup("hmm_p\(hmmState)")))
    }

    /// The largest index used (the vector must be longer).
    public var maxIndex: Int32 {
        max(mid, microprice, ofiDepthNormalized, vwapDeviationBps, pocDistanceTicks, rvPercentile, efficiencyRatio, spreadRegime, hmmHigh)
    }
}
