import HFTPrimitives
import HFTTelemetry
import Synchronization

/// State a feed shares across threads: per-instrument stale flags (read by anyone), snapshot
/// requests (Book stage → snapshot fetcher), the reconnect epoch (service thread → Book stage), and
/// counters. Fixed size, allocated at creation; every access is one atomic operation.
public final class FeedStatus: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): the pointers are allocated in `init`, freed in `deinit`, never
    // reassigned, and every element is an `Atomic` accessed only through its atomic operations.
    public let instrumentCount: Int
    // SAFETY: `instrumentCount` initialized elements each; indices are checked or come from the
    // Book stage's routed instrument ids (< instrumentCount).
    @usableFromInline let staleFlags: UnsafeMutablePointer<Atomic<Int>>
    @usableFromInline let wanted: UnsafeMutablePointer<Atomic<Int>>
    /// Bumped by the service thread when the delivering connection is lost (not on rollover).
    let epoch = Atomic<Int>(0)
    /// The connection currently delivering (service thread only, atomics for tidiness).
    let delivering = Atomic<UInt32>(UInt32.max)
    let deliveringOpened = Atomic<Bool>(false)

    /// Frames taken from the Feed → Book ring and ingested.
    public let frames = Atomic<Int>(0)
    /// Delivering connections lost (each made every book stale; rollovers excluded).
    public let disconnects = Atomic<Int>(0)
    /// Books reset to stale by a disconnect (per instrument and disconnect).
    public let reconnectResets = Atomic<Int>(0)
    /// Sequence gaps (and crossed books) the sync detected.
    public let gaps = Atomic<Int>(0)
    /// Stale periods that ended (the book became current again) and their total length.
    public let stalePeriods = Atomic<Int>(0)
    public let staleNanos = Atomic<Int64>(0)
    /// The longest completed stale period.
    public let maxStaleNanos = Atomic<Int64>(0)
    /// Books that became current again after having been current before (initial syncs excluded).
    public let resyncs = Atomic<Int>(0)
    /// Initial syncs (a book became current for the first time).
    public let initialSyncs = Atomic<Int>(0)
    /// REST snapshots requested by the Book stage, fetched, failed (transport or HTTP status),
    /// applied, and refused as too old to bridge.
    public let snapshotRequests = Atomic<Int>(0)
    public let snapshotsFetched = Atomic<Int>(0)
    public let snapshotFailures = Atomic<Int>(0)
    public let snapshotsApplied = Atomic<Int>(0)
    public let snapshotsTooOld = Atomic<Int>(0)
    /// Bybit: connections replaced to get a fresh snapshot after a gap.
    public let resubscriptions = Atomic<Int>(0)
    /// Snapshot requests held back by the request-weight budget.
    public let weightDelays = Atomic<Int>(0)
    /// Frames that failed to parse (dropped without touching a book).
    public let parseErrors = Atomic<Int>(0)
    /// Overlapping rollovers: diffs of the new connection held until the old one bridged to them
    /// (`SyncedOrderBook`), and trades both connections delivered, dropped once (`BookFeed`).
    public let heldDiffs = Atomic<Int>(0)
    public let duplicateTrades = Atomic<Int>(0)
    /// Per frame: from the websocket client's receive time (last fragment read) to the frame
    /// applied by the Book stage (ring hop + parse + sync + book), monotonic ns.
    public let receiveToBook = LatencyHistogram()

    public init(instrumentCount: Int) {
        self.instrumentCount = instrumentCount
        staleFlags = .allocate(capacity: instrumentCount)
        wanted = .allocate(capacity: instrumentCount)
        for i in 0..<instrumentCount {
            (staleFlags + i).initialize(to: Atomic(1))
            (wanted + i).initialize(to: Atomic(0))
        }
    }

    deinit {
        staleFlags.deinitialize(count: instrumentCount)
        staleFlags.deallocate()
        wanted.deinitialize(count: instrumentCount)
        wanted.deallocate()
    }

    /// Whether `instrument`'s book must not be trusted right now: set at once when the connection
    /// drops (service thread) or a gap is seen (Book stage), cleared when a snapshot bridges.
    /// - Precondition: `instrument.raw < instrumentCount`.
    @inlinable
    public func isStale(_ instrument: InstrumentId) -> Bool {
        precondition(Int(instrument.raw) < instrumentCount, "unknown instrument")
        // ORDERING: acquiring pairs with the releasing stores of the writers: a reader that sees
        // "current" also sees the counters written before it.
        return staleFlags[Int(instrument.raw)].load(ordering: .acquiring) != 0
    }

    @inlinable
    func setStale(_ i: Int, _ stale: Bool) {
        // ORDERING: releasing: see `isStale`.
        staleFlags[i].store(stale ? 1 : 0, ordering: .releasing)
    }

    /// Book stage: ask the fetcher for a snapshot of instrument `i`.
    @inlinable
    func requestSnapshot(_ i: Int) {
        // ORDERING: releasing pairs with the fetcher's acquiring exchange (nothing else is published).
        wanted[i].store(1, ordering: .releasing)
    }

    /// Fetcher: takes instrument `i`'s pending request, if any.
    func takeRequest(_ i: Int) -> Bool {
        // ORDERING: acquiringAndReleasing: one taker; pairs with `requestSnapshot`.
        wanted[i].exchange(0, ordering: .acquiringAndReleasing) != 0
    }

    /// Adds `by` to a counter (relaxed: counters order nothing).
    @inlinable
    func bump(_ counter: borrowing Atomic<Int>, by n: Int = 1) {
        // ORDERING: relaxed: a statistic.
        counter.add(n, ordering: .relaxed)
    }

    /// A copy of the counters.
    public var statistics: FeedStatistics {
        // ORDERING: relaxed: statistics.
        FeedStatistics(
            frames: frames.load(ordering: .relaxed), disconnects: disconnects.load(ordering: .relaxed),
            reconnectResets: reconnectResets.load(ordering: .relaxed), gaps: gaps.load(ordering: .relaxed),
            stalePeriods: stalePeriods.load(ordering: .relaxed), staleNanos: Nanos(raw: staleNanos.load(ordering: .relaxed)),
            maxStaleNanos: Nanos(raw: maxStaleNanos.load(ordering: .relaxed)), resyncs: resyncs.load(ordering: .relaxed),
            initialSyncs: initialSyncs.load(ordering: .relaxed), snapshotRequests: snapshotRequests.load(ordering: .relaxed),
            snapshotsFetched: snapshotsFetched.load(ordering: .relaxed), snapshotFailures: snapshotFailures.load(ordering: .relaxed),
            snapshotsApplied: snapshotsApplied.load(ordering: .relaxed), snapshotsTooOld: snapshotsTooOld.load(ordering: .relaxed),
            weightDelays: weightDelays.load(ordering: .relaxed), resubscriptions: resubscriptions.load(ordering: .relaxed), parseErrors: parseErrors.load(ordering: .relaxed),
            heldDiffs: heldDiffs.load(ordering: .relaxed), duplicateTrades: duplicateTrades.load(ordering: .relaxed))
    }
}
