/// The attentive transformer's mask functions, as pytorch-tabnet's `sparsemax.py` computes them in float32
/// (sort descending, cumulative sums, support size, threshold), so supports and values match.
///
/// `torch.cumsum` on CPU accumulates float32 in a double and rounds each partial sum to float; the
/// cumulative sums here do the same. Both functions are O(n²) in the worst case (insertion sort of `n`
/// values, `n` = attention dimension, tens here), allocate nothing and use the caller's scratch.
public enum SparseMasks {
    /// Sparsemax (Martins & Astudillo 2016) of `count` values in place.
    /// - Parameter scratch: at least `2 * count` floats.
    @inlinable
    public static func sparsemax(_ z: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>) {
        // SAFETY: z holds n floats and scratch 2n (documented contract); all indices are < n or < 2n.
        guard n > 0 else { return }
        var m = z[0]
        for i in 1..<n { m = max(m, z[i]) }
        for i in 0..<n { z[i] -= m }
        let srt = scratch
        let cum = scratch + n
        sortDescending(z, count: n, into: srt)
        var acc: Double = 0
        var support = 0
        for k in 0..<n {
            acc += Double(srt[k])
            cum[k] = Float(acc) - 1
            if Float(k + 1) * srt[k] > cum[k] { support += 1 }
        }
        let tau = cum[support - 1] / Float(support)
        for i in 0..<n { z[i] = max(z[i] - tau, 0) }
    }

    /// Exact entmax with α = 1.5 (Peters, Niculae, Martins 2019) of `count` values in place, by the sorted
    /// threshold algorithm of pytorch-tabnet's `Entmax15Function`.
    /// - Parameter scratch: at least `2 * count` floats.
    @inlinable
    public static func entmax15(_ z: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>) {
        // SAFETY: z holds n floats and scratch 2n (documented contract); all indices are < n or < 2n.
        guard n > 0 else { return }
        var m = z[0]
        for i in 1..<n { m = max(m, z[i]) }
        for i in 0..<n { z[i] = (z[i] - m) / 2 }
        let srt = scratch
        let tau = scratch + n
        sortDescending(z, count: n, into: srt)
        var acc: Double = 0
        var accSq: Double = 0
        var support = 0
        for k in 0..<n {
            let rho = Float(k + 1)
            acc += Double(srt[k])
            accSq += Double(srt[k] * srt[k])
            let mean = Float(acc) / rho
            let meanSq = Float(accSq) / rho
            let ss = rho * (meanSq - mean * mean)
            let delta = (1 - ss) / rho
            let t = mean - max(delta, 0).squareRoot()
            tau[k] = t
            if t <= srt[k] { support += 1 }
        }
        let tauStar = tau[support - 1]
        for i in 0..<n {
            let v = max(z[i] - tauStar, 0)
            z[i] = v * v
        }
    }

    /// Copies `count` values into `out` sorted descending (insertion sort: small `count`, no allocation).
    @inlinable
    static func sortDescending(_ x: UnsafePointer<Float>, count n: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            let v = x[i]
            var j = i
            while j > 0 && out[j - 1] < v {
                out[j] = out[j - 1]
                j -= 1
            }
            out[j] = v
        }
    }
}
