/// Counters of a running `MarketSimulator` (a copy; read with `MarketSimulator.statistics`).
public struct SimulatorStatistics: Sendable, Hashable {
    /// Recorded frames processed (applied to the simulator's book, whether or not anyone got them).
    public var framesProcessed = 0
    /// Websocket messages queued to clients (market data, user data, replies).
    public var messagesSent = 0
    /// Times a full client send queue held the replay.
    public var backpressureWaits = 0
    /// Completed passes over the recording.
    public var passes = 0
    /// Faults injected so far.
    public var faultsInjected = 0
    /// Depth diffs withheld by `gap` faults.
    public var diffsSkipped = 0
    /// REST depth snapshots served.
    public var snapshotsServed = 0
    /// Orders accepted (placed), and order requests refused with an error code.
    public var ordersAccepted = 0
    public var orderErrors = 0
    /// Fills produced by the matching.
    public var fills = 0
    /// Fixed-rate pacing: market frames paced, and those sent more than one period after their due time.
    public var framesPaced = 0
    public var framesLate = 0
    public init() {}
}
