/// The raw context behind `hft_host_api.context`.
@frozen
public struct StrategyHostContext {
    public var now: Int64
    public var policy: UnsafeMutableRawPointer?
    public var services: UnsafeMutableRawPointer?
    /// PPO evaluations so far and the duration of the last one (for the `inference.ppo` hop).
    public var ppoCalls: UInt64 = 0
    public var lastPPONanos: Int64 = 0
    /// The on-demand models (an unretained `SignalModels`), or nil.
    public var models: UnsafeMutableRawPointer? = nil
    /// Feature count and schema id a view must carry for `model_evaluate`.
    public var featureCount: UInt32 = 0
    public var schemaId: UInt64 = 0
    /// On-demand TabNet evaluations so far and the duration of the last one (the `inference.tabnet` hop).
    public var tabnetCalls: UInt64 = 0
    public var lastTabNetNanos: Int64 = 0
}
