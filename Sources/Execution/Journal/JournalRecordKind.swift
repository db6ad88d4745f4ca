/// What one journal record says. Stored as one byte; values never change meaning (the journal
/// outlives the binary that wrote it).
@frozen
public enum JournalRecordKind: UInt8, BitwiseCopyable, Sendable, CaseIterable, CustomStringConvertible {
    /// An intent the risk gate accepted, with its assigned client order id (creates the order).
    case intent = 1
    /// The order request is about to be handed to the venue.
    case sent = 2
    /// The venue accepted the order (`a` = venue order id).
    case ack = 3
    /// The venue refused the order (`a` = venue error code).
    case reject = 4
    /// A fill (`a` = price, `b` = quantity, `c` = fee, flag `isMaker`).
    case fill = 5
    /// We are about to ask the venue to cancel.
    case cancelRequest = 6
    /// The venue confirmed the cancel (or expired the remainder).
    case cancel = 7
    /// A request timed out or the connection dropped with it in flight.
    case outcomeUnknown = 8
    /// Reconciliation with the venue (`status`, `b` = the venue's cumulative filled quantity).
    case reconciled = 9

    public var description: String {
        switch self {
        case .intent: return "intent"
        case .sent: return "sent"
        case .ack: return "ack"
        case .reject: return "reject"
        case .fill: return "fill"
        case .cancelRequest: return "cancel_request"
        case .cancel: return "cancel"
        case .outcomeUnknown: return "outcome_unknown"
        case .reconciled: return "reconciled"
        }
    }
}
