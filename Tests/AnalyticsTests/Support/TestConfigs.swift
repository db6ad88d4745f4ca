import HFTPrimitives
@testable import Analytics

/// Configurations used by the tests: windows short enough that every window expires many times
/// within a few minutes of real data.
enum TestConfigs {
    static func realData() throws -> AnalyticsConfig {
        var c = AnalyticsConfig()
        c.eventWindow = 50
        c.bookWindowNanos = 2_000_000_000
        c.tradeWindowNanos = 5_000_000_000
        c.ewmaHalfLifeEvents = 20
        c.largeTradeWindow = 200
        c.largeTradeMinimumSamples = 20
        c.largeTradePercentilePermille = 950
        c.icebergRatioPermille = 2000
        c.wallLevels = 10
        c.wallFactorPermille = 4000
        c.wallPersistNanos = 500_000_000
        c.rollingProfile = VolumeProfileConfig(binTicks: 5, binCount: 1024, windowNanos: 60_000_000_000, tradeCapacity: 65_536,
                                               valueAreaBasisPoints: 7000, smoothingSigmaBins: 2, hvnFactorPermille: 1500,
                                               lvnFactorPermille: 500, maxNodeScanBins: 64)
        c.sessionProfile = VolumeProfileConfig(binTicks: 10, binCount: 4096, windowNanos: 0, tradeCapacity: 1)
        // Sessions of 2 minutes so that the session reset is exercised.
        c.sessionLengthNanos = 120_000_000_000
        c.rvPercentileWindow = 500
        // Profiles recompute POC/VA at most every 100 ms (the throttled path is what production uses).
        c.profileRefreshNanos = 100_000_000
        c.hmm = try HMMParameters(observations: ["return_events", "spread_ticks"], stepNanos: 500_000_000,
                                  startProbabilities: [0.5, 0.5], transitions: [[0.95, 0.05], [0.1, 0.9]],
                                  means: [[0, 1], [0, 3]], variances: [[1e-8, 0.25], [1e-7, 4]])
        return c
    }

    /// A symmetric synthetic micro-price table: g(bucket) = −g(n−1−bucket).
    static func microTable() throws -> MicroPriceTable {
        let n = 11
        let rows = (1...2).map { s in (0..<n).map { b in Double(b - n / 2) / Double(n) * 0.4 * Double(s) } }
        return try MicroPriceTable(instrument: "test", imbalanceBuckets: n, maxSpreadTicks: 2, adjustmentTicks: rows)
    }
}
