/// The online forward filter of a diagonal Gaussian HMM: after each observation it holds the
/// filtered probability `P(state_t | o_1 … o_t)` — never a smoothed or Viterbi path, which would
/// look ahead (DEFINITIONS.md §6).
///
/// Recursion (normalised each step, log-emissions shifted by their max for stability):
/// `α_1 ∝ π ⊙ b(o_1)`, `α_t ∝ (α_{t−1} A) ⊙ b(o_t)`, `b_j(o) = Π_d N(o_d; μ_jd, σ²_jd)`.
/// If every state's likelihood underflows or the input is not finite, the step is skipped and
/// `skippedObservations` counts it.
///
/// - Complexity: O(K² + K·D) per observation, one `exp` per state but the most likely; never allocates after `init`.
public struct HMMForwardFilter: ~Copyable {
    public let states: Int
    public let dimensions: Int
    let start: UnsafeMutablePointer<Double>
    let transitions: UnsafeMutablePointer<Double>
    let means: UnsafeMutablePointer<Double>
    /// 1 / (2σ²) per state and dimension.
    let halfPrecision: UnsafeMutablePointer<Double>
    /// −½ Σ_d log(2πσ²) per state.
    let logNormaliser: UnsafeMutablePointer<Double>
    let alpha: UnsafeMutablePointer<Double>
    let scratch: UnsafeMutablePointer<Double>
    public private(set) var steps: Int
    public private(set) var skippedObservations: Int

    public init(parameters p: HMMParameters) {
        let k = p.states, d = p.observations.count
        states = k
        dimensions = d
        start = .allocate(capacity: k)
        transitions = .allocate(capacity: k * k)
        means = .allocate(capacity: k * d)
        halfPrecision = .allocate(capacity: k * d)
        logNormaliser = .allocate(capacity: k)
        alpha = .allocate(capacity: k)
        scratch = .allocate(capacity: k)
        for i in 0..<k {
            start[i] = p.startProbabilities[i]
            alpha[i] = p.startProbabilities[i]
            scratch[i] = 0
            var ln = 0.0
            for j in 0..<k { transitions[i * k + j] = p.transitions[i][j] }
            for x in 0..<d {
                means[i * d + x] = p.means[i][x]
                halfPrecision[i * d + x] = 0.5 / p.variances[i][x]
                ln -= 0.5 * cLog(2 * Double.pi * p.variances[i][x])
            }
            logNormaliser[i] = ln
        }
        steps = 0
        skippedObservations = 0
    }

    deinit {
        start.deallocate()
        transitions.deallocate()
        means.deallocate()
        halfPrecision.deallocate()
        logNormaliser.deallocate()
        alpha.deallocate()
        scratch.deallocate()
    }

    /// P(state `i` | data so far); the start probabilities before the first observation.
    @inline(__always)
    public func probability(_ i: Int) -> Double { alpha[i] }

    /// Advances the filter by one observation of `dimensions` values.
    public mutating func observe(_ o: UnsafeBufferPointer<Double>) {
        let k = states, d = dimensions
        var maxLog = -Double.infinity
        for i in 0..<k {
            var ll = logNormaliser[i]
            for x in 0..<d {
                let z = o[x] - means[i * d + x]
                ll -= z * z * halfPrecision[i * d + x]
            }
            scratch[i] = ll
            if ll > maxLog { maxLog = ll }
        }
        guard maxLog.isFinite else {
            skippedObservations &+= 1
            return
        }
        var norm = 0.0
        for j in 0..<k {
            var prior = 0.0
            if steps == 0 {
                prior = start[j]
            } else {
                for i in 0..<k { prior += alpha[i] * transitions[i * k + j] }
            }
            // The most likely state's shifted log-likelihood is exactly 0 and exp(0) is exactly 1:
            // skip its libm call (one of the K exps, half of them for K = 2), same value.
            let shifted = scratch[j] - maxLog
            let v = prior * (shifted == 0 ? 1 : cExp(shifted))
            scratch[j] = v
            norm += v
        }
        guard norm > 0, norm.isFinite else {
            skippedObservations &+= 1
            return
        }
        let inv = 1 / norm
        for j in 0..<k { alpha[j] = scratch[j] * inv }
        steps &+= 1
    }
}
