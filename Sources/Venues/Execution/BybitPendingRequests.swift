import Synchronization

/// The trade websocket's `reqId` → waiter table and authentication state (mutex; cold path).
/// Invariant: each waiter is resumed exactly once, by whoever removes it.
final class BybitPendingRequests: Sendable {
    private let state = Mutex<(waiters: [String: CheckedContinuation<BybitTradeOutcome, Never>], connection: UInt32, authenticated: Bool)>(([:], 0, false))
    let authFailures = Atomic<UInt64>(0)

    var isAuthenticated: Bool { state.withLock { $0.authenticated } }

    func authenticating(_ connection: UInt32) { state.withLock { $0.connection = connection; $0.authenticated = false } }

    func authReply(connection: UInt32, accepted: Bool) {
        if !accepted {
            // ORDERING: relaxed; a statistic.
            authFailures.wrappingAdd(1, ordering: .relaxed)
        }
        state.withLock { s in if s.connection == connection { s.authenticated = accepted } }
    }

    /// The connection ended; true when it was the current one.
    func closed(_ connection: UInt32) -> Bool {
        state.withLock { s in
            guard s.connection == connection else { return false }
            s.authenticated = false
            return true
        }
    }

    func register(_ id: String, _ waiter: CheckedContinuation<BybitTradeOutcome, Never>) {
        state.withLock { $0.waiters[id] = waiter }
    }

    func resolve(_ id: String, _ outcome: BybitTradeOutcome) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: outcome)
    }

    func failAll() {
        let all = state.withLock { s -> [CheckedContinuation<BybitTradeOutcome, Never>] in
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for w in all { w.resume(returning: .outcomeUnknown) }
    }
}
