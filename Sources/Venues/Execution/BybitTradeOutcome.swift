/// The outcome of one Bybit trade-websocket request.
public enum BybitTradeOutcome: Sendable, Equatable {
    /// `retCode` 0: the venue accepted it (`orderId` of the order).
    case accepted(orderId: String)
    /// A non-zero `retCode` (e.g. 10001 parameter error, 110001 order does not exist).
    case rejected(code: Int32, message: String)
    /// No answer (timeout, dropped connection): reconcile before trusting the order's state.
    case outcomeUnknown
    /// Not sent: the connection is not open and authenticated, or the send queue is full.
    case notSent
}
