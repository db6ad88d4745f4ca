import HFTPrimitives

/// One order and its state. Invariants: `filled <= quantity`; `status == .filled` iff
/// `filled == quantity`; terminal states never change (checked by `checkInvariants`).
@frozen
public struct Order: BitwiseCopyable, Sendable, Equatable {
    public var clientOrderId: ClientOrderId
    public var venueOrderId: VenueOrderId
    public var instrument: InstrumentId
    public var strategy: StrategyId
    public var side: Side
    public var kind: OrderKind
    public var timeInForce: TimeInForce
    public var status: OrderStatus
    /// Status before an in-flight cancel or an unknown outcome, to return to if it fails.
    public var previousStatus: OrderStatus
    public var price: Price
    public var quantity: Quantity
    public var filled: Quantity
    /// Σ price.raw × qty.raw of fills (for the average fill price).
    public var filledNotional: Int64
    /// Σ fees in quote raw units (negative = rebates).
    public var fees: Int64
    public var tag: UInt32
    public var createdAt: Nanos
    public var tickReceiveTime: Nanos

    public init(intent: Intent, clientOrderId: ClientOrderId) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = VenueOrderId(raw: 0)
        self.instrument = intent.instrument
        self.strategy = intent.strategy
        self.side = intent.side
        self.kind = intent.kind
        self.timeInForce = intent.timeInForce
        self.status = .new
        self.previousStatus = .new
        self.price = intent.price
        self.quantity = intent.quantity
        self.filled = .zero
        self.filledNotional = 0
        self.fees = 0
        self.tag = intent.tag
        self.createdAt = intent.createdAt
        self.tickReceiveTime = intent.tickReceiveTime
    }

    /// Quantity still open.
    @inlinable
    public var remaining: Quantity { Quantity(raw: quantity.raw &- filled.raw) }

    /// Applies an event to the state machine.
    /// - Complexity: O(1), no allocation.
    @inlinable
    public mutating func apply(_ event: OrderEvent) -> OrderTransition {
        let from = status
        switch event {
        case .sent:
            guard from == .new else { return from == .sent ? .duplicate : .invalid(from: from) }
            status = .sent
        case .acked(let id):
            switch from {
            case .sent, .outcomeUnknown:
                venueOrderId = id
                status = .acked
            case .acked, .partiallyFilled, .filled, .cancelPending, .canceled:
                // A late or repeated ack after the order moved on.
                if venueOrderId.raw == 0 { venueOrderId = id }
                return .duplicate
            case .new, .rejected:
                return .invalid(from: from)
            }
        case .rejected:
            switch from {
            case .sent, .outcomeUnknown: status = .rejected
            case .rejected: return .duplicate
            default: return .invalid(from: from)
            }
        case .fill(let price, let qty, let fee, _):
            switch from {
            case .sent, .acked, .partiallyFilled, .cancelPending, .outcomeUnknown:
                guard qty.raw > 0 else { return .invalid(from: from) }
                let newFilled = filled.raw &+ qty.raw
                guard newFilled <= quantity.raw else { return .overfill }
                filled = Quantity(raw: newFilled)
                filledNotional &+= price.raw &* qty.raw
                fees &+= fee
                if newFilled == quantity.raw {
                    status = .filled
                } else if from != .cancelPending && from != .outcomeUnknown {
                    status = .partiallyFilled
                } else if from == .cancelPending {
                    previousStatus = .partiallyFilled
                }
            default:
                return .invalid(from: from)
            }
        case .cancelRequested:
            switch from {
            case .acked, .partiallyFilled:
                previousStatus = from
                status = .cancelPending
            case .cancelPending: return .duplicate
            default: return .invalid(from: from)
            }
        case .canceled:
            switch from {
            case .acked, .partiallyFilled, .cancelPending, .outcomeUnknown, .sent: status = .canceled
            case .canceled: return .duplicate
            default: return .invalid(from: from)
            }
        case .outcomeUnknown:
            switch from {
            case .sent, .acked, .partiallyFilled, .cancelPending:
                previousStatus = from
                status = .outcomeUnknown
            case .outcomeUnknown: return .duplicate
            default: return .invalid(from: from)
            }
        case .reconciled(let venueStatus, let venueFilled):
            // The venue is the authority: adopt its cumulative fill and state.
            guard venueFilled.raw >= 0 && venueFilled.raw <= quantity.raw else { return .overfill }
            guard !from.isTerminal || (from == venueStatus && venueFilled == filled) else {
                return from == venueStatus ? .duplicate : .invalid(from: from)
            }
            filled = venueFilled
            status = venueStatus
            if venueStatus == .filled && venueFilled != quantity { status = .partiallyFilled }
        }
        return .applied(from: from, to: status)
    }

    /// Checks the invariants; returns a description of the first violation.
    public func checkInvariants() -> String? {
        if filled.raw < 0 || filled.raw > quantity.raw { return "filled \(filled.raw) outside 0...\(quantity.raw)" }
        if (status == .filled) != (filled.raw == quantity.raw && quantity.raw > 0) && status != .outcomeUnknown && status != .cancelPending {
            if status == .filled || status == .partiallyFilled || status == .acked { return "status \(status) with filled \(filled.raw) of \(quantity.raw)" }
        }
        if status == .partiallyFilled && (filled.raw == 0 || filled.raw == quantity.raw) { return "partiallyFilled with filled \(filled.raw)" }
        return nil
    }
}
