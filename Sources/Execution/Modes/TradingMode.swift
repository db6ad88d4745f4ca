/// Where orders go. Strategies never see it (STYLE 11); the execution stage does.
public enum TradingMode: String, Sendable, Equatable, CaseIterable {
    /// The paper venue fills against the live or replayed book.
    case paper
    /// The live venue, through a gateway, after an explicit arming step.
    case live
}
