import Foundation

/// A Gaussian HMM with diagonal covariances (hmmlearn `GaussianHMM(covariance_type="diag")`),
/// estimated offline by `Tuning/analytics/fit_hmm.py` and run online as a forward filter.
///
/// Observations are the named features of the live vector, sampled on the first book event at or
/// after each multiple of `stepNanos` of the engine clock (every book event when 0).
public struct HMMParameters: Codable, Hashable, Sendable {
    /// Feature names (from the schema) forming the observation vector, in order.
    public var observations: [String]
    public var stepNanos: Int64
    /// π, K values.
    public var startProbabilities: [Double]
    /// A[i][j] = P(state j at t | state i at t−1), K×K.
    public var transitions: [[Double]]
    /// K×D emission means.
    public var means: [[Double]]
    /// K×D emission variances (the diagonal of each covariance).
    public var variances: [[Double]]

    public init(observations: [String], stepNanos: Int64, startProbabilities: [Double], transitions: [[Double]],
                means: [[Double]], variances: [[Double]]) throws(AnalyticsConfigError) {
        self.observations = observations
        self.stepNanos = stepNanos
        self.startProbabilities = startProbabilities
        self.transitions = transitions
        self.means = means
        self.variances = variances
        try validate()
    }

    public var states: Int { startProbabilities.count }

    /// The emission variances accepted.
    public static let varianceRange = 1e-300...1e300

    /// Decodes and validates parameters from JSON bytes (cold path).
    public static func load(json: Data) throws(AnalyticsConfigError) -> HMMParameters {
        let p: HMMParameters
        do { p = try JSONDecoder().decode(HMMParameters.self, from: json) } catch { throw .malformed("\(error)") }
        try p.validate()
        return p
    }

    public func validate() throws(AnalyticsConfigError) {
        let k = states, d = observations.count
        guard k >= 1, k <= 16 else { throw .invalid(parameter: "startProbabilities", reason: "1...16 states") }
        guard d >= 1, d <= 16 else { throw .invalid(parameter: "observations", reason: "1...16 features") }
        guard (0...AnalyticsConfig.maxNanos).contains(stepNanos) else {
            throw .invalid(parameter: "stepNanos", reason: "0...\(AnalyticsConfig.maxNanos) ns")
        }
        func stochastic(_ row: [Double]) -> Bool { row.allSatisfy { $0 >= 0 && $0.isFinite } && abs(row.reduce(0, +) - 1) < 1e-6 }
        guard stochastic(startProbabilities) else { throw .invalid(parameter: "startProbabilities", reason: "must be a probability vector") }
        guard transitions.count == k, transitions.allSatisfy({ $0.count == k && stochastic($0) }) else {
            throw .invalid(parameter: "transitions", reason: "must be a K×K row-stochastic matrix")
        }
        guard means.count == k, means.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }) else {
            throw .invalid(parameter: "means", reason: "must be K×D finite values")
        }
        // The filter keeps 1/(2σ²) and log(2πσ²): both must be finite, or a state's log-likelihood
        // is NaN (0 · ∞) and every observation is skipped. Real fitted variances are nowhere near.
        guard variances.count == k, variances.allSatisfy({ $0.count == d && $0.allSatisfy { Self.varianceRange.contains($0) } }) else {
            throw .invalid(parameter: "variances", reason: "must be K×D values in 1e-300...1e300")
        }
    }
}
