import HFTPrimitives

/// The outcome of admitting a risk-accepted intent into the order manager.
@frozen
public enum OrderAdmission: BitwiseCopyable, Sendable, Equatable {
    /// Journaled and stored with this client order id, status `.new`.
    case admitted(ClientOrderId)
    /// The table slot for the next id still holds a working order, or the instrument table is full.
    case tableFull
    /// Restart recovery has orders the venue has not confirmed yet: no new orders until reconciled.
    case awaitingReconciliation
    /// The journal write failed: nothing was stored, nothing must be sent.
    case journalFailed(errno: Int32)
}

/// The outcome of applying an event to a managed order.
@frozen
public enum OrderUpdate: BitwiseCopyable, Sendable, Equatable {
    /// The state machine's answer (only `.applied` was journaled and acted on).
    case transition(OrderTransition)
    /// No order with that client id is in the table (unknown or overwritten after it ended).
    case unknownOrder
    /// The journal write failed: the event was not applied.
    case journalFailed(errno: Int32)

    /// Whether the event changed the order.
    @inlinable
    public var isApplied: Bool {
        if case .transition(.applied) = self { return true }
        return false
    }
}
