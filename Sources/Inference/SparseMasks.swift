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
    /// After subtracting the maximum the threshold `τ` lies in (−1, 0) (the maximum, now 0, is always
    /// in the support), so no value ≤ −1 can be in the support: only the values above −1 (a prefix
    /// of PyTorch's descending order) are sorted and scanned with `sparsemax.py`'s rule, so `τ` and
    /// the outputs are PyTorch's exactly, at the cost of sorting the few candidates instead of all
    /// `count` values.
    ///
    /// When more than 8 values are above −1, a tighter bound drops most of them before the sort
    /// (`candidateBound`): every value it drops is far enough below the exact threshold that
    /// `sparsemax.py`'s support test is false for it even with float32 rounding, so the support, `τ`
    /// and the outputs are the same as with every value above −1 sorted.
    /// - Parameter scratch: at least `2 * count` floats.
    /// - Complexity: O(n + c²) for c candidates left by the bound (about the support size).
    @inlinable
    public static func sparsemax(_ z: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>) {
        // SAFETY: z holds n floats and scratch 2n (documented contract); all indices are < n or < 2n.
        guard n > 0 else { return }
        let m = maximum(z, count: n)
        for i in 0..<n { z[i] -= m }
        let srt = scratch
        let cum = scratch + n
        var k = compact(z, count: n, above: -1, into: srt)
        if k > 8 {
            k = compact(srt, count: k, above: candidateBound(srt, count: k), into: srt)
        }
        sortDescendingInPlace(srt, count: k)
        var acc: Double = 0
        var support = 0
        for j in 0..<k {
            acc += Double(srt[j])
            cum[j] = Float(acc) - 1
            if Float(j + 1) * srt[j] > cum[j] { support += 1 }
        }
        let tau = cum[max(support, 1) - 1] / Float(max(support, 1))
        positivePart(z, count: n, minus: tau)
    }

    /// Copies the values of `x` above `t` to the front of `out` in order and returns their count: a
    /// branch-free compaction (a slot is overwritten until a kept value stays in it), the comparisons as
    /// vector compares turned into 0/1 integers so LLVM does not rebuild them as unpredictable branches.
    /// `out` may be `x` itself.
    /// - Precondition: `out` has room for `count` floats.
    @inlinable @inline(__always)
    static func compact(_ x: UnsafePointer<Float>, count n: Int, above t: Float, into out: UnsafeMutablePointer<Float>) -> Int {
        // SAFETY: reads x[0 ..< n]; writes out[k] with k <= i < n (never ahead of the reads when out == x).
        let tv = SIMD4<Float>(repeating: t), one = SIMD4<Int32>(repeating: 1)
        var k = 0
        var i = 0
        while i &+ 4 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self)
            let keep = SIMD4<Int32>().replacing(with: one, where: v .> tv)
            out[k] = v[0]; k &+= Int(keep[0])
            out[k] = v[1]; k &+= Int(keep[1])
            out[k] = v[2]; k &+= Int(keep[2])
            out[k] = v[3]; k &+= Int(keep[3])
            i &+= 4
        }
        while i < n {
            let v = SIMD4<Float>(repeating: x[i])
            out[k] = v[0]
            k &+= Int(SIMD4<Int32>().replacing(with: one, where: v .> tv)[0])
            i &+= 1
        }
        return k
    }

    /// A value `b` such that every candidate `v ≤ b` fails `sparsemax.py`'s support test in float32
    /// (`(j+1)·v > cumsum_j − 1` at any sorted position `j`), for the `count` (> 8) candidates of
    /// `sparsemax` (values in (−1, 0], the maximum 0 among them).
    ///
    /// `t = (Σ_S v − 1) / |S|` over a top set `S` (all values above some cut) is a lower bound of the
    /// exact threshold `τ` (Michelot's iteration, started at −1, takes `S = {v > t}` again, rising
    /// towards `τ`). A value `v ≤ τ − μ` at position `j` has `Σ_{i≤j} (v_i − v) ≥ 1 + μ` (over the exact
    /// support alone), while a true float32 test needs it below `1 + 2⁻¹⁷` (|v| < 1, ≤ 57·2 terms of
    /// 2⁻²⁴ relative error for inputs up to a few hundred values); `t` is computed in float with error
    /// below `count² · 2⁻²⁴`, so `b = t − 2⁻⁶` is safe for up to 256 candidates (above that, −1).
    /// - Precondition: `srt` holds `count` floats and 7 writable floats after them (overwritten).
    @inlinable
    static func candidateBound(_ srt: UnsafeMutablePointer<Float>, count k: Int) -> Float {
        // SAFETY: 4-wide loads up to index k + 3 (padding written first, precondition).
        guard k <= 256 else { return -1 }
        for j in k..<(k &+ 7) { srt[j] = -2 }
        var t: Float = -1
        for _ in 0..<2 {
            let tv = SIMD4<Float>(repeating: t)
            // Two accumulator pairs (even and odd blocks) halve the add chains; k + 3 < 2 · count floats.
            var sum0 = SIMD4<Float>(), sum1 = SIMD4<Float>(), count0 = SIMD4<Int32>(), count1 = SIMD4<Int32>()
            let one = SIMD4<Int32>(repeating: 1)
            var j = 0
            while j < k {
                let v0 = UnsafeRawPointer(srt + j).loadUnaligned(as: SIMD4<Float>.self)
                let v1 = UnsafeRawPointer(srt + (j &+ 4)).loadUnaligned(as: SIMD4<Float>.self)
                let above0 = v0 .> tv, above1 = v1 .> tv
                sum0 += v0.replacing(with: 0, where: .!above0)
                sum1 += v1.replacing(with: 0, where: .!above1)
                count0 &+= SIMD4<Int32>().replacing(with: one, where: above0)
                count1 &+= SIMD4<Int32>().replacing(with: one, where: above1)
                j &+= 8
            }
            let sum = sum0 + sum1
            let c = Float((count0 &+ count1).wrappedSum())
            let next = ((sum[0] + sum[1]) + (sum[2] + sum[3]) - 1) / c
            if !(next > t) { break }
            t = next
        }
        return max(t - 0x1p-6, -1)
    }

    /// The largest of `count` (≥ 1) values, 8 lanes at a time (vector compares and blends).
    @inlinable @inline(__always)
    static func maximum(_ z: UnsafePointer<Float>, count n: Int) -> Float {
        // SAFETY: 8-wide loads only for i + 8 <= n.
        var m = z[0]
        var i = 0
        if n >= 8 {
            var mv = UnsafeRawPointer(z).loadUnaligned(as: SIMD8<Float>.self)
            i = 8
            while i &+ 8 <= n {
                let v = UnsafeRawPointer(z + i).loadUnaligned(as: SIMD8<Float>.self)
                mv = mv.replacing(with: v, where: v .> mv)
                i &+= 8
            }
            m = mv[0]
            for l in 1..<8 where mv[l] > m { m = mv[l] }
        }
        while i < n {
            if z[i] > m { m = z[i] }
            i &+= 1
        }
        return m
    }

    /// `z[i] = max(z[i] − t, 0)` for `count` values, 8 lanes at a time.
    @inlinable @inline(__always)
    static func positivePart(_ z: UnsafeMutablePointer<Float>, count n: Int, minus t: Float) {
        // SAFETY: 8-wide accesses only for i + 8 <= n.
        let tv = SIMD8<Float>(repeating: t)
        var i = 0
        while i &+ 8 <= n {
            let p = UnsafeMutableRawPointer(z + i)
            let v = p.loadUnaligned(as: SIMD8<Float>.self) - tv
            p.storeBytes(of: v.replacing(with: 0, where: v .< 0), as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < n {
            let v = z[i] - t
            z[i] = v < 0 ? 0 : v
            i &+= 1
        }
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
        let m = maximum(z, count: n)
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
        // SAFETY: x and out hold n floats each (caller's contract) and do not overlap.
        out.update(from: x, count: n)
        sortDescendingInPlace(out, count: n)
    }
}
