import HFTPrimitives

/// An order as the paper venue holds it: a request in flight to the venue, or a resting order.
@frozen
public struct PaperOrder: BitwiseCopyable, Sendable, Equatable {
    public var clientOrderId: ClientOrderId
    public var venueOrderId: VenueOrderId
    public var side: Side
    public var kind: OrderKind
    public var timeInForce: TimeInForce
    public var price: Price
    public var quantity: Quantity
    public var filled: Quantity
    /// Estimated queue ahead at the order's price (resting orders).
    public var queue: QueuePosition
    /// The displayed quantity at the order's price at the last book update we saw.
    public var lastLevelQuantity: Int64

    @inlinable
    public init(clientOrderId: ClientOrderId, side: Side, kind: OrderKind, timeInForce: TimeInForce, price: Price, quantity: Quantity) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = VenueOrderId(raw: 0)
        self.side = side
        self.kind = kind
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        self.filled = .zero
        self.queue = QueuePosition(front: 0)
        self.lastLevelQuantity = 0
    }

    @inlinable
    public var remaining: Int64 { quantity.raw &- filled.raw }
}

/// A request travelling to the paper venue.
@frozen
public struct PaperRequest: BitwiseCopyable, Sendable {
    public enum Kind: UInt8, BitwiseCopyable, Sendable { case new, cancel }
    public var kind: Kind
    public var order: PaperOrder
    /// Venue time at which the venue acts on it (sent + entry latency).
    public var arrivesAt: Nanos
    /// Response latency drawn for this request's reports.
    public var response: Nanos
}

/// Result of handing a request to the paper venue.
@frozen
public enum PaperSubmitResult: BitwiseCopyable, Sendable, Equatable {
    case accepted
    /// The venue's request or order table is full: reject the intent with a counted reason.
    case backPressured
}
