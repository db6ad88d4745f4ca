/// Why the scalper closed a position (also the order tag of the exit, 10 + raw value).
@frozen
public enum ExitReason: UInt8, BitwiseCopyable, Sendable, CaseIterable {
    case target = 0
    case stop = 1
    case time = 2
    case regimeChange = 3
}
