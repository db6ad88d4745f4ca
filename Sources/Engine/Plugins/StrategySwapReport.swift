/// What a hot swap did and how long it took.
public struct StrategySwapReport: Sendable, Hashable, CustomStringConvertible {
    public var from: StrategyManifest
    public var to: StrategyManifest
    /// Bytes of state carried from `save_state` to `load_state`.
    public var stateBytes: Int
    /// Creating the new instance (before the quiescent point; the old one could keep trading meanwhile).
    public var createNanos: Int64
    /// save_state + load_state + switch: the pause the event stream sees.
    public var switchNanos: Int64
    /// Everything, including destroying the old instance.
    public var totalNanos: Int64

    public var description: String {
        "swap \(from.name) \(from.version) → \(to.name) \(to.version): \(stateBytes) B of state, create \(createNanos) ns, "
            + "pause \(switchNanos) ns, total \(totalNanos) ns"
    }
}
