import HFTPrimitives

/// What happened to an order, from our side (sent, cancel requested, timed out) or the venue's.
@frozen
public enum OrderEvent: BitwiseCopyable, Sendable, Equatable {
    /// The request bytes were handed to the venue (or paper venue).
    case sent
    /// The venue accepted the order.
    case acked(VenueOrderId)
    /// The venue refused the order (`code` is the venue's error code, e.g. Binance -2010).
    case rejected(code: Int32)
    /// A fill of `quantity` at `price`; `fee` in quote raw units at the price scale (negative = rebate).
    case fill(price: Price, quantity: Quantity, fee: Int64, isMaker: Bool)
    /// We asked the venue to cancel.
    case cancelRequested
    /// The venue confirmed the cancel.
    case canceled
    /// A request timed out or the connection dropped while it was in flight.
    case outcomeUnknown
    /// Reconciliation with the venue reported this state and cumulative filled quantity.
    case reconciled(status: OrderStatus, filled: Quantity)
}

/// The result of applying an `OrderEvent`: a value, never a throw (hot path).
@frozen
public enum OrderTransition: BitwiseCopyable, Sendable, Equatable {
    case applied(from: OrderStatus, to: OrderStatus)
    /// The event repeats one already applied (e.g. a duplicate ack): ignored, counted.
    case duplicate
    /// The event is not allowed in this state (e.g. a fill on a canceled order): refused, counted.
    case invalid(from: OrderStatus)
    /// A fill would exceed the order quantity: refused, counted; reconcile.
    case overfill
}
