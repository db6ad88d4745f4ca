/// The queue model chosen in config, dispatched by `switch` (no existential on the hot path).
@frozen
public enum QueueModelKind: Sendable, Equatable, QueueModel {
    case riskAverse
    case probabilistic(QueueProbability)

    /// Parses the config names `risk-averse`, `prob-power:<n>` and `prob-log`.
    public init?(configName: String) {
        if configName == "risk-averse" { self = .riskAverse; return }
        if configName == "prob-log" { self = .probabilistic(.log); return }
        if configName.hasPrefix("prob-power:"), let n = Double(configName.dropFirst("prob-power:".count)), n > 0 {
            self = .probabilistic(.power(n)); return
        }
        return nil
    }

    @inlinable
    public func depth(_ position: inout QueuePosition, previous: Double, current: Double) {
        switch self {
        case .riskAverse: RiskAverseQueueModel().depth(&position, previous: previous, current: current)
        case .probabilistic(let p): ProbabilisticQueueModel(p).depth(&position, previous: previous, current: current)
        }
    }
}
