import Synchronization

/// Open/closed state of the WebSocket API connection and the gateway's counters.
final class WebSocketAPIConnectionState: Sendable {
    /// Id of the open connection (0: none).
    let openConnection = Atomic<UInt32>(0)
    let restFallbacks = Atomic<UInt64>(0)
    let droppedInFlight = Atomic<UInt64>(0)

    // ORDERING (all below): acquiring/releasing so that a sender that sees the connection open also
    // sees the client's state that made it so; the counters are relaxed statistics.
    var isOpen: Bool { openConnection.load(ordering: .acquiring) != 0 }
    func opened(_ c: UInt32) { openConnection.store(c, ordering: .releasing) }
    /// Marks `c` closed; true when it was the open connection.
    func closed(_ c: UInt32) -> Bool { openConnection.compareExchange(expected: c, desired: 0, ordering: .acquiringAndReleasing).exchanged }
    func countDropped(_ n: Int) { droppedInFlight.wrappingAdd(UInt64(n), ordering: .relaxed) }
}
