/// A stable-baselines3 `MlpPolicy` (`ActorCriticPolicy`, flatten extractor, separate actor and critic MLPs)
/// in inference, loaded from its `state_dict`: `mlp_extractor.policy_net.{0,2,...}`,
/// `mlp_extractor.value_net.{0,2,...}`, `action_net`, `value_net`, and `log_std` for a Box action space.
///
/// Discrete spaces: the action head is the `action_logits`; the deterministic action is their argmax.
/// Box spaces: the head is `mean_actions`; the deterministic action is the mean clipped to `[low, high]`
/// (what `policy.predict(obs, deterministic=True)` returns without `squash_output`). Optional
/// `VecNormalize` observation normalisation runs first.
@frozen
public struct PPOPolicy: ~Copyable {
    public let params: PPOParams
    @usableFromInline let arena: UnsafeFloatArena
    @usableFromInline let policyNet: UnsafeMutablePointer<PackedLinear>
    @usableFromInline let valueNet: UnsafeMutablePointer<PackedLinear>
    @usableFromInline let policyDepth: Int
    @usableFromInline let valueDepth: Int
    @usableFromInline let actionNet: PackedLinear
    @usableFromInline let valueHead: PackedLinear
    @usableFromInline let normalizer: PackedNormalizer?
    @usableFromInline let obs, bufferA, bufferB, valueOut: UnsafeMutablePointer<Float>
    @usableFromInline let low, high, logStdStore: UnsafeMutablePointer<Float>
    @usableFromInline let obsDim, actionWidth: Int
    @usableFromInline let tanh: Bool
    @usableFromInline let isDiscrete: Bool

    /// Observation width.
    public var inputCount: Int { obsDim }
    /// Width of the action head (number of discrete actions, or the Box's dimension).
    public var actionCount: Int { actionWidth }
    /// Whether the action space is `Discrete`.
    public var discrete: Bool { isDiscrete }

    /// Loads a bundle holding a PPO policy.
    public init(bundle: ModelBundle) throws {
        guard bundle.config.arch == .ppo else { throw ModelLoadError.archMismatch(expected: "ppo", actual: bundle.config.arch.rawValue) }
        let params = try bundle.config.decodeParams(PPOParams.self)
        try bundle.checkFeatureCount(params.obsDim)
        try self.init(params: params, weights: bundle.weights, normalization: bundle.config.normalization)
    }

    /// Builds the policy from an SB3 `policy.state_dict()` (the `policy.` prefix of a saved PPO zip's
    /// `policy.pth` is accepted too).
    public init(params: PPOParams, weights f: SafeTensorsFile, normalization: InputNormalizer? = nil) throws {
        let activation = try params.validate()
        if let normalization { try normalization.validate(count: params.obsDim) }
        let p = ["", "policy."].first { f.contains(anyOf: ["\($0)action_net.weight"]) } ?? ""
        var layout = UnsafeFloatArenaLayout()
        func mlp(_ name: String, _ sizes: [Int]) throws -> [PackedLinearPlan] {
            var inputs = params.obsDim
            return try sizes.enumerated().map { i, outputs in
                // nn.Sequential(Linear, act, Linear, act, ...): Linear i sits at index 2i.
                let w = try f.floats(["\(p)mlp_extractor.\(name).\(2 * i).weight"], shape: [outputs, inputs])
                let b = try f.floats(["\(p)mlp_extractor.\(name).\(2 * i).bias"], shape: [outputs])
                defer { inputs = outputs }
                return PackedLinearPlan(weight: w, bias: b, outputs: outputs, inputs: inputs, layout: &layout)
            }
        }
        let pi = try mlp("policy_net", params.policyLayers)
        let vf = try mlp("value_net", params.valueLayers)
        let latentPi = params.policyLayers.last ?? params.obsDim
        let latentVf = params.valueLayers.last ?? params.obsDim
        let width = params.actionSpace.width
        let aw = try f.floats(["\(p)action_net.weight"], shape: [width, latentPi])
        let ab = try f.floats(["\(p)action_net.bias"], shape: [width])
        let actionPlan = PackedLinearPlan(weight: aw, bias: ab, outputs: width, inputs: latentPi, layout: &layout)
        let vw = try f.floats(["\(p)value_net.weight"], shape: [1, latentVf])
        let vb = try f.floats(["\(p)value_net.bias"], shape: [1])
        let valuePlan = PackedLinearPlan(weight: vw, bias: vb, outputs: 1, inputs: latentVf, layout: &layout)
        var lowValues = [Float](repeating: 0, count: width), highValues = lowValues, logStd = lowValues
        if case let .box(l, h) = params.actionSpace {
            lowValues = l
            highValues = h
            logStd = try f.floats(["\(p)log_std"], shape: [width])
        }
        let widest = paddedTo8(([params.obsDim] + params.policyLayers + params.valueLayers).max()!)
        let offs = (obs: layout.reserve(paddedTo8(params.obsDim)), a: layout.reserve(widest), b: layout.reserve(widest),
                    v: layout.reserve(1), low: layout.constant(lowValues), high: layout.constant(highValues),
                    logStd: layout.constant(logStd))
        let arena = UnsafeFloatArena(layout)
        self.params = params
        self.arena = arena
        policyNet = UnsafeMutablePointer<PackedLinear>.allocate(capacity: max(pi.count, 1))
        valueNet = UnsafeMutablePointer<PackedLinear>.allocate(capacity: max(vf.count, 1))
        // SAFETY: capacities match the counts; each slot is initialised once (trivial type).
        for (i, plan) in pi.enumerated() { (policyNet + i).initialize(to: PackedLinear(plan, arena: arena)) }
        for (i, plan) in vf.enumerated() { (valueNet + i).initialize(to: PackedLinear(plan, arena: arena)) }
        policyDepth = pi.count
        valueDepth = vf.count
        actionNet = PackedLinear(actionPlan, arena: arena)
        valueHead = PackedLinear(valuePlan, arena: arena)
        normalizer = normalization.map { PackedNormalizer($0) }
        obs = arena.pointer(offs.obs); bufferA = arena.pointer(offs.a); bufferB = arena.pointer(offs.b)
        valueOut = arena.pointer(offs.v); low = arena.pointer(offs.low); high = arena.pointer(offs.high)
        logStdStore = arena.pointer(offs.logStd)
        obsDim = params.obsDim
        actionWidth = width
        tanh = activation == .tanh
        if case .discrete = params.actionSpace { isDiscrete = true } else { isDiscrete = false }
    }

    deinit {
        // SAFETY: allocated in init, freed once here (PackedLinear is trivial: nothing to deinitialise).
        policyNet.deallocate()
        valueNet.deallocate()
        normalizer?.deallocate()
        arena.deallocate()
    }

    /// Copies (or normalises) the observation into the padded input buffer.
    @inlinable
    func load(_ observation: UnsafePointer<Float>) {
        // SAFETY: observation holds inputCount floats (caller contract); obs is the arena's padded input.
        if let normalizer { normalizer.apply(observation, into: obs) } else { obs.update(from: observation, count: obsDim) }
    }

    /// Runs an MLP from `obs`; returns the buffer holding its last activations.
    @inlinable
    func mlp(_ net: UnsafeMutablePointer<PackedLinear>, depth: Int) -> UnsafeMutablePointer<Float> {
        // SAFETY: net holds depth layers; bufferA/bufferB hold the widest layer (padded), so each layer reads
        // and writes inside them.
        var input = obs
        var output = bufferA
        for i in 0..<depth {
            net[i].apply(input, into: output)
            if tanh { DenseKernels.tanh(output, count: net[i].outputs) } else { DenseKernels.relu(output, count: net[i].outputs) }
            input = output
            output = output == bufferA ? bufferB : bufferA
        }
        return input
    }

    /// Actor only: writes the action head (`action_logits` for Discrete, `mean_actions` for Box,
    /// `actionCount` floats) for one observation of `inputCount` floats.
    /// - Complexity: obs·h1 + h1·h2 + … + h_last·actions multiply-adds; no allocation, no ARC.
    @inlinable
    public mutating func actionHead(_ observation: UnsafePointer<Float>, into head: UnsafeMutablePointer<Float>) {
        load(observation)
        actionNet.apply(mlp(policyNet, depth: policyDepth), into: head)
    }

    /// Actor and critic: writes the action head and returns the state value `V(obs)`.
    @inlinable
    public mutating func evaluate(_ observation: UnsafePointer<Float>, head: UnsafeMutablePointer<Float>) -> Float {
        load(observation)
        actionNet.apply(mlp(policyNet, depth: policyDepth), into: head)
        valueHead.apply(mlp(valueNet, depth: valueDepth), into: valueOut)
        return valueOut[0]
    }

    /// Critic only: the state value of one observation.
    @inlinable
    public mutating func value(_ observation: UnsafePointer<Float>) -> Float {
        load(observation)
        valueHead.apply(mlp(valueNet, depth: valueDepth), into: valueOut)
        return valueOut[0]
    }

    /// The deterministic discrete action: argmax of the logits (first index on ties, like `torch.argmax`).
    @inlinable
    public func discreteAction(_ head: UnsafePointer<Float>) -> Int {
        DenseKernels.argmax(head, count: actionWidth)
    }

    /// The deterministic Box action: the mean clipped to the space's `[low, high]` (`actions` may alias `head`).
    @inlinable
    public func boxAction(_ head: UnsafePointer<Float>, into actions: UnsafeMutablePointer<Float>) {
        // SAFETY: head and actions hold actionCount floats (caller contract); low/high hold as many.
        for i in 0..<actionWidth { actions[i] = min(max(head[i], low[i]), high[i]) }
    }

    /// `log_std` of the Gaussian (Box only; zeros for Discrete), `actionCount` values.
    public var logStd: [Float] { Array(UnsafeBufferPointer(start: logStdStore, count: actionWidth)) }
}

// SAFETY: noncopyable, so its buffers have exactly one owner; moving it across threads cannot race.
extension PPOPolicy: @unchecked Sendable {}
