import Synchronization
import Transport

/// The request `id` → waiter table of a WebSocket API connection.
///
/// Invariant: each waiter is resumed exactly once — whoever removes its entry (the reply, the
/// timeout, the disconnect, or a refused send) resumes it, outside the mutex.
/// Thread-safe (mutex; cold path).
final class WebSocketAPIPendingRequests: Sendable {
    private let table = Mutex<[String: CheckedContinuation<WebSocketAPIRequestResult, Never>]>([:])

    /// Requests awaiting their reply.
    var count: Int { table.withLock { $0.count } }

    func register(_ id: String, _ waiter: CheckedContinuation<WebSocketAPIRequestResult, Never>) {
        let previous = table.withLock { t in t.updateValue(waiter, forKey: id) }
        precondition(previous == nil, "WebSocket API request id reused: \(id)")
    }

    /// Resumes the waiter of `id` with `result` if it is still pending; false when it was already settled.
    @discardableResult
    func resolve(_ id: String, _ result: WebSocketAPIRequestResult) -> Bool {
        guard let waiter = table.withLock({ $0.removeValue(forKey: id) }) else { return false }
        waiter.resume(returning: result)
        return true
    }

    /// Resumes every pending waiter with `outcome` (the connection carrying them ended). Returns how
    /// many; `counted` sees that number before any waiter resumes (so a waiter reads the count).
    @discardableResult
    func failAll(_ outcome: BinanceGatewayOutcome, counted: (Int) -> Void = { _ in }) -> Int {
        let all = table.withLock { t -> [CheckedContinuation<WebSocketAPIRequestResult, Never>] in
            defer { t.removeAll() }
            return Array(t.values)
        }
        counted(all.count)
        for waiter in all { waiter.resume(returning: .done(outcome)) }
        return all.count
    }
}
