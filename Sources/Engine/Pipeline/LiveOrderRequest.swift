import Execution
import HFTPrimitives

/// What the Execution stage asks the live venue to do (Execution → gateway ring, 32 bytes).
/// The order was admitted and journaled as `.sent` (place) or `.cancelRequested` (cancel) first.
@frozen
public struct LiveOrderRequest: BitwiseCopyable, Sendable, Equatable {
    @frozen
    public enum Action: UInt8, BitwiseCopyable, Sendable {
        case place = 0
        case cancel = 1
        /// Reconciliation: ask the venue for the order's state (`order.status`).
        case status = 2
    }

    public var clientOrderId: ClientOrderId
    public var price: Price
    public var quantity: Quantity
    public var action: Action
    public var side: Side
    public var kind: OrderKind
    public var timeInForce: TimeInForce

    @inlinable
    public init(_ action: Action, clientOrderId: ClientOrderId, side: Side, kind: OrderKind = .limit, timeInForce: TimeInForce = .gtc,
                price: Price = .zero, quantity: Quantity = .zero) {
        self.clientOrderId = clientOrderId
        self.price = price
        self.quantity = quantity
        self.action = action
        self.side = side
        self.kind = kind
        self.timeInForce = timeInForce
    }

    /// A place request for `order`.
    @inlinable
    public init(placing order: Order) {
        self.init(.place, clientOrderId: order.clientOrderId, side: order.side, kind: order.kind, timeInForce: order.timeInForce,
                  price: order.price, quantity: order.quantity)
    }
}
