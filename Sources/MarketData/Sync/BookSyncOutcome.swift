/// What `SyncedOrderBook` did with one depth message. A value, never thrown.
@frozen
public enum BookSyncOutcome: UInt8, BitwiseCopyable, Sendable, Hashable, CustomStringConvertible {
    /// The diff was applied; the book is current.
    case applied
    /// A snapshot replaced the book and any buffered diffs were bridged; the book is current
    /// (or waits for its first bridging diff, still publishable).
    case snapshotApplied
    /// The book is stale; the diff was kept to bridge from once a snapshot arrives.
    case buffered
    /// The diff was already covered by the book (older than the snapshot, or a duplicate), or the
    /// book was stale and the venue's next snapshot supersedes it; dropped and counted.
    case droppedStale
    /// A sequence gap (or a crossed book) was detected: the book went stale at this message.
    /// The caller must obtain a new snapshot (Binance: REST; Bybit: resubscribe).
    case needSnapshot
    /// The stale-diff buffer was full: it was emptied (this diff kept); the pending snapshot may now
    /// be too old to bridge, so the caller should request a newer one.
    case bufferOverflowed
    /// The snapshot is older than the first buffered diff can bridge (updates missing in between)
    /// or older than the book: the book stays stale; the caller must request a newer snapshot.
    case snapshotTooOld
    /// The diff came from another connection than the last applied one and skips ahead of the book
    /// (an overlapping rollover): held until the older connection delivers what lies between. The
    /// book is unchanged and still current.
    case held

    /// Whether the caller must obtain a (new) snapshot.
    @inlinable
    public var needsSnapshot: Bool { self == .needSnapshot || self == .bufferOverflowed || self == .snapshotTooOld }

    public var description: String {
        switch self {
        case .applied: return "applied"
        case .snapshotApplied: return "snapshotApplied"
        case .buffered: return "buffered"
        case .droppedStale: return "droppedStale"
        case .needSnapshot: return "needSnapshot"
        case .bufferOverflowed: return "bufferOverflowed"
        case .snapshotTooOld: return "snapshotTooOld"
        case .held: return "held"
        }
    }
}

/// Where a `SyncedOrderBook` is in its venue's sync procedure.
@frozen
public enum BookSyncPhase: UInt8, BitwiseCopyable, Sendable, Hashable {
    /// No valid book: diffs are buffered (Binance) until a snapshot arrives. Published as stale.
    case awaitingSnapshot
    /// A snapshot is loaded and valid; the first diff must satisfy the venue's bridging rule.
    case bridging
    /// Diffs chain; the book is current.
    case live
}

/// Counters of one `SyncedOrderBook`. Plain integers, read by the owning thread or copied out.
@frozen
public struct BookSyncCounters: BitwiseCopyable, Sendable, Hashable {
    /// Diffs applied to the book (directly or bridged from the buffer).
    public var appliedDiffs: Int = 0
    /// Level updates applied (snapshot levels included).
    public var appliedLevels: Int = 0
    /// Snapshots applied.
    public var snapshots: Int = 0
    /// Snapshots that brought the book back after it had been current before (initial sync excluded).
    public var resyncs: Int = 0
    /// Sequence gaps detected (each made the book stale).
    public var gaps: Int = 0
    /// Diffs dropped as already covered by the book, duplicates, or superseded by a snapshot.
    public var droppedStale: Int = 0
    /// Diffs buffered while stale.
    public var buffered: Int = 0
    /// Times the stale-diff buffer overflowed and was emptied.
    public var bufferOverflows: Int = 0
    /// Snapshots that could not bridge to the buffered diffs or were older than the book.
    public var snapshotsTooOld: Int = 0
    /// Times the book was crossed after a whole message (treated as corruption: stale + resync).
    public var crossedBooks: Int = 0
    /// Times diffs of a newer connection were held because they skipped ahead (see `SyncedOrderBook`).
    public var reorderHolds: Int = 0
    /// Holds that ended with the older connection bridging to the held diffs (the others became gaps).
    public var reordersBridged: Int = 0

    @inlinable public init() {}
}
