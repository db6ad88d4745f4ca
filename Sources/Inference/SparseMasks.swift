/// The attentive transformer's mask functions, as pytorch-tabnet's `sparsemax.py` computes them in float32
/// (sort descending, cumulative sums, support size, threshold), so supports and values match.
///
/// `torch.cumsum` on CPU accumulates float32 in a double and rounds each partial sum to float; the
/// cumulative sums here do the same. Entmax sorts all `n` values (O(n²) insertion sort, `n` = attention
/// dimension, tens here); sparsemax sorts only its support. Both allocate nothing and use the caller's
/// scratch.
public enum SparseMasks {
    /// Sparsemax (Martins & Astudillo 2016) of `count` values in place.
    ///
    /// The support is found without sorting all `count` values: Michelot's projection iteration
    /// (`τ = (Σ_S z − 1)/|S|`, keep `z > τ`, repeat until `S` stops shrinking) is branch-free per pass
    /// and converges in a few passes. Only the support is then sorted and summed in PyTorch's order
    /// (descending, accumulated in a double, rounded to float), so `τ` and the outputs equal
    /// `sparsemax.py`'s whenever the supports agree (always, except for values within rounding of `τ`,
    /// which map to 0 either way).
    /// - Parameter scratch: at least `2 * count` floats.
    /// - Complexity: O(n · passes + k²) for a support of size k (k is small: the masks are sparse).
    @inlinable
    public static func sparsemax(_ z: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>) {
        // SAFETY: z holds n floats and scratch 2n (documented contract); all indices are < n or < 2n.
        guard n > 0 else { return }
        var m = z[0]
        for i in 1..<n { m = max(m, z[i]) }
        for i in 0..<n { z[i] -= m }
        // The maximum (now 0) is always in the support: τ ≤ −1/|S| < 0 for every S containing it.
        var sum = 0.0
        for i in 0..<n { sum += Double(z[i]) }
        var tau = (sum - 1) / Double(n)
        var size = n
        while true {
            var s = 0.0
            var c = 0
            for i in 0..<n {
                let v = Double(z[i])
                let inside = v > tau
                s += inside ? v : 0
                c &+= inside ? 1 : 0
            }
            if c == size { break }
            size = c
            tau = (s - 1) / Double(c)
        }
        let srt = scratch
        var k = 0
        for i in 0..<n where Double(z[i]) > tau {
            srt[k] = z[i]
            k &+= 1
        }
        sortDescendingInPlace(srt, count: k)
        // PyTorch's support rule over the sorted support (its cumulative sums in float).
        var acc: Double = 0
        var support = 0
        var cumAtSupport: Float = 0
        for j in 0..<k {
            acc += Double(srt[j])
            let cum = Float(acc) - 1
            if Float(j + 1) * srt[j] > cum {
                support += 1
                cumAtSupport = cum
            }
        }
        let t = cumAtSupport / Float(max(support, 1))
        for i in 0..<n { z[i] = max(z[i] - t, 0) }
    }

    /// Sorts `count` values in place, descending (insertion sort: the count is a mask's support).
    @inlinable
    static func sortDescendingInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        // SAFETY: indices stay in 0..<n (caller's buffer).
        guard n > 1 else { return }
        for i in 1..<n {
            let v = x[i]
            var j = i
            while j > 0 && x[j - 1] < v {
                x[j] = x[j - 1]
                j -= 1
            }
            x[j] = v
        }
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
