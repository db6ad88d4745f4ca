import Foundation

/// Stoikov's micro-price adjustment `g*(I, S)` for one instrument, in ticks (DEFINITIONS.md §2),
/// estimated offline by `Tuning/analytics/microprice.py` and loaded from its JSON:
///
/// ```json
/// {"instrument": "ETHUSDT", "imbalanceBuckets": 11, "maxSpreadTicks": 2,
///  "adjustmentTicks": [[...11 values for spread 1...], [...spread 2...]]}
/// ```
///
/// Buckets are symmetric equal-width bins of `I = qb / (qb + qa)`: bucket `min(⌊I·n⌋, n−1)`; an odd
/// `n` puts `I = ½` in the middle bucket. Spreads outside `1...maxSpreadTicks` have no entry: the
/// engine then uses the weighted mid.
public struct MicroPriceTable: Codable, Hashable, Sendable {
    public var instrument: String?
    public var imbalanceBuckets: Int
    public var maxSpreadTicks: Int
    /// `adjustmentTicks[spread − 1][bucket]`.
    public var adjustmentTicks: [[Double]]

    public init(instrument: String?, imbalanceBuckets: Int, maxSpreadTicks: Int, adjustmentTicks: [[Double]]) throws(AnalyticsConfigError) {
        self.instrument = instrument
        self.imbalanceBuckets = imbalanceBuckets
        self.maxSpreadTicks = maxSpreadTicks
        self.adjustmentTicks = adjustmentTicks
        try validate()
    }

    /// Decodes and validates a table from JSON bytes (cold path).
    public static func load(json: Data) throws(AnalyticsConfigError) -> MicroPriceTable {
        let t: MicroPriceTable
        do { t = try JSONDecoder().decode(MicroPriceTable.self, from: json) } catch { throw .malformed("\(error)") }
        try t.validate()
        return t
    }

    public func validate() throws(AnalyticsConfigError) {
        guard imbalanceBuckets >= 1, imbalanceBuckets <= 1000 else {
            throw .invalid(parameter: "imbalanceBuckets", reason: "must be 1...1000")
        }
        guard maxSpreadTicks >= 1, maxSpreadTicks <= 1000 else { throw .invalid(parameter: "maxSpreadTicks", reason: "must be 1...1000") }
        guard adjustmentTicks.count == maxSpreadTicks, adjustmentTicks.allSatisfy({ $0.count == imbalanceBuckets }) else {
            throw .invalid(parameter: "adjustmentTicks", reason: "must be maxSpreadTicks rows of imbalanceBuckets values")
        }
        guard adjustmentTicks.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw .invalid(parameter: "adjustmentTicks", reason: "values must be finite")
        }
    }

    /// The bucket of imbalance `I ∈ [0, 1]`.
    @inlinable
    public static func bucket(imbalance: Double, buckets: Int) -> Int {
        min(max(Int(imbalance * Double(buckets)), 0), buckets - 1)
    }
}
