/// A pytorch-tabnet `TabNetClassifier` or `TabNetRegressor` network in eval mode, loaded from its `state_dict`.
/// The network's raw head is the output (class logits, or the regression values when `output_dim` is 1);
/// no softmax or argmax is applied here.
///
/// Forward (batch 1), as `TabNet.forward` and `TabNetEncoder.forward_masks` compute it: initial batch norm
/// (`tabnet.encoder.initial_bn`; the unused `tabnet.initial_bn` is ignored), the initial splitter, then for
/// each step an attentive transformer (`fc` → ghost BN = BN with running statistics → × prior → sparsemax
/// or entmax-1.5), `prior ← (γ − M) · prior`, the feature transformer on `M · x` (shared GLU block, then the
/// step's own GLU block, √0.5 residual scaling), `ReLU` of the first `n_d` outputs summed over steps, and
/// `final_mapping`. The masks returned are `M` per step (`forward_masks`' `masks`, the explanation).
///
/// The shared GLU weights are saved under 2 × (n_steps + 1) names (`shared.shared_layers.i` and
/// `shared.glu_layers.i.fc` in every feature transformer); any one of them is accepted.
/// Only continuous features (no `cat_idxs`) and the identity attention group matrix are supported.
@frozen
public struct TabNetModel: ~Copyable {
    public let params: TabNetParams
    @usableFromInline let arena: UnsafeFloatArena
    @usableFromInline let layers: UnsafeMutablePointer<TabNetGLULayer>
    /// GLU layers per feature transformer (the initial splitter is transformer 0, step `s` is `s + 1`).
    @usableFromInline let layersPerTransformer: Int
    @usableFromInline let attention: UnsafeMutablePointer<PackedLinear>
    @usableFromInline let finalMapping: PackedLinear
    @usableFromInline let bnScale: UnsafeMutablePointer<Float>
    @usableFromInline let bnShift: UnsafeMutablePointer<Float>
    @usableFromInline let normalizer: PackedNormalizer?
    @usableFromInline let xbn, masked, z, h, att, prior, m, scratch, acc, maskStore: UnsafeMutablePointer<Float>
    /// The fused path's second activation buffer (GLU layers alternate between `h` and `h2`), the masked
    /// input's possibly non-zero values and the sparse kernel's per-class accumulators.
    @usableFromInline let h2, supportValues, partials: UnsafeMutablePointer<Float>
    /// Indices of `supportValues` (increasing), `inputCount` of them at most.
    @usableFromInline let supportIndices: UnsafeMutablePointer<Int32>
    @usableFromInline let inputDim, outputDim, nD, nA, steps: Int
    @usableFromInline let gamma: Float
    @usableFromInline let entmax: Bool
    /// `n_d + n_a` is a multiple of 8: GLU layers run the fused kernels (`DenseKernels.gluTiled`), the
    /// steps' first layers on the mask's support; otherwise `predictUnfused`.
    @usableFromInline let fused: Bool

    /// Input features.
    public var inputCount: Int { inputDim }
    /// Head width: class logits, or regression outputs.
    public var outputCount: Int { outputDim }
    /// Decision steps (rows of the masks).
    public var stepCount: Int { steps }

    /// Loads a bundle holding a TabNet.
    public init(bundle: ModelBundle) throws {
        guard bundle.config.arch == .tabnet else { throw ModelLoadError.archMismatch(expected: "tabnet", actual: bundle.config.arch.rawValue) }
        let params = try bundle.config.decodeParams(TabNetParams.self)
        try bundle.checkFeatureCount(params.inputDim)
        try self.init(params: params, weights: bundle.weights, normalization: bundle.config.normalization)
    }

    /// Builds the network from a `TabNetClassifier.network` or `TabNetRegressor.network` state_dict (prefix `tabnet.`; a bare
    /// `TabNetNoEmbeddings` state_dict without it is accepted too).
    public init(params: TabNetParams, weights f: SafeTensorsFile, normalization: InputNormalizer? = nil) throws {
        let maskType = try params.validate()
        if let normalization { try normalization.validate(count: params.inputDim) }
        let p = ["tabnet.", "", "network.tabnet."].first { f.contains(anyOf: ["\($0)encoder.initial_bn.running_mean"]) } ?? "tabnet."
        let e = "\(p)encoder."
        let n = params.inputDim, w = params.nD + params.nA
        var layout = UnsafeFloatArenaLayout()

        /// Eval batch norm as PyTorch's CPU kernel computes it, in float: `alpha = w / sqrt(var + eps)`,
        /// `beta = b − mean · alpha`, `y = x · alpha + beta`.
        func batchNorm(_ name: String, _ c: Int) throws -> (scale: [Float], shift: [Float]) {
            let g = try f.floats(["\(name).weight"], shape: [c])
            let b = try f.floats(["\(name).bias"], shape: [c])
            let mean = try f.floats(["\(name).running_mean"], shape: [c])
            let v = try f.floats(["\(name).running_var"], shape: [c])
            var scale = [Float](repeating: 0, count: c), shift = scale
            for i in 0..<c {
                let invstd = 1 / (v[i] + Float(1e-5)).squareRoot()
                scale[i] = invstd * g[i]
                shift[i] = b[i] - mean[i] * scale[i]
            }
            return (scale, shift)
        }
        /// fc (no bias) followed by a BN: the BN's alpha/beta applied after the dot product.
        func normalizedLinear(_ weight: [Float], outputs: Int, inputs: Int, bn: String) throws -> PackedLinearPlan {
            let (scale, shift) = try batchNorm(bn, outputs)
            return PackedLinearPlan(weight: weight, bias: shift, scale: scale, outputs: outputs, inputs: inputs, layout: &layout)
        }

        let transformers = ["initial_splitter"] + (0..<params.nSteps).map { "feat_transformers.\($0)" }
        var shared: [[Float]] = []
        for i in 0..<params.nShared {
            let aliases = transformers.flatMap { ["\(e)\($0).shared.shared_layers.\(i).weight", "\(e)\($0).shared.glu_layers.\(i).fc.weight"] }
            shared.append(try f.floats(aliases, shape: [2 * w, i == 0 ? n : w]))
        }
        var glu: [(PackedLinearPlan, Bool)] = []
        for t in transformers {
            for i in 0..<params.nShared {
                glu.append((try normalizedLinear(shared[i], outputs: 2 * w, inputs: i == 0 ? n : w, bn: "\(e)\(t).shared.glu_layers.\(i).bn.bn"), i > 0))
            }
            for i in 0..<params.nIndependent {
                let first = params.nShared == 0 && i == 0
                let inputs = first ? n : w
                let wi = try f.floats(["\(e)\(t).specifics.glu_layers.\(i).fc.weight"], shape: [2 * w, inputs])
                glu.append((try normalizedLinear(wi, outputs: 2 * w, inputs: inputs, bn: "\(e)\(t).specifics.glu_layers.\(i).bn.bn"), !first))
            }
        }
        var att: [PackedLinearPlan] = []
        for s in 0..<params.nSteps {
            let wa = try f.floats(["\(e)att_transformers.\(s).fc.weight"], shape: [n, params.nA])
            att.append(try normalizedLinear(wa, outputs: n, inputs: params.nA, bn: "\(e)att_transformers.\(s).bn.bn"))
        }
        let fm = try f.floats(["\(p)final_mapping.weight"], shape: [params.outputDim, params.nD])
        let finalPlan = PackedLinearPlan(weight: fm, bias: nil, outputs: params.outputDim, inputs: params.nD, layout: &layout)
        let (s0, h0) = try batchNorm("\(e)initial_bn", n)
        let bnScaleOff = layout.constant(s0), bnShiftOff = layout.constant(h0)
        let np = paddedTo8(n)
        let offs = (xbn: layout.reserve(np), masked: layout.reserve(np), z: layout.reserve(paddedTo8(2 * w)),
                    h: layout.reserve(paddedTo8(w)), att: layout.reserve(paddedTo8(params.nA)), prior: layout.reserve(np),
                    m: layout.reserve(np), scratch: layout.reserve(2 * n), acc: layout.reserve(paddedTo8(params.nD)),
                    masks: layout.reserve(params.nSteps * n), h2: layout.reserve(paddedTo8(w)), values: layout.reserve(n),
                    partials: layout.reserve(4 * 2 * paddedTo8(w)))

        let arena = UnsafeFloatArena(layout)
        self.params = params
        self.arena = arena
        layers = UnsafeMutablePointer<TabNetGLULayer>.allocate(capacity: max(glu.count, 1))
        for (i, (plan, residual)) in glu.enumerated() {
            // SAFETY: capacity glu.count; each slot initialised once, deinitialised in deinit.
            (layers + i).initialize(to: TabNetGLULayer(linear: PackedLinear(plan, arena: arena), width: w, residual: residual))
        }
        layersPerTransformer = params.nShared + params.nIndependent
        attention = UnsafeMutablePointer<PackedLinear>.allocate(capacity: att.count)
        for (i, plan) in att.enumerated() { (attention + i).initialize(to: PackedLinear(plan, arena: arena)) }
        finalMapping = PackedLinear(finalPlan, arena: arena)
        bnScale = arena.pointer(bnScaleOff)
        bnShift = arena.pointer(bnShiftOff)
        normalizer = normalization.map { PackedNormalizer($0) }
        xbn = arena.pointer(offs.xbn); masked = arena.pointer(offs.masked); z = arena.pointer(offs.z)
        h = arena.pointer(offs.h); self.att = arena.pointer(offs.att); prior = arena.pointer(offs.prior)
        m = arena.pointer(offs.m); scratch = arena.pointer(offs.scratch); acc = arena.pointer(offs.acc)
        maskStore = arena.pointer(offs.masks)
        h2 = arena.pointer(offs.h2); supportValues = arena.pointer(offs.values); partials = arena.pointer(offs.partials)
        supportIndices = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        supportIndices.initialize(repeating: 0, count: n)
        fused = w % 8 == 0
        inputDim = n; outputDim = params.outputDim; nD = params.nD; nA = params.nA; steps = params.nSteps
        gamma = Float(params.gamma)
        entmax = maskType == .entmax
    }

    deinit {
        // SAFETY: allocated and initialised in init, freed once here.
        layers.deinitialize(count: (steps + 1) * layersPerTransformer)
        layers.deallocate()
        attention.deinitialize(count: steps)
        attention.deallocate()
        supportIndices.deallocate()
        normalizer?.deallocate()
        arena.deallocate()
    }

    /// Runs feature transformer `index` on `x` (zero-padded), leaving its `n_d + n_a` outputs in `h`.
    @inlinable
    func featureTransformer(_ index: Int, _ x: UnsafePointer<Float>) {
        // SAFETY: layers holds (n_steps + 1) · layersPerTransformer initialised layers; index <= n_steps.
        let first = layers + index * layersPerTransformer
        var input = x
        for l in 0..<layersPerTransformer {
            first[l].apply(input, scratch: z, into: h)
            input = UnsafePointer(h)
        }
    }

    /// Runs one row of `inputCount` features: writes the `outputCount` head outputs (logits, or regression
    /// values) and, when `masks` is not nil, the attention masks (`stepCount × inputCount`, step-major).
    ///
    /// Each GLU layer is one fused kernel (product, batch norm, GLU, residual); a step's first layer reads
    /// only the inputs its mask keeps (a handful of `inputCount` under sparsemax); the last layer of the
    /// initial splitter computes only the attention half and the last step's only the decision half.
    /// The outputs and masks are bit for bit those of the layer-by-layer dense computation
    /// (`predictUnfused`, tested).
    /// - Complexity: Σ GLU layers (2·(n_d+n_a) × in), a step's first layer over the mask's support only,
    ///   + n_steps × (n_a × in) + sorting the mask candidates; no allocation, no ARC, no locks.
    @inlinable
    public mutating func predict(_ x: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, masks: UnsafeMutablePointer<Float>?) {
        guard fused else {
            predictUnfused(x, logits: logits, masks: masks)
            return
        }
        // SAFETY: x holds inputCount floats, logits outputCount, masks (if any) stepCount·inputCount (caller
        // contract); every other pointer is into the arena or supportIndices, sized at init: xbn/prior/m padded
        // inputs (padding zero, never written), h/h2 n_d+n_a, att n_a, acc n_d, scratch 2·inputs,
        // supportValues/supportIndices inputs, partials 4·2·(n_d+n_a), maskStore steps·inputs.
        let n = inputDim, w = nD &+ nA, pairs = w &>> 3
        if let normalizer {
            normalizer.apply(x, scale: bnScale, shift: bnShift, into: xbn)
        } else {
            for i in 0..<n { xbn[i] = x[i] * bnScale[i] + bnShift[i] }
        }
        for i in 0..<n { prior[i] = 1 }
        for i in 0..<nD { acc[i] = 0 }
        // The splitter's decision half is never read: its last layer computes the attention tiles only.
        var out = featureTransformerFused(0, sparse: false, count: 0, lastPairs: (nD &>> 3)..<pairs)
        for i in 0..<nA { att[i] = out[nD &+ i] }
        let maskOut = masks ?? maskStore
        let lastStep = steps &- 1
        for s in 0..<steps {
            let a = attention[s]
            // SAFETY: attention's scale and bias are present (a normalized linear), padded to whole tiles.
            DenseKernels.gemvTiledScaledTimes(a.weights, outputs: n, inputsPadded: a.stride, x: att, scale: a.scale!, shift: a.bias!, times: prior, into: m)
            if entmax { SparseMasks.entmax15(m, count: n, scratch: scratch) } else { SparseMasks.sparsemax(m, count: n, scratch: scratch) }
            let k = updatePriorAndGather(row: maskOut + s &* n)
            // The last step's attention half is never read: its last layer computes the decision tiles only.
            out = featureTransformerFused(s &+ 1, sparse: true, count: k, lastPairs: s == lastStep ? 0..<((nD &+ 7) &>> 3) : 0..<pairs)
            for i in 0..<nD { acc[i] += max(out[i], 0) }
            for i in 0..<nA { att[i] = out[nD &+ i] }
        }
        finalMapping.apply(acc, into: logits)
    }

    /// After a step's mask `m`: writes it to `row`, updates `prior ← (γ − m) · prior`, and gathers the
    /// masked input `m · xbn` into `supportIndices`/`supportValues` (every entry that is not ±0, in
    /// increasing index order). Returns the entry count.
    @inlinable
    func updatePriorAndGather(row: UnsafeMutablePointer<Float>) -> Int {
        // SAFETY: row holds inputCount floats; m, prior, xbn are arena buffers padded to whole 4-lane blocks
        // of inputCount; supportIndices/supportValues hold inputCount entries and k <= i at every write.
        let n = inputDim
        let g = SIMD4<Float>(repeating: gamma), one = SIMD4<Int32>(repeating: 1)
        var k = 0
        var i = 0
        while i &+ 4 <= n {
            let mv = UnsafeRawPointer(m + i).loadUnaligned(as: SIMD4<Float>.self)
            let pr = UnsafeMutableRawPointer(prior + i)
            pr.storeBytes(of: (g - mv) * pr.loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(row + i).storeBytes(of: mv, as: SIMD4<Float>.self)
            let v = mv * UnsafeRawPointer(xbn + i).loadUnaligned(as: SIMD4<Float>.self)
            // Most blocks are all zeros (the mask's support is a handful of inputs).
            let nonZero = v .!= 0
            if any(nonZero) {
                let keep = SIMD4<Int32>().replacing(with: one, where: nonZero)
                for l in 0..<4 {
                    supportIndices[k] = Int32(truncatingIfNeeded: i &+ l)
                    supportValues[k] = v[l]
                    k &+= Int(keep[l])
                }
            }
            i &+= 4
        }
        while i < n {
            let mi = m[i]
            row[i] = mi
            prior[i] = (gamma - mi) * prior[i]
            let v = SIMD4<Float>(repeating: mi * xbn[i])
            supportIndices[k] = Int32(truncatingIfNeeded: i)
            supportValues[k] = v[0]
            k &+= Int(SIMD4<Int32>().replacing(with: one, where: v .!= 0)[0])
            i &+= 1
        }
        return k
    }

    /// Runs feature transformer `index` with the fused kernels; its first layer reads `xbn` (dense) or,
    /// when `sparse`, the `count` support entries. Layers alternate between `h` and `h2`; the last one
    /// computes only the value tiles `lastPairs`. Returns the buffer holding the outputs.
    @inlinable
    func featureTransformerFused(_ index: Int, sparse: Bool, count: Int, lastPairs: Range<Int>) -> UnsafeMutablePointer<Float> {
        // SAFETY: layers holds (n_steps + 1) · layersPerTransformer initialised layers; index <= n_steps. Every
        // GLU linear has a scale and a bias (normalized linears).
        let first = layers + index &* layersPerTransformer
        let last = layersPerTransformer &- 1
        let w = nD &+ nA, all = 0..<(w &>> 3)
        let rs = Float(0.5).squareRoot()
        var input = UnsafePointer(xbn)
        var output = h
        for l in 0...last {
            let layer = first[l]
            let lin = layer.linear
            let pairs = l == last ? lastPairs : all
            if l == 0 && sparse {
                DenseKernels.gluTiledSparse(lin.weights, width: w, inputsPadded: lin.stride, indices: supportIndices, values: supportValues, count: count,
                                            partials: partials, scale: lin.scale!, shift: lin.bias!, pairs: pairs, into: output)
            } else {
                DenseKernels.gluTiled(lin.weights, width: w, inputsPadded: lin.stride, inputsUsed: lin.inputs, x: input,
                                      scale: lin.scale!, shift: lin.bias!, residual: layer.residual, residualScale: rs, pairs: pairs, into: output)
            }
            input = UnsafePointer(output)
            output = output == h ? h2 : h
        }
        return UnsafeMutablePointer(mutating: input)
    }

    /// `predict` layer by layer: every GLU layer a dense `gemvTiled` into `z` then `glu`, every step's
    /// first layer on the dense masked input. The path for `n_d + n_a` not a multiple of 8, and the
    /// reference the fused path is tested against bit for bit.
    /// - Complexity: Σ GLU layers (2·(n_d+n_a) × in) + n_steps × (n_a × in) + sorting in-sized masks;
    ///   no allocation, no ARC, no locks.
    @inlinable
    mutating func predictUnfused(_ x: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, masks: UnsafeMutablePointer<Float>?) {
        // SAFETY: x holds inputCount floats, logits outputCount, masks (if any) stepCount·inputCount (caller
        // contract); every other pointer is into the arena, sized at init: xbn/masked/prior/m padded inputs,
        // z 2·(n_d+n_a), h n_d+n_a, att n_a, acc n_d, scratch 2·inputs, maskStore steps·inputs.
        let n = inputDim
        if let normalizer { normalizer.apply(x, into: xbn) } else { xbn.update(from: x, count: n) }
        for i in 0..<n {
            xbn[i] = xbn[i] * bnScale[i] + bnShift[i]
            prior[i] = 1
        }
        for i in 0..<nD { acc[i] = 0 }
        featureTransformer(0, xbn)
        for i in 0..<nA { att[i] = h[nD + i] }
        let out = masks ?? maskStore
        for s in 0..<steps {
            attention[s].apply(att, into: m)
            for i in 0..<n { m[i] *= prior[i] }
            if entmax { SparseMasks.entmax15(m, count: n, scratch: scratch) } else { SparseMasks.sparsemax(m, count: n, scratch: scratch) }
            let row = out + s * n
            for i in 0..<n {
                let mi = m[i]
                row[i] = mi
                prior[i] = (gamma - mi) * prior[i]
                masked[i] = mi * xbn[i]
            }
            featureTransformer(s + 1, masked)
            for i in 0..<nD { acc[i] += max(h[i], 0) }
            for i in 0..<nA { att[i] = h[nD + i] }
        }
        finalMapping.apply(acc, into: logits)
    }
}

// SAFETY: noncopyable, so its buffers have exactly one owner; moving it across threads cannot race.
extension TabNetModel: @unchecked Sendable {}
