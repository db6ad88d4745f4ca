/// Fused GLU-layer kernels of the TabNet hot path: the tiled matrix-vector product, the folded batch norm
/// and the gated linear unit (with its residual) in one pass per pair of output tiles, and a sparse-input
/// form for the masked input of a decision step.
///
/// Every kernel computes each output with exactly the operations and the operation order of
/// `gemvTiled` followed by `glu` (four accumulators over the inputs by index mod 4, summed as
/// `(a0 + a1) + (a2 + a3)`, then `z · scale + shift`, then `a · σ(g)`, then `(h + v) · √0.5`), so the
/// results are bit for bit those of the unfused path; only work that adds an exact zero is skipped.
/// They need `2 · width` outputs in whole tiles (`width` a multiple of 8): output tile `t` (the GLU's
/// values) pairs with tile `t + width / 8` (its gates).
extension DenseKernels {
    /// `(a0 + a1) + (a2 + a3)` over inputs `0 ..< count` of one packed tile (`count` a multiple of 4), the
    /// dot products `gemvTiled` accumulates for one tile and one tap, as the tile's two 4-lane halves.
    /// (Written on `SIMD4`, the SSE register width: the same lane operations, without the partial
    /// scalarisation LLVM applies to some `SIMD8` expressions on that target. A build for a CPU with
    /// 256-bit vectors, `HFT_WIDE_VECTORS` (Package.swift), runs each pair of halves as one `SIMD8`:
    /// the same operations on the same lanes, so the same floats, in half the instructions.)
    /// - Precondition: `wt` is a tile of `count` or more inputs × 8 outputs; `x` holds `count` floats.
    @inlinable @inline(__always)
    static func dotTile(_ wt: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> (SIMD4<Float>, SIMD4<Float>) {
        #if HFT_WIDE_VECTORS
        // SAFETY: the caller's contract above; 32-byte loads at byte offsets < count · 32.
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        while i < count {
            let b = i &* 32
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self)
            a0 += wt.loadUnaligned(fromByteOffset: b, as: SIMD8<Float>.self) * SIMD8(repeating: xv[0])
            a1 += wt.loadUnaligned(fromByteOffset: b &+ 32, as: SIMD8<Float>.self) * SIMD8(repeating: xv[1])
            a2 += wt.loadUnaligned(fromByteOffset: b &+ 64, as: SIMD8<Float>.self) * SIMD8(repeating: xv[2])
            a3 += wt.loadUnaligned(fromByteOffset: b &+ 96, as: SIMD8<Float>.self) * SIMD8(repeating: xv[3])
            i &+= 4
        }
        let r = (a0 + a1) + (a2 + a3)
        return (r.lowHalf, r.highHalf)
        #else
        // SAFETY: the caller's contract above; 16-byte loads at byte offsets < count · 32.
        var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
        var b0 = SIMD4<Float>(), b1 = SIMD4<Float>(), b2 = SIMD4<Float>(), b3 = SIMD4<Float>()
        var i = 0
        while i < count {
            let b = i &* 32
            // One 4-float load, then lane broadcasts (one shuffle each, not a load and a shuffle).
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self)
            let x0 = SIMD4<Float>(repeating: xv[0]), x1 = SIMD4<Float>(repeating: xv[1])
            let x2 = SIMD4<Float>(repeating: xv[2]), x3 = SIMD4<Float>(repeating: xv[3])
            a0 += wt.loadUnaligned(fromByteOffset: b, as: SIMD4<Float>.self) * x0
            b0 += wt.loadUnaligned(fromByteOffset: b &+ 16, as: SIMD4<Float>.self) * x0
            a1 += wt.loadUnaligned(fromByteOffset: b &+ 32, as: SIMD4<Float>.self) * x1
            b1 += wt.loadUnaligned(fromByteOffset: b &+ 48, as: SIMD4<Float>.self) * x1
            a2 += wt.loadUnaligned(fromByteOffset: b &+ 64, as: SIMD4<Float>.self) * x2
            b2 += wt.loadUnaligned(fromByteOffset: b &+ 80, as: SIMD4<Float>.self) * x2
            a3 += wt.loadUnaligned(fromByteOffset: b &+ 96, as: SIMD4<Float>.self) * x3
            b3 += wt.loadUnaligned(fromByteOffset: b &+ 112, as: SIMD4<Float>.self) * x3
            i &+= 4
        }
        return ((a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3))
        #endif
    }

    /// `tanh` of `DenseKernels.tanh(_: SIMD8<Float>)` on 4 lanes: the same operations lane by lane, so the
    /// same floats.
    @inlinable @inline(__always)
    public static func tanh4(_ v: SIMD4<Float>) -> SIMD4<Float> {
        let hi = SIMD4<Float>(repeating: 7.90531110763549805)
        let lo = SIMD4<Float>(repeating: -7.90531110763549805)
        // The second select tests the first's result, not `v` (the same lanes: above `hi` only when `v`
        // is, NaN stays NaN), so it lowers to one `minps`.
        let t = v.replacing(with: lo, where: v .< lo)
        let x = t.replacing(with: hi, where: t .> hi)
        let x2 = x * x
        var p = x2 * SIMD4(repeating: -2.76076847742355e-16) + SIMD4(repeating: 2.00018790482477e-13)
        p = x2 * p + SIMD4(repeating: -8.60467152213735e-11)
        p = x2 * p + SIMD4(repeating: 5.12229709037114e-08)
        p = x2 * p + SIMD4(repeating: 1.48572235717979e-05)
        p = x2 * p + SIMD4(repeating: 6.37261928875436e-04)
        p = x2 * p + SIMD4(repeating: 4.89352455891786e-03)
        p = x * p
        var q = x2 * SIMD4(repeating: 1.19825839466702e-06) + SIMD4(repeating: 1.18534705686654e-04)
        q = x2 * q + SIMD4(repeating: 2.26843463243900e-03)
        q = x2 * q + SIMD4(repeating: 4.89352518554385e-03)
        return p / q
    }

    /// `sigmoid` on 4 lanes, the same floats as `DenseKernels.sigmoid(_: SIMD8<Float>)`.
    @inlinable @inline(__always)
    public static func sigmoid4(_ v: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(repeating: 0.5) + SIMD4(repeating: 0.5) * tanh4(v * SIMD4(repeating: 0.5))
    }

    /// One TabNet GLU layer on a dense input: for each value tile `t` in `pairs`,
    /// `h[8t ..< 8t + 8] = glu(BN(W x))` (plus the √0.5 residual of `x` itself when `residual`).
    ///
    /// Only inputs `0 ..< inputsUsed` are read (rounded up to 4; the zero padding after them adds exact
    /// zeros). `h` must not alias `x`: every tile reads all of `x`, and the residual reads `x` too.
    /// - Precondition: `width` a multiple of 8; `w` packed by `packTiles` for `2 · width` outputs and
    ///   `inputsPadded` inputs; `x` zero-padded to `inputsPadded`; `pairs` within `0 ..< width / 8`;
    ///   when `residual`, `x` holds `width` floats.
    /// - Complexity: 2 · 8 · |pairs| × ⌈inputsUsed/4⌉·4 multiply-adds and 8 · |pairs| sigmoids.
    @inlinable
    public static func gluTiled(
        _ w: UnsafePointer<Float>, width: Int, inputsPadded: Int, inputsUsed: Int, x: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, residual: Bool, residualScale: Float,
        pairs: Range<Int>, into h: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: tile t spans inputsPadded·8 floats at w + t·inputsPadded·8, t < 2·width/8 (gluTiled's
        // precondition); count <= inputsPadded.
        let count = (inputsUsed &+ 3) & ~3
        var t = pairs.lowerBound
        // Two pairs at a time, each combination a straight-line body (no branch between the arithmetic
        // and its stores, see `gluStore`).
        if residual {
            while t &+ 2 <= pairs.upperBound {
                gluTwoPairs(w, t, width: width, inputsPadded: inputsPadded, count: count, x: x, scale: scale, shift: shift,
                            residual: true, residualScale: residualScale, into: h)
                t &+= 2
            }
            if t < pairs.upperBound {
                gluOnePair(w, t, width: width, inputsPadded: inputsPadded, count: count, x: x, scale: scale, shift: shift,
                           residual: true, residualScale: residualScale, into: h)
            }
        } else {
            while t &+ 2 <= pairs.upperBound {
                gluTwoPairs(w, t, width: width, inputsPadded: inputsPadded, count: count, x: x, scale: scale, shift: shift,
                            residual: false, residualScale: residualScale, into: h)
                t &+= 2
            }
            if t < pairs.upperBound {
                gluOnePair(w, t, width: width, inputsPadded: inputsPadded, count: count, x: x, scale: scale, shift: shift,
                           residual: false, residualScale: residualScale, into: h)
            }
        }
    }

    /// `σ(r · scale + shift)` of a gate tile's two halves (outputs `width + o ..< width + o + 8`).
    @inlinable @inline(__always)
    static func gateSigmoids(_ rg: (SIMD4<Float>, SIMD4<Float>), at o: Int, width: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>) -> (SIMD4<Float>, SIMD4<Float>) {
        // SAFETY: scale/shift hold 2·width floats; o + 8 <= width.
        let g = width &+ o
        #if HFT_WIDE_VECTORS
        // One SIMD8 `sigmoid`: the same floats as two `sigmoid4` (see `tanh4`).
        let sc = UnsafeRawPointer(scale + g).loadUnaligned(as: SIMD8<Float>.self), sh = UnsafeRawPointer(shift + g).loadUnaligned(as: SIMD8<Float>.self)
        let s = sigmoid(SIMD8(lowHalf: rg.0, highHalf: rg.1) * sc + sh)
        return (s.lowHalf, s.highHalf)
        #else
        let s0 = UnsafeRawPointer(scale + g).loadUnaligned(as: SIMD4<Float>.self), b0 = UnsafeRawPointer(shift + g).loadUnaligned(as: SIMD4<Float>.self)
        let s1 = UnsafeRawPointer(scale + (g &+ 4)).loadUnaligned(as: SIMD4<Float>.self), b1 = UnsafeRawPointer(shift + (g &+ 4)).loadUnaligned(as: SIMD4<Float>.self)
        return (sigmoid4(rg.0 * s0 + b0), sigmoid4(rg.1 * s1 + b1))
        #endif
    }

    /// `h = (r · scale + shift) · σ` for a value tile's two halves at `o`, then the residual when `residual`.
    ///
    /// `residual` must be a literal at the call (it is, through `gluTwoPairs`/`gluOnePair`): a run-time
    /// branch between the SIMD arithmetic and its stores makes LLVM's SLP vectorizer re-vectorize
    /// Swift's per-lane SIMD operations only partly (half the lanes in scalar code, measured).
    @inlinable @inline(__always)
    static func gluStore(
        _ ra: (SIMD4<Float>, SIMD4<Float>), _ sg: (SIMD4<Float>, SIMD4<Float>), at o: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        residual: Bool, x: UnsafePointer<Float>, residualScale: Float, into h: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: scale/shift hold 2·width floats, x (when residual) and h width floats; o + 8 <= width.
        #if HFT_WIDE_VECTORS
        // Both halves as one SIMD8: the same lane operations.
        let sc = UnsafeRawPointer(scale + o).loadUnaligned(as: SIMD8<Float>.self), sh = UnsafeRawPointer(shift + o).loadUnaligned(as: SIMD8<Float>.self)
        let v = (SIMD8(lowHalf: ra.0, highHalf: ra.1) * sc + sh) * SIMD8(lowHalf: sg.0, highHalf: sg.1)
        if residual {
            let xr = UnsafeRawPointer(x + o).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(h + o).storeBytes(of: (xr + v) * SIMD8(repeating: residualScale), as: SIMD8<Float>.self)
        } else {
            UnsafeMutableRawPointer(h + o).storeBytes(of: v, as: SIMD8<Float>.self)
        }
        #else
        let s0 = UnsafeRawPointer(scale + o).loadUnaligned(as: SIMD4<Float>.self), b0 = UnsafeRawPointer(shift + o).loadUnaligned(as: SIMD4<Float>.self)
        let s1 = UnsafeRawPointer(scale + (o &+ 4)).loadUnaligned(as: SIMD4<Float>.self), b1 = UnsafeRawPointer(shift + (o &+ 4)).loadUnaligned(as: SIMD4<Float>.self)
        let v0 = (ra.0 * s0 + b0) * sg.0, v1 = (ra.1 * s1 + b1) * sg.1
        let hp = UnsafeMutableRawPointer(h + o)
        if residual {
            let rs = SIMD4<Float>(repeating: residualScale)
            let xr = UnsafeRawPointer(x + o)
            hp.storeBytes(of: (xr.loadUnaligned(as: SIMD4<Float>.self) + v0) * rs, as: SIMD4<Float>.self)
            hp.storeBytes(of: (xr.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self) + v1) * rs, toByteOffset: 16, as: SIMD4<Float>.self)
        } else {
            hp.storeBytes(of: v0, as: SIMD4<Float>.self)
            hp.storeBytes(of: v1, toByteOffset: 16, as: SIMD4<Float>.self)
        }
        #endif
    }

    /// Pairs `t` and `t + 1`: both gate tiles' products and sigmoids first (the long dependency chains
    /// start as early as possible), then the value tiles, then the products and stores.
    /// `residual` is a literal at every call, so its branch folds away.
    @inlinable @inline(__always)
    static func gluTwoPairs(
        _ w: UnsafePointer<Float>, _ t: Int, width: Int, inputsPadded: Int, count: Int, x: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, residual: Bool, residualScale: Float, into h: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: tiles t, t + 1 and their gate tiles exist (caller); each spans inputsPadded·8 floats.
        let tileFloats = inputsPadded &* 8, gateTiles = width &>> 3
        let s0 = gateSigmoids(dotTile(UnsafeRawPointer(w + (t &+ gateTiles) &* tileFloats), x, count: count), at: t &* 8, width: width, scale: scale, shift: shift)
        let s1 = gateSigmoids(dotTile(UnsafeRawPointer(w + (t &+ 1 &+ gateTiles) &* tileFloats), x, count: count), at: t &* 8 &+ 8, width: width, scale: scale, shift: shift)
        let a0 = dotTile(UnsafeRawPointer(w + t &* tileFloats), x, count: count)
        let a1 = dotTile(UnsafeRawPointer(w + (t &+ 1) &* tileFloats), x, count: count)
        gluStore(a0, s0, at: t &* 8, scale: scale, shift: shift, residual: residual, x: x, residualScale: residualScale, into: h)
        gluStore(a1, s1, at: t &* 8 &+ 8, scale: scale, shift: shift, residual: residual, x: x, residualScale: residualScale, into: h)
    }

    /// Pair `t` alone, gate first (see `gluTwoPairs`).
    @inlinable @inline(__always)
    static func gluOnePair(
        _ w: UnsafePointer<Float>, _ t: Int, width: Int, inputsPadded: Int, count: Int, x: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, residual: Bool, residualScale: Float, into h: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: tile t and its gate tile exist (caller); each spans inputsPadded·8 floats.
        let tileFloats = inputsPadded &* 8, gateTiles = width &>> 3
        let s0 = gateSigmoids(dotTile(UnsafeRawPointer(w + (t &+ gateTiles) &* tileFloats), x, count: count), at: t &* 8, width: width, scale: scale, shift: shift)
        let a0 = dotTile(UnsafeRawPointer(w + t &* tileFloats), x, count: count)
        gluStore(a0, s0, at: t &* 8, scale: scale, shift: shift, residual: residual, x: x, residualScale: residualScale, into: h)
    }

    /// The first GLU layer of a TabNet decision step on its masked input `M · x`, given only the inputs
    /// that can be non-zero: entries `(indices[k], values[k])`, indices strictly increasing. Each term
    /// goes to the accumulator the dense kernel gives its input (index mod 4), in the dense order, so
    /// leaving out inputs whose value is ±0 changes no partial sum (with finite weights every left-out
    /// term is ±0, and an accumulator that starts at +0 never becomes −0), and the outputs equal
    /// `gluTiled`'s on the dense masked vector bit for bit. Never residual (a block's first layer).
    /// - Parameter partials: scratch of `4 · 2 · width` floats (one accumulator per class and tile).
    /// - Precondition: as `gluTiled`; `indices[k] < inputsPadded`.
    /// - Complexity: `count` × 2 · width multiply-adds, plus 8 · |pairs| sigmoids.
    @inlinable
    public static func gluTiledSparse(
        _ w: UnsafePointer<Float>, width: Int, inputsPadded: Int, indices: UnsafePointer<Int32>, values: UnsafePointer<Float>,
        count: Int, partials: UnsafeMutablePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        pairs: Range<Int>, into h: UnsafeMutablePointer<Float>
    ) {
        // A literal tile count (n_d + n_a = 16: 4 tiles) unrolls the per-entry loop over tiles.
        if width == 16 {
            gluTiledSparseBody(w, tiles: 4, inputsPadded: inputsPadded, indices: indices, values: values, count: count, partials: partials)
        } else {
            gluTiledSparseBody(w, tiles: width &>> 2, inputsPadded: inputsPadded, indices: indices, values: values, count: count, partials: partials)
        }
        // SAFETY: partials holds 4·tiles tiles of 8 floats, class c's tile t at (c·tiles + t)·8.
        let tiles = width &>> 2, gateTiles = width &>> 3
        let p = UnsafeRawPointer(partials), classBytes = tiles &* 32
        /// `(a0 + a1) + (a2 + a3)` of tile `t`, both halves.
        @inline(__always) func reduced(_ t: Int) -> (SIMD4<Float>, SIMD4<Float>) {
            @inline(__always) func half(_ a: Int) -> SIMD4<Float> {
                (p.loadUnaligned(fromByteOffset: a, as: SIMD4<Float>.self) + p.loadUnaligned(fromByteOffset: a &+ classBytes, as: SIMD4<Float>.self))
                    + (p.loadUnaligned(fromByteOffset: a &+ 2 &* classBytes, as: SIMD4<Float>.self) + p.loadUnaligned(fromByteOffset: a &+ 3 &* classBytes, as: SIMD4<Float>.self))
            }
            return (half(t &* 32), half(t &* 32 &+ 16))
        }
        // Gates first, as in `gluTwoPairs`.
        var t = pairs.lowerBound
        while t &+ 2 <= pairs.upperBound {
            let s0 = gateSigmoids(reduced(t &+ gateTiles), at: t &* 8, width: width, scale: scale, shift: shift)
            let s1 = gateSigmoids(reduced(t &+ 1 &+ gateTiles), at: t &* 8 &+ 8, width: width, scale: scale, shift: shift)
            gluStore(reduced(t), s0, at: t &* 8, scale: scale, shift: shift, residual: false, x: UnsafePointer(h), residualScale: 1, into: h)
            gluStore(reduced(t &+ 1), s1, at: t &* 8 &+ 8, scale: scale, shift: shift, residual: false, x: UnsafePointer(h), residualScale: 1, into: h)
            t &+= 2
        }
        if t < pairs.upperBound {
            let s0 = gateSigmoids(reduced(t &+ gateTiles), at: t &* 8, width: width, scale: scale, shift: shift)
            gluStore(reduced(t), s0, at: t &* 8, scale: scale, shift: shift, residual: false, x: UnsafePointer(h), residualScale: 1, into: h)
        }
    }

    /// Zeroes the `4 · tiles` accumulators, then adds each entry's term to its class's accumulators.
    @inlinable @inline(__always)
    static func gluTiledSparseBody(
        _ w: UnsafePointer<Float>, tiles: Int, inputsPadded: Int, indices: UnsafePointer<Int32>, values: UnsafePointer<Float>,
        count: Int, partials: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: partials holds 4·tiles·8 floats; entry k reads 8 floats of tile t at
        // (t·inputsPadded + indices[k])·8 < tiles·inputsPadded·8, inside the packed matrix.
        let p = UnsafeMutableRawPointer(partials)
        let tileBytes = inputsPadded &* 32, classBytes = tiles &* 32
        let wr = UnsafeRawPointer(w)
        #if HFT_WIDE_VECTORS
        // Each tile's two halves as one SIMD8 (see `dotTile`).
        for j in 0..<(4 &* tiles) { p.storeBytes(of: SIMD8<Float>(), toByteOffset: j &* 32, as: SIMD8<Float>.self) }
        for k in 0..<count {
            let i = Int(indices[k])
            let v = SIMD8<Float>(repeating: values[k])
            let acc = p + (i & 3) &* classBytes
            let wi = wr + i &* 32
            for t in 0..<tiles {
                let o = t &* 32
                acc.storeBytes(of: acc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    + wi.loadUnaligned(fromByteOffset: t &* tileBytes, as: SIMD8<Float>.self) * v, toByteOffset: o, as: SIMD8<Float>.self)
            }
        }
        #else
        for j in 0..<(8 &* tiles) { p.storeBytes(of: SIMD4<Float>(), toByteOffset: j &* 16, as: SIMD4<Float>.self) }
        for k in 0..<count {
            let i = Int(indices[k])
            let v = SIMD4<Float>(repeating: values[k])
            let acc = p + (i & 3) &* classBytes
            let wi = wr + i &* 32
            for t in 0..<tiles {
                let o = t &* 32, wo = t &* tileBytes
                let lo = acc.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) + wi.loadUnaligned(fromByteOffset: wo, as: SIMD4<Float>.self) * v
                let hi = acc.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD4<Float>.self) + wi.loadUnaligned(fromByteOffset: wo &+ 16, as: SIMD4<Float>.self) * v
                acc.storeBytes(of: lo, toByteOffset: o, as: SIMD4<Float>.self)
                acc.storeBytes(of: hi, toByteOffset: o &+ 16, as: SIMD4<Float>.self)
            }
        }
        #endif
    }

    /// The attentive transformer's `fc` + batch norm times the prior:
    /// `y[o] = ((W x)[o] · scale[o] + shift[o]) · prior[o]` for whole tiles of 8 outputs
    /// (`8 · ⌈outputs/8⌉` floats written; `scale`, `shift` and `prior` padded as far, with zeros).
    /// - Precondition: `w` packed by `packTiles` for `outputs` × `inputsPadded`; `x` zero-padded.
    /// - Complexity: 8·⌈outputs/8⌉ × inputsPadded multiply-adds.
    @inlinable
    public static func gemvTiledScaledTimes(
        _ w: UnsafePointer<Float>, outputs: Int, inputsPadded: Int, x: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, times prior: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        // SAFETY: tile t spans inputsPadded·8 floats at w + t·inputsPadded·8; y, scale, shift and prior hold
        // 8·⌈outputs/8⌉ floats (precondition).
        let tileFloats = inputsPadded &* 8
        #if HFT_WIDE_VECTORS
        if inputsPadded == 8 {
            // n_a = 8, a whole tile per step (see `dotTile`): the same lane operations as below.
            let x0 = SIMD8<Float>(repeating: x[0]), x1 = SIMD8<Float>(repeating: x[1]), x2 = SIMD8<Float>(repeating: x[2])
            let x3 = SIMD8<Float>(repeating: x[3]), x4 = SIMD8<Float>(repeating: x[4]), x5 = SIMD8<Float>(repeating: x[5])
            let x6 = SIMD8<Float>(repeating: x[6]), x7 = SIMD8<Float>(repeating: x[7])
            let wr = UnsafeRawPointer(w)
            var q = 0
            let end = (outputs &+ 7) & ~7
            while q < end {
                let b = (q &>> 3) &* 256
                // Accumulators start at +0 as below (+0 + −0 is +0: a product of −0 must not survive as −0).
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                a0 += wr.loadUnaligned(fromByteOffset: b, as: SIMD8<Float>.self) * x0
                a1 += wr.loadUnaligned(fromByteOffset: b &+ 32, as: SIMD8<Float>.self) * x1
                a2 += wr.loadUnaligned(fromByteOffset: b &+ 64, as: SIMD8<Float>.self) * x2
                a3 += wr.loadUnaligned(fromByteOffset: b &+ 96, as: SIMD8<Float>.self) * x3
                a0 += wr.loadUnaligned(fromByteOffset: b &+ 128, as: SIMD8<Float>.self) * x4
                a1 += wr.loadUnaligned(fromByteOffset: b &+ 160, as: SIMD8<Float>.self) * x5
                a2 += wr.loadUnaligned(fromByteOffset: b &+ 192, as: SIMD8<Float>.self) * x6
                a3 += wr.loadUnaligned(fromByteOffset: b &+ 224, as: SIMD8<Float>.self) * x7
                let r = (a0 + a1) + (a2 + a3)
                let sc = UnsafeRawPointer(scale + q).loadUnaligned(as: SIMD8<Float>.self)
                let sh = UnsafeRawPointer(shift + q).loadUnaligned(as: SIMD8<Float>.self)
                let pr = UnsafeRawPointer(prior + q).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(y + q).storeBytes(of: (r * sc + sh) * pr, as: SIMD8<Float>.self)
                q &+= 8
            }
            return
        }
        #endif
        if inputsPadded == 8 {
            // n_a = 8: the 8 broadcast inputs stay in registers across all tiles (one half-tile at a time:
            // 4 accumulators + 8 broadcasts fit the 16 XMM registers).
            let x0 = SIMD4<Float>(repeating: x[0]), x1 = SIMD4<Float>(repeating: x[1]), x2 = SIMD4<Float>(repeating: x[2])
            let x3 = SIMD4<Float>(repeating: x[3]), x4 = SIMD4<Float>(repeating: x[4]), x5 = SIMD4<Float>(repeating: x[5])
            let x6 = SIMD4<Float>(repeating: x[6]), x7 = SIMD4<Float>(repeating: x[7])
            let wr = UnsafeRawPointer(w)
            var q = 0
            let end = (outputs &+ 7) & ~7
            while q < end {
                // Half-tile q/4: tile q/8, byte offset of input i is (q/8)·256 + i·32 + (q%8)·4.
                let b = (q &>> 3) &* 256 &+ (q & 4) &* 4
                var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
                a0 += wr.loadUnaligned(fromByteOffset: b, as: SIMD4<Float>.self) * x0
                a1 += wr.loadUnaligned(fromByteOffset: b &+ 32, as: SIMD4<Float>.self) * x1
                a2 += wr.loadUnaligned(fromByteOffset: b &+ 64, as: SIMD4<Float>.self) * x2
                a3 += wr.loadUnaligned(fromByteOffset: b &+ 96, as: SIMD4<Float>.self) * x3
                a0 += wr.loadUnaligned(fromByteOffset: b &+ 128, as: SIMD4<Float>.self) * x4
                a1 += wr.loadUnaligned(fromByteOffset: b &+ 160, as: SIMD4<Float>.self) * x5
                a2 += wr.loadUnaligned(fromByteOffset: b &+ 192, as: SIMD4<Float>.self) * x6
                a3 += wr.loadUnaligned(fromByteOffset: b &+ 224, as: SIMD4<Float>.self) * x7
                let r = (a0 + a1) + (a2 + a3)
                let sc = UnsafeRawPointer(scale + q).loadUnaligned(as: SIMD4<Float>.self)
                let sh = UnsafeRawPointer(shift + q).loadUnaligned(as: SIMD4<Float>.self)
                let pr = UnsafeRawPointer(prior + q).loadUnaligned(as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(y + q).storeBytes(of: (r * sc + sh) * pr, as: SIMD4<Float>.self)
                q &+= 4
            }
            return
        }
        var o = 0
        while o < outputs {
            let r = dotTile(UnsafeRawPointer(w + (o &>> 3) &* tileFloats), x, count: inputsPadded)
            for half in 0..<2 {
                let q = o &+ half &* 4
                let sc = UnsafeRawPointer(scale + q).loadUnaligned(as: SIMD4<Float>.self)
                let b = UnsafeRawPointer(shift + q).loadUnaligned(as: SIMD4<Float>.self)
                let pr = UnsafeRawPointer(prior + q).loadUnaligned(as: SIMD4<Float>.self)
                UnsafeMutableRawPointer(y + q).storeBytes(of: ((half == 0 ? r.0 : r.1) * sc + b) * pr, as: SIMD4<Float>.self)
            }
            o &+= 8
        }
    }
}
