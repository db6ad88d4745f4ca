/// The life of an order. `outcomeUnknown` (a timeout or a disconnect while a request was in
/// flight) is kept until reconciliation with the venue settles it — it is never guessed.
///
/// ```
/// new → sent → acked → partiallyFilled → filled
///          ↘ rejected    ↘ canceled (from acked or partiallyFilled)
/// sent | acked | partiallyFilled | cancelPending → outcomeUnknown → (any state the venue reports)
/// ```
@frozen
public enum OrderStatus: UInt8, BitwiseCopyable, Sendable, CaseIterable, CustomStringConvertible {
    case new = 0
    case sent = 1
    case acked = 2
    case partiallyFilled = 3
    case filled = 4
    case canceled = 5
    case rejected = 6
    /// A cancel request is in flight for an acked or partially filled order.
    case cancelPending = 7
    case outcomeUnknown = 8

    /// No further venue event can change it.
    @inlinable
    public var isTerminal: Bool { self == .filled || self == .canceled || self == .rejected }

    /// May still fill: counts against open-order and position limits.
    @inlinable
    public var isWorking: Bool {
        switch self {
        case .sent, .acked, .partiallyFilled, .cancelPending, .outcomeUnknown: return true
        case .new, .filled, .canceled, .rejected: return false
        }
    }

    public var description: String {
        switch self {
        case .new: return "new"
        case .sent: return "sent"
        case .acked: return "acked"
        case .partiallyFilled: return "partiallyFilled"
        case .filled: return "filled"
        case .canceled: return "canceled"
        case .rejected: return "rejected"
        case .cancelPending: return "cancelPending"
        case .outcomeUnknown: return "outcomeUnknown"
        }
    }
}
