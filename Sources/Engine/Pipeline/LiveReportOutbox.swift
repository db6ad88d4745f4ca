import HFTRuntime
import Synchronization

/// The producing end of the gateway → Execution report ring, shared by the gateway's task and
/// the user-data service thread: pushes are serialized by a mutex (so the ring keeps one producer
/// at a time), and a report the ring cannot take waits in a backlog (never dropped) until `flush`.
/// Cold side only; the Execution stage pops without locking.
final class LiveReportOutbox: @unchecked Sendable {
    // SAFETY: `producer` is a view of a ring the owning `LiveVenue` keeps alive; it is used only
    // inside `backlog`'s lock, so exactly one thread publishes at a time.
    private let producer: RingProducer<LiveVenueReport>
    private let backlog = Mutex<[LiveVenueReport]>([])

    init(producer: RingProducer<LiveVenueReport>) { self.producer = producer }

    /// Publishes `report` (after any backlog, keeping the order).
    func push(_ report: LiveVenueReport) {
        let producer = self.producer
        backlog.withLock { b in
            if b.isEmpty, producer.push(report) == .published { return }
            b.append(report)
        }
    }

    /// Publishes what the backlog holds, in order, while the ring has room. Returns what is left.
    @discardableResult
    func flush() -> Int {
        let producer = self.producer
        return backlog.withLock { b in
            var n = 0
            while n < b.count, producer.push(b[n]) == .published { n += 1 }
            b.removeFirst(n)
            return b.count
        }
    }
}
