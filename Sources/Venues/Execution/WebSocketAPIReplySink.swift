import HFTPrimitives
import Transport

/// The WebSocket API connection's sink: each reply settles its pending request by `id`.
/// Cold path (copies and parses each reply; the API carries a few messages per order).
struct WebSocketAPIReplySink: WebSocketMessageSink {
    let pending: WebSocketAPIPendingRequests
    let spec: InstrumentSpec

    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        let copy = Array(bytes)
        guard let id = BinanceOrderReply.webSocketReplyId(copy) else { return true }
        // A reply we cannot read: the venue may have acted on it.
        let outcome = BinanceOrderReply.parse(copy, spec: spec).map(BinanceGatewayOutcome.reply) ?? .outcomeUnknown(.closedBeforeCompletion)
        pending.resolve(id, .done(outcome))
        return true
    }
}
