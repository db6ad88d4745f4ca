/// The raw context behind `hft_host_api.context`.
@frozen
public struct StrategyHostContext {
    public var now: Int64
    public var policy: UnsafeMutableRawPointer?
    public var services: UnsafeMutableRawPointer?
    /// PPO evaluations so far and the duration of the last one (for the `inference.ppo` hop).
    public var ppoCalls: UInt64 = 0
    public var lastPPONanos: Int64 = 0
}
