/// The raw context behind `hft_host_api.context`.
@frozen
public struct StrategyHostContext {
    public var now: Int64
    public var policy: UnsafeMutableRawPointer?
    public var services: UnsafeMutableRawPointer?
}
