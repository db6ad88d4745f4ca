/// Observation normalisation with stable-baselines3 `VecNormalize` statistics:
/// `clip((x − mean) / sqrt(var + epsilon), −clip_obs, clip_obs)`, computed in `Double` as numpy does
/// (the statistics are float64) and rounded to `Float` as the policy's tensor conversion does.
public struct InputNormalizer: Codable, Sendable, Equatable {
    public var type: String
    public var mean: [Double]
    public var `var`: [Double]
    public var clipObs: Double
    public var epsilon: Double

    public init(mean: [Double], variance v: [Double], clipObs: Double = 10, epsilon: Double = 1e-8) {
        type = "vec_normalize"
        self.mean = mean
        self.var = v
        self.clipObs = clipObs
        self.epsilon = epsilon
    }

    enum CodingKeys: String, CodingKey { case type, mean, `var`, clipObs = "clip_obs", epsilon }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? "vec_normalize"
        mean = try c.decode([Double].self, forKey: .mean)
        self.var = try c.decode([Double].self, forKey: .var)
        clipObs = try c.decodeIfPresent(Double.self, forKey: .clipObs) ?? 10
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-8
    }

    func validate(count: Int) throws {
        guard type == "vec_normalize" else { throw ModelLoadError.unsupported("normalization type \(type) (vec_normalize is supported)") }
        guard mean.count == count, self.var.count == count else {
            throw ModelLoadError.badConfig("normalization has \(mean.count) means and \(self.var.count) variances for \(count) inputs")
        }
        guard self.var.allSatisfy({ $0 >= 0 }), clipObs > 0, epsilon >= 0 else {
            throw ModelLoadError.badConfig("normalization needs var >= 0, clip_obs > 0, epsilon >= 0")
        }
    }
}

/// The normaliser's constants (mean and `sqrt(var + epsilon)` as `Double`) in one buffer owned by the model
/// that holds it: created at load, freed by `deallocate()` in that model's `deinit`.
@frozen
public struct PackedNormalizer {
    @usableFromInline let mean: UnsafeMutablePointer<Double>
    @usableFromInline let std: UnsafeMutablePointer<Double>
    @usableFromInline let clip: Double
    @usableFromInline let count: Int

    init(_ n: InputNormalizer) {
        count = n.mean.count
        clip = n.clipObs
        mean = UnsafeMutablePointer<Double>.allocate(capacity: 2 * max(count, 1))
        std = mean + count
        // SAFETY: mean holds 2·count Doubles: [0, count) means, [count, 2·count) standard deviations.
        for i in 0..<count {
            (mean + i).initialize(to: n.mean[i])
            (std + i).initialize(to: (n.var[i] + n.epsilon).squareRoot())
        }
    }

    func deallocate() {
        // SAFETY: allocated in init, freed once by the owning model's deinit.
        mean.deallocate()
    }

    /// `out[i] = Float(clip((Double(x[i]) − mean[i]) / std[i]))` for the `count` inputs (`out` may alias `x`).
    @inlinable
    public func apply(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let v = (Double(x[i]) - mean[i]) / std[i]
            out[i] = Float(min(max(v, -clip), clip))
        }
    }

    /// `apply` followed by a batch norm in one pass: `out[i] = n · scale[i] + shift[i]` where `n` is what
    /// `apply` writes (the same operations, so the same floats). `out` may alias `x`.
    @inlinable
    public func apply(_ x: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let v = (Double(x[i]) - mean[i]) / std[i]
            out[i] = Float(min(max(v, -clip), clip)) * scale[i] + shift[i]
        }
    }
}
