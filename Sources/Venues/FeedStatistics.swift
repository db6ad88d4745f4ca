import HFTPrimitives

/// A copy of a feed's `FeedStatus` counters at one moment (see there for each field).
public struct FeedStatistics: Sendable, Hashable {
    public var frames: Int
    public var disconnects: Int
    public var reconnectResets: Int
    public var gaps: Int
    public var stalePeriods: Int
    public var staleNanos: Nanos
    public var maxStaleNanos: Nanos
    public var resyncs: Int
    public var initialSyncs: Int
    public var snapshotRequests: Int
    public var snapshotsFetched: Int
    public var snapshotFailures: Int
    public var snapshotsApplied: Int
    public var snapshotsTooOld: Int
    public var weightDelays: Int
    public var resubscriptions: Int
    public var parseErrors: Int
    public var heldDiffs: Int
    public var duplicateTrades: Int
}
