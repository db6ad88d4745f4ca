/// A locuslab TCN (`TemporalConvNet` + `Linear` head on the last time step) in eval mode, loaded from its
/// PyTorch `state_dict`.
///
/// Two paths with the same result: `step(_:logits:)` pushes one new time step and computes only that step
/// from the cached dilated activations (the streaming path of the hot loop), and
/// `forward(window:steps:logits:)` recomputes a whole `(features, time)` window like `model(x)` does.
/// After `reset()`, the `t`-th streamed step equals the full-window forward over the first `t + 1` steps
/// (both see zeros before the first step), and once `t + 1 ≥ receptiveField` it equals the full-window
/// forward over any window ending at `t` that covers the receptive field.
///
/// Owns one arena (weights + every buffer): noncopyable, freed in `deinit`. All inference methods take and
/// fill raw buffers and allocate nothing.
@frozen
public struct TCNModel: ~Copyable {
    // SAFETY: @unchecked Sendable below: the model is noncopyable, so exactly one owner can reach its buffers.
    public let params: TCNParams
    @usableFromInline let arena: UnsafeFloatArena
    @usableFromInline let blocks: UnsafeMutablePointer<TCNBlock>
    @usableFromInline let blockCount: Int
    @usableFromInline let head: PackedLinear
    @usableFromInline let normalizer: PackedNormalizer?
    @usableFromInline let last: UnsafeMutablePointer<Float>
    @usableFromInline let windowInput: UnsafeMutablePointer<Float>
    @usableFromInline let maxWindow: Int
    @usableFromInline let featureCount: Int
    /// Time steps pushed since the last reset.
    @usableFromInline var time: Int

    /// Number of input features per time step.
    public var inputCount: Int { params.inputSize }
    /// Width of the head's output (logits).
    public var outputCount: Int { params.outputSize }
    /// Time steps one output depends on.
    public var receptiveField: Int { params.receptiveField }
    /// Longest window `forward(window:)` accepts.
    public var windowCapacity: Int { maxWindow }
    /// Steps pushed since the last `reset()`.
    public var stepsSinceReset: Int { time }

    /// Loads a bundle holding a TCN.
    public init(bundle: ModelBundle, maxWindow: Int? = nil) throws {
        guard bundle.config.arch == .tcn else { throw ModelLoadError.archMismatch(expected: "tcn", actual: bundle.config.arch.rawValue) }
        let params = try bundle.config.decodeParams(TCNParams.self)
        try bundle.checkFeatureCount(params.inputSize)
        try self.init(params: params, weights: bundle.weights, normalization: bundle.config.normalization, maxWindow: maxWindow)
    }

    /// Builds the model from a locuslab state_dict (`tcn.network.<i>.conv1.weight_g` or its alias
    /// `net.0`, `.weight_v`, `.bias`, `conv2`/`net.4`, `downsample`, `linear.weight`/`.bias`; the prefix
    /// `tcn.` may be absent; torch's newer `parametrizations.weight.original0/1` and plain conv weights are
    /// accepted too). Weight norm is folded here: `w = g · v / ‖v‖`, the norm per output channel.
    /// - Parameter maxWindow: capacity of the full-window path (default `params.window`).
    public init(params: TCNParams, weights: SafeTensorsFile, normalization: InputNormalizer? = nil, maxWindow: Int? = nil) throws {
        try params.validate()
        if let normalization { try normalization.validate(count: params.inputSize) }
        let window = max(maxWindow ?? params.window, 1)
        let k = params.kernelSize
        let prefix = ["tcn.network.", "network."].first { weights.contains(anyOf: Self.names("\($0)0.", ["conv1", "net.0"], ["weight_v", "parametrizations.weight.original1", "weight"])) } ?? "tcn.network."

        struct BlockPlan {
            var conv1, bias1, conv2, bias2: Int
            var down: PackedLinearPlan?
            var cin, cout, dilation: Int
            var ringIn, ringHidden, slots, residual, winHidden, winOut: Int
        }
        var layout = UnsafeFloatArenaLayout()
        var plans: [BlockPlan] = []
        var cin = params.inputSize
        for (i, cout) in params.numChannels.enumerated() {
            let p = "\(prefix)\(i)."
            let d = 1 << i
            let w1 = try Self.convWeight(weights, p, ["conv1", "net.0"], cout: cout, cin: cin, k: k)
            let b1 = try weights.floats(Self.names(p, ["conv1", "net.0"], ["bias"]), shape: [cout])
            let w2 = try Self.convWeight(weights, p, ["conv2", "net.4"], cout: cout, cin: cout, k: k)
            let b2 = try weights.floats(Self.names(p, ["conv2", "net.4"], ["bias"]), shape: [cout])
            var down: PackedLinearPlan?
            if cin != cout {
                let wd = try weights.floats(["\(p)downsample.weight"], shape: [cout, cin, 1])
                let bd = try weights.floats(["\(p)downsample.bias"], shape: [cout])
                down = PackedLinearPlan(weight: wd, bias: bd, outputs: cout, inputs: cin, layout: &layout)
            } else if weights.contains(anyOf: ["\(p)downsample.weight"]) {
                throw ModelLoadError.badConfig("block \(i) has a downsample but in == out channels (\(cin)); num_channels does not match the weights")
            }
            var slots = 1
            while slots <= (k - 1) * d { slots <<= 1 }
            plans.append(BlockPlan(
                conv1: layout.constant(Self.packTaps(w1, cout: cout, cin: cin, k: k)), bias1: layout.constant(b1),
                conv2: layout.constant(Self.packTaps(w2, cout: cout, cin: cout, k: k)), bias2: layout.constant(b2),
                down: down, cin: cin, cout: cout, dilation: d,
                ringIn: layout.reserve(slots * paddedTo8(cin)), ringHidden: layout.reserve(slots * paddedTo8(cout)),
                slots: slots, residual: layout.reserve(paddedTo8(cout)),
                winHidden: layout.reserve(window * paddedTo8(cout)), winOut: layout.reserve(window * paddedTo8(cout))))
            cin = cout
        }
        let hw = try weights.floats(["linear.weight"], shape: [params.outputSize, cin])
        let hb = try weights.floats(["linear.bias"], shape: [params.outputSize])
        let headPlan = PackedLinearPlan(weight: hw, bias: hb, outputs: params.outputSize, inputs: cin, layout: &layout)
        let lastOffset = layout.reserve(paddedTo8(cin))
        let windowOffset = layout.reserve(window * paddedTo8(params.inputSize))

        let arena = UnsafeFloatArena(layout)
        self.params = params
        self.arena = arena
        blockCount = plans.count
        blocks = UnsafeMutablePointer<TCNBlock>.allocate(capacity: plans.count)
        for (i, b) in plans.enumerated() {
            // SAFETY: blocks has capacity plans.count; each slot is initialised exactly once.
            (blocks + i).initialize(to: TCNBlock(
                conv1: arena.pointer(b.conv1), bias1: arena.pointer(b.bias1),
                conv2: arena.pointer(b.conv2), bias2: arena.pointer(b.bias2),
                downsample: b.down.map { PackedLinear($0, arena: arena) },
                kernel: k, dilation: b.dilation, inputs: b.cin, outputs: b.cout,
                inputStride: paddedTo8(b.cin), outputStride: paddedTo8(b.cout),
                ringInput: arena.pointer(b.ringIn), ringHidden: arena.pointer(b.ringHidden), ringMask: b.slots - 1,
                residual: arena.pointer(b.residual),
                windowHidden: arena.pointer(b.winHidden), windowOutput: arena.pointer(b.winOut),
                tap1: DenseKernels.tiledCount(outputs: b.cout, inputs: b.cin),
                tap2: DenseKernels.tiledCount(outputs: b.cout, inputs: b.cout)))
        }
        head = PackedLinear(headPlan, arena: arena)
        normalizer = normalization.map { PackedNormalizer($0) }
        last = arena.pointer(lastOffset)
        windowInput = arena.pointer(windowOffset)
        self.maxWindow = window
        featureCount = params.inputSize
        time = 0
    }

    deinit {
        // SAFETY: blocks and the arena were allocated in init and are freed once here.
        blocks.deinitialize(count: blockCount)
        blocks.deallocate()
        normalizer?.deallocate()
        arena.deallocate()
    }

    /// Forgets every pushed step (the next step sees zeros before it, like the start of a window).
    public mutating func reset() {
        // SAFETY: blocks holds blockCount initialised blocks.
        for i in 0..<blockCount { blocks[i].resetState() }
        time = 0
    }

    /// Pushes one time step of `inputCount` features and writes the head's `outputCount` logits for it.
    /// - Complexity: one TCN column: Σ_blocks k·cout·(cin + cout) (+ cout·cin) + head multiply-adds;
    ///   no allocation, no ARC, no locks.
    @inlinable
    public mutating func step(_ features: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>) {
        // SAFETY: features holds inputCount floats and logits outputCount (caller contract); every other
        // pointer is into this model's arena, sized at init for these widths.
        let t = time
        let first = blocks[0].inputRow(t)
        if let normalizer {
            normalizer.apply(features, into: first)
        } else {
            first.update(from: features, count: featureCount)
        }
        for i in 0..<blockCount {
            let out = i + 1 < blockCount ? blocks[i + 1].inputRow(t) : last
            blocks[i].step(at: t, into: out)
        }
        time = t &+ 1
        head.apply(last, into: logits)
    }

    /// Runs the full window like `model(x)` for one batch row: `x` is `(inputCount, steps)` row-major (the
    /// PyTorch `(features, time)` layout); writes the head's logits on the last step. Does not touch the
    /// streaming state.
    /// - Precondition: `1 ≤ steps ≤ windowCapacity`.
    @inlinable
    public mutating func forward(window x: UnsafePointer<Float>, steps: Int, logits: UnsafeMutablePointer<Float>) {
        // SAFETY: x holds inputCount·steps floats and logits outputCount (caller contract); steps <= maxWindow
        // (checked), so every window row written lies inside the arena's window buffers.
        precondition(steps >= 1 && steps <= maxWindow, "window longer than the preallocated capacity")
        let n = featureCount
        let stride = paddedTo8(n)
        for t in 0..<steps {
            let row = windowInput + t * stride
            for c in 0..<n { row[c] = x[c * steps + t] }
            if let normalizer { normalizer.apply(row, into: row) }
        }
        var input = UnsafePointer(windowInput)
        for i in 0..<blockCount {
            blocks[i].forward(window: input, steps: steps)
            input = UnsafePointer(blocks[i].windowOutput)
        }
        head.apply(input + (steps - 1) * blocks[blockCount - 1].outputStride, into: logits)
    }

    static func names(_ prefix: String, _ modules: [String], _ leaves: [String]) -> [String] {
        modules.flatMap { m in leaves.map { "\(prefix)\(m).\($0)" } }
    }

    /// The effective conv weight `(cout, cin, k)`: weight norm folded (g · v / ‖v‖ per output channel) when
    /// `weight_g`/`weight_v` (or `parametrizations.weight.original0/1`) are present, else the plain weight.
    static func convWeight(_ f: SafeTensorsFile, _ p: String, _ modules: [String], cout: Int, cin: Int, k: Int) throws -> [Float] {
        let vNames = names(p, modules, ["weight_v", "parametrizations.weight.original1"])
        guard f.contains(anyOf: vNames) else {
            return try f.floats(names(p, modules, ["weight"]), shape: [cout, cin, k])
        }
        let v = try f.floats(vNames, shape: [cout, cin, k])
        let g = try f.floats(names(p, modules, ["weight_g", "parametrizations.weight.original0"]), shape: [cout, 1, 1])
        var w = v
        let per = cin * k
        for o in 0..<cout {
            var ss: Double = 0
            for i in 0..<per { ss += Double(v[o * per + i]) * Double(v[o * per + i]) }
            let scale = Double(g[o]) / ss.squareRoot()
            for i in 0..<per { w[o * per + i] = Float(Double(v[o * per + i]) * scale) }
        }
        return w
    }

    /// `(cout, cin, k)` → k taps, each a `(cout, cin)` matrix packed by `DenseKernels.packTiles`.
    static func packTaps(_ w: [Float], cout: Int, cin: Int, k: Int) -> [Float] {
        var out: [Float] = []
        for j in 0..<k {
            var tap = [Float](repeating: 0, count: cout * cin)
            for o in 0..<cout { for i in 0..<cin { tap[o * cin + i] = w[(o * cin + i) * k + j] } }
            out += DenseKernels.packTiles(tap, outputs: cout, inputs: cin)
        }
        return out
    }
}

// SAFETY: a noncopyable model has exactly one owner; its raw buffers are reachable only through that owner,
// so moving it to another thread (e.g. into a pinned actor) cannot race.
extension TCNModel: @unchecked Sendable {}
