import HFTPrimitives

/// What a venue (paper or live) reports about an order.
@frozen
public enum ExecutionReportKind: UInt8, BitwiseCopyable, Sendable {
    case ack = 0
    case fill = 1
    case canceled = 2
    case rejected = 3
    /// A cancel request the venue refused (e.g. Binance -2011, unknown order).
    case cancelRejected = 4
    /// An IOC/FOK/market remainder the venue expired without a fill.
    case expired = 5
}

/// One report from a venue to the execution stage; 64 bytes, crosses rings by value.
@frozen
public struct ExecutionReport: BitwiseCopyable, Sendable, Equatable {
    public var clientOrderId: ClientOrderId
    public var venueOrderId: VenueOrderId
    public var kind: ExecutionReportKind
    public var side: Side
    public var isMaker: Bool
    /// Venue error code for rejections (Binance-compatible codes), else 0.
    public var code: Int32
    public var price: Price
    public var quantity: Quantity
    /// Fee in quote raw units at the instrument's price scale; negative = rebate.
    public var fee: Int64
    /// When the venue produced it (venue clock: event time in replay).
    public var venueTime: Nanos
    /// When it reaches us (venueTime + response latency).
    public var deliverAt: Nanos

    @inlinable
    public init(clientOrderId: ClientOrderId, venueOrderId: VenueOrderId, kind: ExecutionReportKind, side: Side, isMaker: Bool = false,
                code: Int32 = 0, price: Price = .zero, quantity: Quantity = .zero, fee: Int64 = 0, venueTime: Nanos, deliverAt: Nanos) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = venueOrderId
        self.kind = kind
        self.side = side
        self.isMaker = isMaker
        self.code = code
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.venueTime = venueTime
        self.deliverAt = deliverAt
    }

    /// The order event this report means for our order state machine.
    @inlinable
    public var orderEvent: OrderEvent {
        switch kind {
        case .ack: return .acked(venueOrderId)
        case .fill: return .fill(price: price, quantity: quantity, fee: fee, isMaker: isMaker)
        case .canceled, .expired: return .canceled
        case .rejected: return .rejected(code: code)
        case .cancelRejected: return .reconciled(status: .acked, filled: .zero)
        }
    }
}
