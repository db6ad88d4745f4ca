import Foundation
import HFTPrimitives
import Transport

/// Replies on the trade websocket: `auth` results and request results by `reqId`; `pong`s ignored.
struct BybitTradeReplySink: WebSocketMessageSink {
    let pending: BybitPendingRequests

    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        let copy = Array(bytes)
        guard let o = (try? JSONSerialization.jsonObject(with: Data(copy))) as? [String: Any] else { return true }
        switch o["op"] as? String {
        case "auth":
            pending.authReply(connection: connection, accepted: (o["retCode"] as? NSNumber)?.int32Value == 0)
        case "pong", "ping":
            break
        default:
            guard let reply = BybitTradeMessages.parseReply(copy), !reply.requestId.isEmpty else { return true }
            if reply.code == 0 {
                pending.resolve(reply.requestId, .accepted(orderId: reply.orderId ?? ""))
            } else {
                pending.resolve(reply.requestId, .rejected(code: reply.code, message: o["retMsg"] as? String ?? ""))
            }
        }
        return true
    }
}
