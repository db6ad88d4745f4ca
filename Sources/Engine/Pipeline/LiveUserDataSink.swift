import HFTPrimitives
import Synchronization
import Transport
import Venues

/// The user-data stream's sink: each `ORDER_TRADE_UPDATE` of one of our orders becomes an `update`
/// report. Cold path (copies and parses; a few messages per order).
struct LiveUserDataSink: WebSocketMessageSink {
    let requests: BinanceOrderRequests
    let outbox: LiveReportOutbox
    let counters: LiveVenueCounters

    mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        guard let u = BinanceOrderUpdate.parse(Array(bytes), spec: requests.spec), let id = requests.clientOrderId(wire: u.clientOrderId) else { return true }
        let execution: LiveVenueReport.Execution
        switch u.executionType {
        case "NEW": execution = .new
        case "TRADE": execution = .trade
        case "CANCELED", "EXPIRED": execution = .canceled
        default: execution = .other
        }
        outbox.push(LiveVenueReport(.update, clientOrderId: id, venueOrderId: u.orderId, status: u.status, execution: execution,
                                    price: u.lastPrice, quantity: u.lastQuantity, cumulative: u.cumulativeQuantity, fee: u.fee, isMaker: u.isMaker))
        // ORDERING: relaxed; a statistic.
        counters.userDataUpdates.wrappingAdd(1, ordering: .relaxed)
        return true
    }
}
