import Synchronization

/// Counters of a `LiveVenue` (relaxed statistics, any thread).
public final class LiveVenueCounters: Sendable {
    /// Requests taken from the ring and carried out.
    public let requestsHandled = Atomic<UInt64>(0)
    /// User-data order updates forwarded to the Execution stage.
    public let userDataUpdates = Atomic<UInt64>(0)
    /// Listen-key keepalives the venue accepted.
    public let keepalives = Atomic<UInt64>(0)
}
