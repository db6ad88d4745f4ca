/// Hyper-parameters of a stable-baselines3 `MlpPolicy` (`ActorCriticPolicy` with a flatten extractor):
/// `obs_dim`, `net_arch` (a list shared by actor and critic, or `{"pi": [...], "vf": [...]}`),
/// `activation_fn` (`Tanh` or `ReLU`) and `action_space` (`{"discrete": n}` or
/// `{"box": {"low": [...], "high": [...]}}`).
public struct PPOParams: Codable, Sendable, Equatable {
    public var obsDim: Int
    public var policyLayers: [Int]
    public var valueLayers: [Int]
    public var activationFn: String
    public var actionSpace: ActionSpace

    /// The policy's action space.
    public enum ActionSpace: Sendable, Equatable {
        /// `n` actions: logits, probabilities, argmax.
        case discrete(Int)
        /// Continuous actions: mean, clipped to `[low, high]` for the deterministic action.
        case box(low: [Float], high: [Float])

        /// Width of the action head.
        public var width: Int {
            switch self {
            case let .discrete(n): return n
            case let .box(low, _): return low.count
            }
        }
    }

    /// The hidden activation.
    public enum Activation: Sendable { case tanh, relu }

    enum CodingKeys: String, CodingKey { case obsDim = "obs_dim", netArch = "net_arch", activationFn = "activation_fn", actionSpace = "action_space" }
    struct NetArchDict: Codable { var pi: [Int]?; var vf: [Int]? }
    struct BoxSpec: Codable { var low: [Float]; var high: [Float] }
    struct SpaceSpec: Codable { var discrete: Int?; var box: BoxSpec? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        obsDim = try c.decode(Int.self, forKey: .obsDim)
        if let list = try? c.decode([Int].self, forKey: .netArch) {
            policyLayers = list
            valueLayers = list
        } else if let d = try c.decodeIfPresent(NetArchDict.self, forKey: .netArch) {
            policyLayers = d.pi ?? []
            valueLayers = d.vf ?? []
        } else {
            policyLayers = [64, 64]
            valueLayers = [64, 64]
        }
        activationFn = try c.decodeIfPresent(String.self, forKey: .activationFn) ?? "Tanh"
        let s = try c.decode(SpaceSpec.self, forKey: .actionSpace)
        if let n = s.discrete {
            actionSpace = .discrete(n)
        } else if let b = s.box {
            actionSpace = .box(low: b.low, high: b.high)
        } else {
            throw ModelLoadError.badConfig("action_space must be {\"discrete\": n} or {\"box\": {\"low\": [...], \"high\": [...]}}")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(obsDim, forKey: .obsDim)
        if policyLayers == valueLayers { try c.encode(policyLayers, forKey: .netArch) } else {
            try c.encode(NetArchDict(pi: policyLayers, vf: valueLayers), forKey: .netArch)
        }
        try c.encode(activationFn, forKey: .activationFn)
        switch actionSpace {
        case let .discrete(n): try c.encode(SpaceSpec(discrete: n, box: nil), forKey: .actionSpace)
        case let .box(low, high): try c.encode(SpaceSpec(discrete: nil, box: BoxSpec(low: low, high: high)), forKey: .actionSpace)
        }
    }

    func validate() throws -> Activation {
        guard (1...ModelLimits.features).contains(obsDim), policyLayers.count <= ModelLimits.levels, valueLayers.count <= ModelLimits.levels,
              (policyLayers + valueLayers).allSatisfy({ (1...ModelLimits.width).contains($0) }) else {
            throw ModelLoadError.badConfig("PPO obs_dim (1...\(ModelLimits.features)) and net_arch sizes (1...\(ModelLimits.width), "
                                           + "at most \(ModelLimits.levels) layers) out of range")
        }
        switch actionSpace {
        case let .discrete(n):
            guard (1...ModelLimits.features).contains(n) else { throw ModelLoadError.badConfig("discrete action space needs n in 1...\(ModelLimits.features)") }
        case let .box(low, high):
            guard !low.isEmpty, low.count <= ModelLimits.features, low.count == high.count, zip(low, high).allSatisfy({ $0 <= $1 }) else {
                throw ModelLoadError.badConfig("box action space needs low.count == high.count > 0 and low <= high")
            }
        }
        switch activationFn.lowercased().split(separator: ".").last.map(String.init) ?? "" {
        case "tanh": return .tanh
        case "relu": return .relu
        default: throw ModelLoadError.unsupported("activation_fn \(activationFn) (Tanh and ReLU are supported)")
        }
    }
}
