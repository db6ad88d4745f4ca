import CSystemShims
import Inference
import StrategyABI
import Synchronization

/// What the host offers plugins through `hft_host_api`: the engine clock, the PPO policy (when a
/// bundle is configured), TabNet on demand (`model_evaluate`, when a bundle is configured), feature
/// lookup by name, and a cold log.
///
/// The hot callbacks (`now_ns`, `ppo_evaluate`, `model_evaluate`) read a raw `StrategyHostContext`
/// and never touch ARC; the cold ones (`feature_index`, `log`) go through this object.
/// - Warning: `setNow`, the PPO policy and the on-demand models are used from the strategy thread only.
public final class StrategyHostServices: Sendable {
    public let featureNames: [String]
    let lines = Mutex<[String]>([])
    // SAFETY: allocated in init, freed in deinit; written only by the owning strategy thread.
    nonisolated(unsafe) let context: UnsafeMutablePointer<StrategyHostContext>
    nonisolated(unsafe) let policy: UnsafeMutablePointer<PPOPolicy>?
    // SAFETY: owned here (the context holds it unretained); evaluated only on the strategy thread.
    nonisolated(unsafe) let onDemand: SignalModels?

    /// - Parameters:
    ///   - featureNames: the live schema's names in order (for `feature_index`).
    ///   - policy: a PPO policy the plugins may evaluate, or nil (plugins then get HFT_ERR_UNAVAILABLE).
    public convenience init(featureNames: [String], policy: consuming PPOPolicy?) {
        self.init(featureNames: featureNames, policy: policy, onDemand: nil, schemaId: 0)
    }

    /// - Parameters:
    ///   - onDemand: the models `model_evaluate` runs (TabNet), or nil (HFT_ERR_UNAVAILABLE).
    ///   - schemaId: the live feature schema id a view must carry for `model_evaluate`.
    init(featureNames: [String], policy: consuming PPOPolicy?, onDemand: SignalModels?, schemaId: UInt64) {
        self.featureNames = featureNames
        self.onDemand = onDemand
        context = .allocate(capacity: 1)
        if let p = policy.take() {
            let box = UnsafeMutablePointer<PPOPolicy>.allocate(capacity: 1)
            box.initialize(to: p)
            self.policy = box
        } else {
            self.policy = nil
        }
        context.initialize(to: StrategyHostContext(now: 0, policy: UnsafeMutableRawPointer(self.policy), services: nil))
        context.pointee.services = Unmanaged.passUnretained(self).toOpaque()
        if let onDemand, onDemand.tabnet != nil {
            context.pointee.models = Unmanaged.passUnretained(onDemand).toOpaque()
            context.pointee.featureCount = UInt32(onDemand.inputCount)
            context.pointee.schemaId = schemaId
        }
    }

    deinit {
        context.deallocate()
        if let policy {
            policy.deinitialize(count: 1)
            policy.deallocate()
        }
    }

    /// Sets the clock plugins read through `now_ns`. Hot: one store.
    @inline(__always)
    public func setNow(_ ns: Int64) { context.pointee.now = ns }

    /// PPO evaluations so far (read on the strategy thread).
    @inline(__always)
    public var ppoCalls: UInt64 { context.pointee.ppoCalls }

    /// Duration of the last PPO evaluation, ns.
    @inline(__always)
    public var lastPPONanos: Int64 { context.pointee.lastPPONanos }

    /// On-demand TabNet evaluations so far (read on the strategy thread).
    @inline(__always)
    public var tabnetCalls: UInt64 { context.pointee.tabnetCalls }

    /// Duration of the last on-demand TabNet evaluation, ns.
    @inline(__always)
    public var lastTabNetNanos: Int64 { context.pointee.lastTabNetNanos }

    /// Runs the on-demand TabNet on its last input, result discarded (see `SignalModels.warmTabNet`).
    /// Strategy thread only; a no-op without a TabNet bundle.
    public func warmModels() { onDemand?.warmTabNet() }

    /// Log lines plugins wrote (cold).
    public var log: [String] { lines.withLock { $0 } }

    /// The C table handed to `create` (the context pointer stays valid while this object lives).
    public var api: hft_host_api {
        hft_host_api(abi_version: HFT_STRATEGY_ABI_VERSION, reserved: 0, context: UnsafeMutableRawPointer(context),
                     now_ns: hostNow, ppo_evaluate: hostPPO, feature_index: hostFeatureIndex, log: hostLog,
                     model_evaluate: hostModel)
    }
}

private let hostNow: @convention(c) (UnsafeMutableRawPointer?) -> Int64 = { c in
    // SAFETY: the context is the StrategyHostContext of a live StrategyHostServices.
    c?.assumingMemoryBound(to: StrategyHostContext.self).pointee.now ?? 0
}

private let hostPPO: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<Float>?, UInt32, UnsafeMutablePointer<Float>?, UInt32, UnsafeMutablePointer<UInt32>?) -> Int32 = { c, obs, count, actions, capacity, outCount in
    guard let c, let obs, let actions, let outCount else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    // SAFETY: as above; `policy` points at an initialised PPOPolicy owned by the services object.
    guard let raw = c.assumingMemoryBound(to: StrategyHostContext.self).pointee.policy else { return HFT_ERR_UNAVAILABLE.rawValue }
    let p = raw.assumingMemoryBound(to: PPOPolicy.self)
    guard Int(count) == p.pointee.inputCount, Int(capacity) >= p.pointee.actionCount else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    let t0 = hft_monotonic_ns()
    p.pointee.actionHead(obs, into: actions)
    if !p.pointee.discrete { p.pointee.boxAction(actions, into: actions) }
    outCount.pointee = UInt32(p.pointee.actionCount)
    let context = c.assumingMemoryBound(to: StrategyHostContext.self)
    context.pointee.ppoCalls &+= 1
    context.pointee.lastPPONanos = hft_monotonic_ns() &- t0
    return HFT_OK.rawValue
}

private let hostModel: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafePointer<hft_market_view>?, UnsafeMutablePointer<Float>?) -> Int32 = { c, model, view, out in
    guard let c, let view, let out, model == UInt32(HFT_MODEL_TABNET) else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    // SAFETY: the context is the StrategyHostContext of a live StrategyHostServices; `models` is its
    // `onDemand` (owned by the same object, so alive for the call); the view is the plugin's, valid
    // during the call, with `feature_count` doubles at `features` (checked against the schema first).
    let context = c.assumingMemoryBound(to: StrategyHostContext.self)
    guard let raw = context.pointee.models else { return HFT_ERR_UNAVAILABLE.rawValue }
    guard view.pointee.feature_count == context.pointee.featureCount, view.pointee.feature_schema_id == context.pointee.schemaId,
          let features = view.pointee.features else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    let t0 = hft_monotonic_ns()
    let value = Unmanaged<SignalModels>.fromOpaque(raw)._withUnsafeGuaranteedRef { m -> Float in
        m.load(features) ? m.predictTabNet() : .nan
    }
    guard value.isFinite else { return HFT_ERR_UNAVAILABLE.rawValue }
    context.pointee.tabnetCalls &+= 1
    context.pointee.lastTabNetNanos = hft_monotonic_ns() &- t0
    out.pointee = value
    return HFT_OK.rawValue
}

private let hostFeatureIndex: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UInt32) -> Int32 = { c, name, length in
    guard let c, let name, let s = c.assumingMemoryBound(to: StrategyHostContext.self).pointee.services else { return -1 }
    let services = Unmanaged<StrategyHostServices>.fromOpaque(s).takeUnretainedValue()
    // SAFETY: the plugin passes `length` bytes at `name`.
    let key = String(decoding: UnsafeRawBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    return services.featureNames.firstIndex(of: key).map { Int32($0) } ?? -1
}

private let hostLog: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UInt32) -> Void = { c, level, message, length in
    guard let c, let message, let s = c.assumingMemoryBound(to: StrategyHostContext.self).pointee.services else { return }
    let services = Unmanaged<StrategyHostServices>.fromOpaque(s).takeUnretainedValue()
    // SAFETY: the plugin passes `length` bytes at `message`.
    let text = String(decoding: UnsafeRawBufferPointer(start: message, count: Int(length)), as: UTF8.self)
    services.lines.withLock { $0.append("[\(level)] \(text)") }
}
