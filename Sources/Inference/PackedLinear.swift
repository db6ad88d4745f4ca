/// A dense layer `y = W x + b` with `W` packed in transposed tiles of 8 outputs (`DenseKernels.packTiles`)
/// inside a model's arena. Plain pointers, no ownership: the model that owns the arena frees it.
@frozen
public struct PackedLinear {
    @usableFromInline let weights: UnsafeMutablePointer<Float>
    @usableFromInline let bias: UnsafeMutablePointer<Float>?
    /// Per-output scale applied after the dot product and before the bias (an eval-mode batch norm's
    /// `weight / sqrt(running_var + eps)`, kept unfolded so the rounding follows PyTorch's), or nil.
    @usableFromInline let scale: UnsafeMutablePointer<Float>?
    /// Output features.
    public let outputs: Int
    /// Input features.
    public let inputs: Int
    @usableFromInline let stride: Int

    init(_ plan: PackedLinearPlan, arena: UnsafeFloatArena) {
        weights = arena.pointer(plan.weights)
        bias = plan.bias.map { arena.pointer($0) }
        scale = plan.scale.map { arena.pointer($0) }
        outputs = plan.outputs
        inputs = plan.inputs
        stride = paddedTo8(plan.inputs)
    }

    /// `y = W x + b` (or `y += W x` when `accumulate`; `y = (W x)·scale + b` with a scale).
    /// `x` holds `paddedTo8(inputs)` floats, zero-padded.
    @inlinable
    public func apply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        if let scale, let bias {
            DenseKernels.gemvTiled(weights, outputs: outputs, inputsPadded: stride, rows: x, bias: bias, scale: scale, accumulate: false, into: y)
        } else {
            DenseKernels.gemvTiled(weights, outputs: outputs, inputsPadded: stride, rows: x, bias: bias, accumulate: accumulate, into: y)
        }
    }
}

/// Where a `PackedLinear`'s weights and bias go in the arena (cold path).
struct PackedLinearPlan {
    let weights: Int
    let bias: Int?
    let scale: Int?
    let outputs: Int
    let inputs: Int

    /// Packs a PyTorch `(outputs, inputs)` row-major weight (and optional bias) into `layout`.
    init(weight: [Float], bias: [Float]?, scale: [Float]? = nil, outputs: Int, inputs: Int, layout: inout UnsafeFloatArenaLayout) {
        precondition(scale == nil || bias != nil, "a scale comes with a bias (a batch norm's shift)")
        precondition(weight.count == outputs * inputs)
        let packed = DenseKernels.packTiles(weight, outputs: outputs, inputs: inputs)
        self.weights = layout.constant(packed)
        self.bias = bias.map { layout.constant($0) }
        self.scale = scale.map { layout.constant($0) }
        self.outputs = outputs
        self.inputs = inputs
    }
}
