#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIMD kernels of the inference hot path. All take raw pointers into preallocated buffers, never allocate,
/// never retain, never throw.
///
/// Weights are packed at load "transposed in tiles of 8 outputs" (`packTiles`): tile `t`, input `i` holds
/// the 8 weights `W[8t ..< 8t + 8, i]` contiguously, inputs padded to a multiple of 8 with zero weights.
/// A matrix-vector product then broadcasts each input and multiply-adds one `SIMD8` per tile, with four
/// independent accumulators over the inputs and no horizontal sums. Input vectors must be zero-padded to
/// `paddedTo8(count)` floats (the arena guarantees it). Multiplies and adds are separate operations (no
/// fused multiply-add): the package builds for the baseline x86-64 target, where `fma` is a library call.
public enum DenseKernels {
    /// `(outputs, inputs)` row-major (PyTorch `Linear.weight`) → tiles of 8 outputs × `paddedTo8(inputs)`.
    static func packTiles(_ w: [Float], outputs: Int, inputs: Int) -> [Float] {
        let stride = paddedTo8(inputs)
        let tiles = (outputs + 7) / 8
        var out = [Float](repeating: 0, count: max(tiles * stride * 8, 8))
        for o in 0..<outputs {
            for i in 0..<inputs { out[((o / 8) * stride + i) * 8 + o % 8] = w[o * inputs + i] }
        }
        return out
    }

    /// Floats `packTiles` produces for a matrix.
    static func tiledCount(outputs: Int, inputs: Int) -> Int { max(((outputs + 7) / 8) * paddedTo8(inputs) * 8, 8) }

    /// `y[o] = (accumulate ? y[o] : bias[o] or 0) + Σ_taps Σ_i W_tap[o, i] · x_tap[i]` for `o < outputs`;
    /// with a `scale` (and a `bias`), `y[o] = (Σ …) · scale[o] + bias[o]` (an eval batch norm, fused).
    ///
    /// Tap `j` is the tiled matrix at `w + j · tapStride` and reads the row
    /// `rows + ((time − (taps − 1 − j) · dilation) & mask) · inputsPadded`; a row whose time is negative is
    /// skipped when `skipNegative` (the zero padding of a window), otherwise it wraps through `mask` (a
    /// ring whose rows before the first step are zero). A plain matrix-vector product is one tap with
    /// `time` 0 and `rows` the vector. Writes exactly `outputs` floats.
    /// - Complexity: taps × 8·⌈outputs/8⌉ × inputsPadded multiply-adds.
    @inlinable
    public static func gemvTiled(
        _ w: UnsafePointer<Float>, outputs: Int, inputsPadded: Int, taps: Int = 1, tapStride: Int = 0,
        rows: UnsafePointer<Float>, time: Int = 0, dilation: Int = 0, mask: Int = Int.max, skipNegative: Bool = false,
        bias: UnsafePointer<Float>?, scale: UnsafePointer<Float>? = nil, accumulate: Bool, into y: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: tile t of tap j spans inputsPadded·8 floats at w + j·tapStride + t·inputsPadded·8, inside the
        // packed matrix; x rows hold inputsPadded floats; 8-wide loads/stores of y and bias happen only for
        // full tiles (o + 8 <= outputs). loadUnaligned/storeBytes make no alignment assumption.
        let tileFloats = inputsPadded &* 8
        var o = 0
        var tile = 0
        while o < outputs {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            for j in 0..<taps {
                let s = time &- (taps &- 1 &- j) &* dilation
                if skipNegative && s < 0 { continue }
                let x = rows + (s & mask) &* inputsPadded
                let wt = UnsafeRawPointer(w + j &* tapStride + tile &* tileFloats)
                var i = 0
                while i < inputsPadded {
                    let b = i &* 32
                    a0 += wt.loadUnaligned(fromByteOffset: b, as: SIMD8<Float>.self) * SIMD8(repeating: x[i])
                    a1 += wt.loadUnaligned(fromByteOffset: b &+ 32, as: SIMD8<Float>.self) * SIMD8(repeating: x[i &+ 1])
                    a2 += wt.loadUnaligned(fromByteOffset: b &+ 64, as: SIMD8<Float>.self) * SIMD8(repeating: x[i &+ 2])
                    a3 += wt.loadUnaligned(fromByteOffset: b &+ 96, as: SIMD8<Float>.self) * SIMD8(repeating: x[i &+ 3])
                    i &+= 4
                }
            }
            let r = (a0 + a1) + (a2 + a3)
            if o &+ 8 <= outputs {
                let yr = UnsafeMutableRawPointer(y + o)
                if accumulate {
                    yr.storeBytes(of: yr.loadUnaligned(as: SIMD8<Float>.self) + r, as: SIMD8<Float>.self)
                } else if let scale, let bias {
                    let sc = UnsafeRawPointer(scale + o).loadUnaligned(as: SIMD8<Float>.self)
                    let b = UnsafeRawPointer(bias + o).loadUnaligned(as: SIMD8<Float>.self)
                    yr.storeBytes(of: r * sc + b, as: SIMD8<Float>.self)
                } else if let bias {
                    yr.storeBytes(of: UnsafeRawPointer(bias + o).loadUnaligned(as: SIMD8<Float>.self) + r, as: SIMD8<Float>.self)
                } else {
                    yr.storeBytes(of: r, as: SIMD8<Float>.self)
                }
            } else {
                for l in 0..<(outputs &- o) {
                    if !accumulate, let scale, let bias {
                        y[o &+ l] = r[l] * scale[o &+ l] + bias[o &+ l]
                    } else {
                        y[o &+ l] = (accumulate ? y[o &+ l] : (bias?[o &+ l] ?? 0)) + r[l]
                    }
                }
            }
            o &+= 8
            tile &+= 1
        }
    }

    /// In-place ReLU over `count` floats.
    @inlinable
    public static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = max(x[i], 0) }
    }

    /// `tanh` by the odd/even rational approximation Eigen and TensorFlow use for float (degree 13/6,
    /// inputs clamped to ±7.9053): within 3.5e-7 absolute (≤ 6 ulp) of the exact value, branch-free, 8 lanes.
    /// (Eigen returns `x` itself below 4e-4; the rational function is within 1.3e-7 relative there too.)
    /// The clamp is two mask selects (`replacing(with:where:)`), which lower to vector compares and
    /// blends; a per-lane `min`/`max` loop compiles to scalar compares and branches (13× slower here).
    @inlinable @inline(__always)
    public static func tanh(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let hi = SIMD8<Float>(repeating: 7.90531110763549805)
        let lo = SIMD8<Float>(repeating: -7.90531110763549805)
        let x = v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
        let x2 = x * x
        var p = x2 * SIMD8(repeating: -2.76076847742355e-16) + SIMD8(repeating: 2.00018790482477e-13)
        p = x2 * p + SIMD8(repeating: -8.60467152213735e-11)
        p = x2 * p + SIMD8(repeating: 5.12229709037114e-08)
        p = x2 * p + SIMD8(repeating: 1.48572235717979e-05)
        p = x2 * p + SIMD8(repeating: 6.37261928875436e-04)
        p = x2 * p + SIMD8(repeating: 4.89352455891786e-03)
        p = x * p
        var q = x2 * SIMD8(repeating: 1.19825839466702e-06) + SIMD8(repeating: 1.18534705686654e-04)
        q = x2 * q + SIMD8(repeating: 2.26843463243900e-03)
        q = x2 * q + SIMD8(repeating: 4.89352518554385e-03)
        return p / q
    }

    /// The logistic function `1 / (1 + e^−x) = 0.5 + 0.5 · tanh(x / 2)`, 8 lanes (within 2e-7 absolute).
    @inlinable @inline(__always)
    public static func sigmoid(_ v: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(repeating: 0.5) + SIMD8(repeating: 0.5) * tanh(v * SIMD8(repeating: 0.5))
    }

    /// In-place `tanh` over `count` floats (8 lanes at a time; the tail through the same approximation).
    @inlinable
    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        // SAFETY: 8-wide accesses only for i + 8 <= count.
        var i = 0
        while i &+ 8 <= count {
            let p = UnsafeMutableRawPointer(x + i)
            p.storeBytes(of: tanh(p.loadUnaligned(as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            x[i] = tanh(SIMD8(repeating: x[i]))[0]
            i &+= 1
        }
    }

    /// `h[i] = z[i] · σ(z[width + i])` (or `h[i] = (h[i] + z[i] · σ(z[width + i])) · scale` when `residual`)
    /// for `i < width`: the GLU of pytorch-tabnet, 8 lanes at a time.
    @inlinable
    public static func glu(_ z: UnsafePointer<Float>, width: Int, residual: Bool, scale: Float, into h: UnsafeMutablePointer<Float>) {
        // SAFETY: 8-wide accesses only for i + 8 <= width; z holds 2·width floats, h width floats.
        var i = 0
        while i &+ 8 <= width {
            let a = UnsafeRawPointer(z + i).loadUnaligned(as: SIMD8<Float>.self)
            let g = UnsafeRawPointer(z + (width &+ i)).loadUnaligned(as: SIMD8<Float>.self)
            let hp = UnsafeMutableRawPointer(h + i)
            var v = a * sigmoid(g)
            if residual { v = (hp.loadUnaligned(as: SIMD8<Float>.self) + v) * SIMD8(repeating: scale) }
            hp.storeBytes(of: v, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < width {
            let v = z[i] * sigmoid(SIMD8(repeating: z[width &+ i]))[0]
            h[i] = residual ? (h[i] + v) * scale : v
            i &+= 1
        }
    }

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
