import Execution
import HFTPrimitives

/// What the live venue said about one order (gateway → Execution ring, 56 bytes). The Execution
/// stage turns it into `OrderEvent`s against its own view of the order (so a repeated report is a
/// counted duplicate, never a double fill) and tells the strategy like a paper report.
@frozen
public struct LiveVenueReport: BitwiseCopyable, Sendable, Equatable {
    @frozen
    public enum Kind: UInt8, BitwiseCopyable, Sendable {
        /// The place was accepted (`venueOrderId`); fills follow on the user-data stream.
        case acked = 0
        /// The place was refused (`code`: Binance's error code).
        case rejected = 1
        /// No answer (timeout, dropped connection): reconcile with `status`.
        case outcomeUnknown = 2
        /// The venue's state of the order (`status`, cumulative fill in `cumulative`).
        case reconciled = 3
        /// A cancel the venue refused (-2011: already ended; its fills arrive on their own).
        case cancelRefused = 4
        /// `order.status` found no such order (-2013).
        case notFound = 5
        /// A user-data `ORDER_TRADE_UPDATE` (`execution`: what happened).
        case update = 6
    }

    /// The user-data execution type `x` of an `update`.
    @frozen
    public enum Execution: UInt8, BitwiseCopyable, Sendable {
        case other = 0, new = 1, trade = 2, canceled = 3
    }

    public var clientOrderId: ClientOrderId
    public var venueOrderId: UInt64
    /// Last fill price and quantity (`update` of a trade).
    public var price: Price
    public var quantity: Quantity
    /// Cumulative filled quantity (`update`, `reconciled`).
    public var cumulative: Quantity
    /// Commission of the last fill, quote raw units at the price scale.
    public var fee: Int64
    public var code: Int32
    public var kind: Kind
    public var status: OrderStatus
    public var execution: Execution
    public var isMaker: Bool

    @inlinable
    public init(_ kind: Kind, clientOrderId: ClientOrderId, venueOrderId: UInt64 = 0, status: OrderStatus = .new, code: Int32 = 0,
                execution: Execution = .other, price: Price = .zero, quantity: Quantity = .zero, cumulative: Quantity = .zero,
                fee: Int64 = 0, isMaker: Bool = false) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = venueOrderId
        self.price = price
        self.quantity = quantity
        self.cumulative = cumulative
        self.fee = fee
        self.code = code
        self.kind = kind
        self.status = status
        self.execution = execution
        self.isMaker = isMaker
    }
}
