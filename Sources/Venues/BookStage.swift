import CSystemShims
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
import MarketData

/// The Book stage of a venue feed: an agent on a pinned thread that drains the Feed → Book
/// `ByteRing` into a `BookFeed` (parser → per-symbol sync → exact books, bookTicker oracle).
///
/// On a gap the book is stale at once (`FeedStatus.isStale`) and, for Binance, a REST snapshot is
/// requested from the feed's cold fetcher, which hands the body back with `deliverSnapshot` (a
/// control-plane job on this thread); the sync bridges from the diffs buffered meanwhile. After a
/// lost connection every book is reset to stale: Binance books wait for their first buffered diff
/// and then request a snapshot; Bybit books wait for the snapshot the venue sends on resubscribe
/// (after a Bybit gap the feed replaces the connection to get one).
///
/// `doWork` is the hot path: per record one parse + sync + a few relaxed counter updates; no
/// allocation, lock or `await`. Resetting a book after a disconnect allocates a fresh book (cold).
public actor BookStage: Agent {
    public nonisolated let pinnedExecutor: PinnedExecutor
    public nonisolated let status: FeedStatus
    /// The books. Read them on this thread: `await stage.withFeed { … }` or, from another agent on
    /// the same pinned thread, `stage.withPinnedIsolation { $0.feed … }`.
    public var feed: BookFeed
    let reader: ByteRingReader
    let usesRESTSnapshots: Bool
    let bufferMessages: Int
    let bufferLevels: Int
    let count: Int
    /// SAFETY: each points at `count` elements owned by `slots` (alive as long as the stage); every
    /// index used is an instrument index `< count` (from `BookFeed`'s routed ids or `0..<count`).
    /// Per instrument: the stale state last published, when the current stale period began,
    /// whether the book was ever current, and the snapshot request state (0 none, 1 waiting for
    /// the first buffered diff, 2 requested).
    let slots: StageSlots
    let lastStale: UnsafeMutablePointer<Bool>
    let staleSince: UnsafeMutablePointer<Int64>
    let everCurrent: UnsafeMutablePointer<Bool>
    let requestState: UnsafeMutablePointer<UInt8>
    var handledEpoch = 0
    /// `feed.counters.duplicateTrades` already added to `status.duplicateTrades`.
    var reportedDuplicateTrades = 0
    /// `status.receiveToBook`, held directly: reaching it through `status` per record costs a
    /// retain/release pair (a class loaded from a class), a stored `let` of the actor does not.
    let receiveToBook: LatencyHistogram
    /// Publishes the books' changes and the trades to the stages after this one (inactive when none).
    var publisher: BookEventPublisher
    /// Replay: record channels are `CaptureChannel`s whose REST snapshots name an instrument index
    /// (live records carry a connection id instead).
    let captureChannels: Bool
    /// Records drained per `doWork` call at most.
    let batch = 64

    /// - Parameters:
    ///   - reader: the reading end of the Feed → Book ring (one reader: this stage).
    ///   - thread: the pinned thread this stage will be attached to.
    ///   - downstream: rings to the stages after this one, each with the levels per side kept in
    ///     step there (`BookEventPublisher`), none for a bare feed.
    ///   - captureChannels: the records come from a capture replay (see `captureChannels`).
    public init(venue: VenueId, instruments: [(symbol: String, spec: InstrumentSpec)], reader: ByteRingReader, status: FeedStatus,
                on thread: PinnedThread, bufferMessages: Int = 1024, bufferLevels: Int = 262_144,
                downstream: [BookEventOutput] = [], captureChannels: Bool = false) {
        publisher = BookEventPublisher(instrumentCount: instruments.count, outputs: downstream)
        self.captureChannels = captureChannels
        pinnedExecutor = thread.executor
        self.status = status
        receiveToBook = status.receiveToBook
        self.reader = reader
        usesRESTSnapshots = venue == .binanceSpot || venue == .binanceUsdm
        self.bufferMessages = bufferMessages
        self.bufferLevels = bufferLevels
        count = instruments.count
        feed = BookFeed(venue: venue, instruments: instruments, bufferMessages: bufferMessages, bufferLevels: bufferLevels)
        slots = StageSlots(count: count)
        lastStale = slots.lastStale
        staleSince = slots.staleSince
        everCurrent = slots.everCurrent
        requestState = slots.requestState
    }

    public func doWork() -> Int {
        checkConnection()
        if publisher.isActive { return publishingWork() }
        return reader.consume(maxRecords: batch) { record in
            checkConnection()
            let result = feed.ingest(record.bytes, receiveTime: record.receiveTime, connection: record.channel)
            receiveToBook.record(hft_monotonic_ns() &- record.receiveTime.raw)
            status.bump(status.frames)
            handle(result)
        }
    }

    /// `doWork` with stages downstream: a record is read only when everything before it was
    /// published (Book → Signals and Book → Execution never drop; a full ring stops this stage,
    /// which fills the Feed → Book ring, which stops the socket reads).
    func publishingWork() -> Int {
        // `isBlocked` first: `flush` takes the feed as an argument, which costs a copy of its
        // 312-byte header on every poll even when nothing waits.
        guard !publisher.isBlocked || publisher.flush(feed: feed) else { return 0 }
        var done = 0
        while done < batch {
            let n = reader.consume(maxRecords: 1) { record in
                checkConnection()
                let start = Nanos(raw: hft_monotonic_ns())
                var decodeEnd: Int64 = 0
                let result: BookFeedResult
                if captureChannels, let i = snapshotInstrument(record.channel) {
                    result = deliverSnapshotRecord(record.bytes, instrument: i, receiveTime: record.receiveTime)
                    decodeEnd = start.raw
                } else {
                    result = feed.ingest(record.bytes, receiveTime: record.receiveTime, connection: record.channel, decodeEnd: &decodeEnd)
                    status.bump(status.frames)
                    handle(result)
                }
                receiveToBook.record(hft_monotonic_ns() &- record.receiveTime.raw)
                _ = publisher.publish(result, feed: feed, startTime: start, decodeNanos: decodeEnd &- start.raw)
            }
            if n == 0 { break }
            done &+= n
            if publisher.isBlocked { break }
        }
        return done
    }

    /// The instrument a replayed REST snapshot record is for, if `channel` is one.
    @inline(__always)
    func snapshotInstrument(_ channel: UInt16) -> InstrumentId? {
        let c = CaptureChannel(raw: channel)
        guard c.kind == .restDepthSnapshot, let s = c.symbolIndex, s < count else { return nil }
        return InstrumentId(raw: UInt32(s))
    }

    /// A replayed snapshot: applied like a fetched one (cold; replay only).
    func deliverSnapshotRecord(_ bytes: UnsafeRawBufferPointer, instrument: InstrumentId, receiveTime: Nanos) -> BookFeedResult {
        let result = feed.ingestSnapshot(bytes, instrument: instrument, receiveTime: receiveTime)
        let i = Int(instrument.raw)
        if case .depth(_, let outcome) = result, outcome == .snapshotApplied {
            status.bump(status.snapshotsApplied)
            requestState[i] = 0
        }
        publish(i)
        return result
    }

    /// Applies a REST depth snapshot body for `instrument` (control plane, from the fetcher).
    /// - Returns: what the sync made of it; a snapshot that could not bridge is requested again.
    @discardableResult
    public func deliverSnapshot(body: [UInt8], instrument: InstrumentId, receiveTime: Nanos) -> BookFeedResult {
        let i = Int(instrument.raw)
        precondition(i < count, "unknown instrument")
        let result = body.withUnsafeBytes { feed.ingestSnapshot($0, instrument: instrument, receiveTime: receiveTime) }
        publisher.markDirty(instrument, receiveTime: receiveTime, startTime: Nanos(raw: hft_monotonic_ns()))
        switch result {
        case .depth(_, let outcome):
            if outcome == .snapshotApplied {
                status.bump(status.snapshotsApplied)
                requestState[i] = 0
            } else if outcome.needsSnapshot {
                status.bump(status.snapshotsTooOld)
                request(i)
            }
            publish(i)
        case .parseFailure:
            status.bump(status.parseErrors)
            request(i)
        default:
            request(i)
        }
        return result
    }

    /// The fetcher could not get a snapshot of `instrument`: ask again (the fetcher paces retries).
    public func snapshotFailed(instrument: InstrumentId) {
        request(Int(instrument.raw))
    }

    /// Whether book changes or trades wait for room downstream (control plane).
    public var downstreamBlocked: Bool { publisher.isBlocked }

    /// Runs `body` with the books on this stage's thread.
    public func withFeed<R: Sendable>(_ body: (borrowing BookFeed) throws -> R) rethrows -> R {
        try body(feed)
    }

    @inline(__always)
    func handle(_ result: BookFeedResult) {
        switch result {
        case .depth(let id, let outcome):
            let i = Int(id.raw)
            if outcome == .needSnapshot { status.bump(status.gaps) }
            if _slowPath(outcome == .held) { status.bump(status.heldDiffs) }
            if usesRESTSnapshots {
                if outcome.needsSnapshot || (outcome == .buffered && requestState[i] == 1) { request(i) }
            } else if outcome.needsSnapshot && requestState[i] != 2 {
                // Bybit: only a resubscription brings a snapshot; the feed replaces the connection.
                requestState[i] = 2
                status.requestSnapshot(i)
            }
            if feed.isStale(id) != lastStale[i] { publish(i) }
        case .trades:
            let duplicates = feed.counters.duplicateTrades
            if _slowPath(duplicates != reportedDuplicateTrades) {
                status.bump(status.duplicateTrades, by: duplicates &- reportedDuplicateTrades)
                reportedDuplicateTrades = duplicates
            }
        case .parseFailure:
            status.bump(status.parseErrors)
        default:
            break
        }
    }

    /// Publishes instrument `i`'s stale state if it changed, accounting stale periods.
    func publish(_ i: Int) {
        let stale = feed.isStale(InstrumentId(raw: UInt32(i)))
        guard stale != lastStale[i] else { return }
        lastStale[i] = stale
        let now = hft_monotonic_ns()
        if stale {
            staleSince[i] = now
        } else {
            let d = now - staleSince[i]
            status.bump(status.stalePeriods)
            // ORDERING: relaxed: statistics.
            status.staleNanos.add(d, ordering: .relaxed)
            if d > status.maxStaleNanos.load(ordering: .relaxed) { status.maxStaleNanos.store(d, ordering: .relaxed) }
            if everCurrent[i] { status.bump(status.resyncs) } else { status.bump(status.initialSyncs) }
            everCurrent[i] = true
            requestState[i] = 0
        }
        status.setStale(i, stale)
    }

    /// Binance: hands instrument `i` to the snapshot fetcher (once per stale period unless re-asked).
    func request(_ i: Int) {
        guard usesRESTSnapshots else { return }
        requestState[i] = 2
        status.bump(status.snapshotRequests)
        status.requestSnapshot(i)
    }

    /// Resets every book to stale if the delivering connection was lost since the last check.
    /// Checked before each batch and before each record (one plain load on x86): a record of a new
    /// connection is published after the loss was recorded, so the check before it sees the loss.
    @inline(__always)
    func checkConnection() {
        // ORDERING: acquiring pairs with the service thread's releasing bump after it marked books stale.
        let e = status.epoch.load(ordering: .acquiring)
        guard e != handledEpoch else { return }
        handledEpoch = e
        resetAll()
    }

    func resetAll() {
        for i in 0..<count {
            let id = InstrumentId(raw: UInt32(i))
            let (messages, levels) = (bufferMessages, bufferLevels)
            feed.withMutableBook(id) { book in
                let counters = book.counters
                book = SyncedOrderBook(policy: book.policy, tick: book.configuredTick, book: OrderBookConfiguration(),
                                       bufferMessages: messages, bufferLevels: levels)
                book.counters = counters
            }
            status.bump(status.reconnectResets)
            publisher.markDirty(id, receiveTime: Nanos(raw: hft_monotonic_ns()), startTime: Nanos(raw: hft_monotonic_ns()))
            requestState[i] = 1
            publish(i)
            status.setStale(i, true)
        }
    }
}

/// The Book stage's per-instrument scratch, owned by the stage and freed with it.
final class StageSlots: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): the memory is touched only by the stage's pinned thread (and
    // by `deinit`, after the stage is gone).
    let count: Int
    let lastStale: UnsafeMutablePointer<Bool>
    let staleSince: UnsafeMutablePointer<Int64>
    let everCurrent: UnsafeMutablePointer<Bool>
    let requestState: UnsafeMutablePointer<UInt8>

    init(count: Int) {
        self.count = count
        lastStale = .allocate(capacity: count)
        lastStale.initialize(repeating: true, count: count)
        staleSince = .allocate(capacity: count)
        staleSince.initialize(repeating: hft_monotonic_ns(), count: count)
        everCurrent = .allocate(capacity: count)
        everCurrent.initialize(repeating: false, count: count)
        requestState = .allocate(capacity: count)
        requestState.initialize(repeating: 1, count: count)
    }

    deinit {
        lastStale.deallocate()
        staleSince.deallocate()
        everCurrent.deallocate()
        requestState.deallocate()
    }
}
