import HFTTestSupport

/// The distributions the precision tests run over.
enum TestDistribution: String, CaseIterable, Sendable {
    /// Uniform 0 ... 10 µs.
    case uniform
    /// Log-uniform over the whole range 1 ns ... 60 s.
    case logUniformFullRange
    /// Log-normal around 2 µs (a typical hop).
    case logNormal
    /// Pareto with α = 1.1 from 500 ns (heavy tail up to the 60 s clamp).
    case pareto
    /// Bimodal: 95% near 800 ns, 5% near 3 ms (GC-like stalls).
    case bimodal

    func samples(_ n: Int, seed: UInt64) -> [UInt64] {
        var rng = SplitMix64(seed: seed)
        var out: [UInt64] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let v: Double
            switch self {
            case .uniform: v = rng.unit() * 10_000
            case .logUniformFullRange: v = Double.exp10(rng.unit() * log10(60e9))
            case .logNormal:
                let u1 = max(rng.unit(), 1e-300), u2 = rng.unit()
                let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                v = 2_000 * exp(0.8 * z)
            case .pareto: v = 500 / pow(max(1 - rng.unit(), 1e-300), 1 / 1.1)
            case .bimodal:
                v = rng.unit() < 0.95 ? 800 + rng.unit() * 200 : 3_000_000 * (1 + rng.unit())
            }
            out.append(UInt64(min(max(v, 1), 60e9)))
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Double {
    static func exp10(_ x: Double) -> Double { pow(10, x) }
}
