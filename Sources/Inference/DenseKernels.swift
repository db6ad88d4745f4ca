#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIMD kernels of the inference hot path. All take raw pointers into preallocated buffers, never allocate,
/// never retain, never throw.
///
/// Vectors handed to `gemv` must be zero-padded to `paddedTo8(count)` floats (the arena guarantees it).
/// Multiplies and adds are separate operations (no fused multiply-add): the package builds for the
/// baseline x86-64 target, where a scalar `fma` call per lane would be far slower.
public enum DenseKernels {
    /// `y[r] = (accumulate ? y[r] : bias[r] or 0) + dot(w[r, 0..<colsPadded], x)` for `r` in `0..<rows`.
    ///
    /// `w` is row-major with row stride `colsPadded` (a multiple of 8), zero-padded past the real columns.
    /// Four rows run at once so each `x` chunk is loaded once per four dot products.
    /// - Complexity: rows × colsPadded multiply-adds.
    @inlinable
    public static func gemv(
        _ w: UnsafePointer<Float>, rows: Int, colsPadded: Int,
        _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, accumulate: Bool,
        into y: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: every load reads 8 floats at an offset c < colsPadded (a multiple of 8) of a row or of x,
        // both of which hold colsPadded floats; loadUnaligned makes no alignment assumption.
        let xr = UnsafeRawPointer(x)
        var r = 0
        while r + 4 <= rows {
            let w0 = UnsafeRawPointer(w + r * colsPadded)
            let w1 = UnsafeRawPointer(w + (r + 1) * colsPadded)
            let w2 = UnsafeRawPointer(w + (r + 2) * colsPadded)
            let w3 = UnsafeRawPointer(w + (r + 3) * colsPadded)
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var c = 0
            while c < colsPadded {
                let o = c &* 4
                let xv = xr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a0 += w0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * xv
                a1 += w1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * xv
                a2 += w2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * xv
                a3 += w3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * xv
                c &+= 8
            }
            if accumulate {
                y[r] += a0.sum(); y[r + 1] += a1.sum(); y[r + 2] += a2.sum(); y[r + 3] += a3.sum()
            } else if let bias {
                y[r] = bias[r] + a0.sum(); y[r + 1] = bias[r + 1] + a1.sum()
                y[r + 2] = bias[r + 2] + a2.sum(); y[r + 3] = bias[r + 3] + a3.sum()
            } else {
                y[r] = a0.sum(); y[r + 1] = a1.sum(); y[r + 2] = a2.sum(); y[r + 3] = a3.sum()
            }
            r &+= 4
        }
        while r < rows {
            let w0 = UnsafeRawPointer(w + r * colsPadded)
            var a0 = SIMD8<Float>()
            var c = 0
            while c < colsPadded {
                let o = c &* 4
                a0 += w0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * xr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                c &+= 8
            }
            if accumulate { y[r] += a0.sum() } else { y[r] = (bias?[r] ?? 0) + a0.sum() }
            r &+= 1
        }
    }

    /// In-place ReLU over `count` floats.
    @inlinable
    public static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = max(x[i], 0) }
    }

    /// In-place `tanh` over `count` floats.
    @inlinable
    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = tanhf(x[i]) }
    }

    /// The logistic function `1 / (1 + e^-x)`.
    @inlinable
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// Softmax of `count` logits into `probs` (may alias `logits`), max-subtracted like `torch.softmax`.
    @inlinable
    public static func softmax(_ logits: UnsafePointer<Float>, count: Int, into probs: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        var m = logits[0]
        for i in 1..<count { m = max(m, logits[i]) }
        var s: Float = 0
        for i in 0..<count {
            let e = expf(logits[i] - m)
            probs[i] = e
            s += e
        }
        for i in 0..<count { probs[i] /= s }
    }

    /// Index of the first largest of `count` values (ties go to the lowest index, like `torch.argmax`).
    @inlinable
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for i in 1..<max(count, 1) where x[i] > x[best] { best = i }
        return best
    }
}
