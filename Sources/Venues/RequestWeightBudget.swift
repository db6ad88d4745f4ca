import HFTPrimitives
import Synchronization

/// A sliding one-minute request-weight budget (Binance IP weights): a request that would exceed
/// the budget is delayed until enough weight has aged out of the window, never sent early.
///
/// Thread-safe (a mutex; cold path only). The server's own count (`X-MBX-USED-WEIGHT-1M`) can be
/// fed back with `observeServerUsed`: when it is above ours (other users of the IP), the excess is
/// booked now so that later requests wait for it too.
public final class RequestWeightBudget: Sendable {
    /// Weight allowed per window.
    public let limit: Int
    /// The window length (one minute for Binance).
    public let window: Nanos
    private struct State {
        var spent: [(time: Int64, weight: Int)] = []
        var delays = 0
        var delayedNanos: Int64 = 0
        var total = 0
    }
    private let state = Mutex(State())

    /// - Precondition: `limit > 0`.
    public init(limit: Int, window: Nanos = .seconds(60)) {
        precondition(limit > 0, "a weight budget must be positive")
        self.limit = limit
        self.window = window
    }

    /// Books `weight` at `now` if it fits and returns 0; otherwise books nothing and returns how long
    /// to wait before asking again (and counts one delay). A weight above `limit` is clamped to it.
    public func reserve(weight: Int, now: Nanos) -> Nanos {
        let w = min(weight, limit)
        return state.withLock { s in
            s.spent.removeAll { $0.time <= now.raw - window.raw }
            let used = s.spent.reduce(0) { $0 + $1.weight }
            if used + w <= limit {
                s.spent.append((now.raw, w))
                s.total += w
                return .zero
            }
            // Wait until the oldest entries that must leave have aged out.
            var excess = used + w - limit
            var wait: Int64 = 0
            for entry in s.spent {
                excess -= entry.weight
                wait = entry.time + window.raw - now.raw
                if excess <= 0 { break }
            }
            s.delays += 1
            s.delayedNanos += max(1, wait)
            return Nanos(raw: max(1, wait))
        }
    }

    /// Aligns with the server's used weight for the current window (`X-MBX-USED-WEIGHT-1M`).
    public func observeServerUsed(_ serverUsed: Int, now: Nanos) {
        state.withLock { s in
            s.spent.removeAll { $0.time <= now.raw - window.raw }
            let used = s.spent.reduce(0) { $0 + $1.weight }
            if serverUsed > used { s.spent.append((now.raw, serverUsed - used)) }
        }
    }

    /// Weight booked in the current window at `now`.
    public func used(now: Nanos) -> Int {
        state.withLock { s in s.spent.filter { $0.time > now.raw - window.raw }.reduce(0) { $0 + $1.weight } }
    }

    /// Requests delayed because the budget was spent, and the total delay asked for.
    public var delays: (count: Int, nanos: Nanos) { state.withLock { ($0.delays, Nanos(raw: $0.delayedNanos)) } }

    /// Weight booked since creation (our requests only).
    public var totalBooked: Int { state.withLock { $0.total } }
}
