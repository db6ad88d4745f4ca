/// An idle strategy chosen by name in config: `busySpin`, `spinYield` or `backoff`.
///
/// The runner switches on this enum once, at thread start, and then runs a loop specialized for
/// the concrete strategy type, so the hot path never goes through an existential.
@frozen
public enum IdleStrategyConfig: Sendable, Hashable {
    /// `BusySpinIdleStrategy`: a core to itself, lowest latency.
    case busySpin
    /// `SpinYieldIdleStrategy` with the given spin count before yielding.
    case spinYield(maxSpins: Int = 100)
    /// `BackoffIdleStrategy` with the given tuning.
    case backoff(BackoffIdleStrategy.Parameters = .default)

    /// The config names, in order of decreasing CPU use.
    public static let names = ["busySpin", "spinYield", "backoff"]

    /// The strategy with default parameters for a config name (`busySpin`, `spinYield`,
    /// `backoff`; also accepted: `busy-spin`, `spin-yield`), or `nil` for an unknown name.
    public init?(name: String) {
        switch name {
        case "busySpin", "busy-spin", "busyspin": self = .busySpin
        case "spinYield", "spin-yield", "spinyield": self = .spinYield()
        case "backoff": self = .backoff()
        default: return nil
        }
    }

    /// The config name of this strategy.
    public var name: String {
        switch self {
        case .busySpin: "busySpin"
        case .spinYield: "spinYield"
        case .backoff: "backoff"
        }
    }

    /// Whether the strategy keeps its core busy while idle (it needs a core to itself).
    public var spins: Bool {
        if case .busySpin = self { return true }
        return false
    }

    /// Whether the parameters are usable; `nil` when they are, else the reason.
    public func validate() -> String? {
        switch self {
        case .busySpin: return nil
        case .spinYield(let maxSpins): return maxSpins < 0 ? "spinYield maxSpins must not be negative (got \(maxSpins))" : nil
        case .backoff(let parameters): return parameters.validate()
        }
    }
}
