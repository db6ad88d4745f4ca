import HFTPrimitives

/// An `OrderBook` kept in step with one venue depth stream: the venue's sync state machine
/// (`BookSyncPolicy`), a bounded buffer of diffs received while stale, and counters.
///
/// Feed every depth message (diff or snapshot) of the instrument to `apply`. The outcome says what
/// happened; `isStale` is true from the message that revealed a gap until a snapshot bridges it,
/// so a consumer reading or publishing the book knows at once. Nothing is ever applied across a gap.
///
/// Overlapping connections (a rollover: the replacement opens before the old one closes, and both
/// carry the same stream for a while) can interleave: the new connection's first diff may be read
/// before the old connection's last ones. Pass each diff's `connection` (any id that differs
/// between the two): a diff that skips ahead *and* comes from another connection than the last
/// applied one is held, with the ones after it from the same connection, while the book stays
/// current (not stale, just not yet moved by them). When the old connection delivers the missing
/// updates, they and then the held diffs are applied in order (`counters.reordersBridged`). When
/// a held diff's exchange time is more than `reorderHoldNanos` past the first held one's (the old
/// connection has closed, lags that far, or really lost updates), or `reorderHoldMessages` diffs
/// of the new one arrive in a row with none of the old one between, or the old one gaps too, it is
/// a gap as before (stale, held diffs kept to bridge from a snapshot). A bound in venue time, not in
/// diffs: one socket read can carry dozens of one connection's diffs before the other's are read.
///
/// - Complexity: a diff costs its level updates (O(1) each in the ladder) plus O(1) sequencing.
///   No allocation, no throwing.
@frozen
public struct SyncedOrderBook: ~Copyable {
    public let policy: BookSyncPolicy
    /// Configured tick (raw price units); when 1 (unknown) each snapshot's tick is inferred from its prices.
    public let configuredTick: Int64
    public var book: OrderBook
    @usableFromInline var buffer: DiffBuffer
    @usableFromInline var currentPhase: BookSyncPhase
    @usableFromInline var lastId: UInt64
    /// Counters since creation.
    public var counters: BookSyncCounters
    @usableFromInline var hasBeenCurrent: Bool
    /// Connection of the last applied diff.
    @usableFromInline var lastConnection: UInt16
    /// The connection whose diffs wait in `buffer` for an older connection to bridge, or −1.
    @usableFromInline var heldConnection: Int32
    /// Diffs of the held connection in a row (none of another in between) after which a hold
    /// becomes a gap (0: never hold), and the exchange time the held diffs may span.
    public let reorderHoldMessages: Int
    public let reorderHoldNanos: Int64
    /// Exchange time of the first held diff.
    @usableFromInline var heldSince: Int64
    @usableFromInline var heldInARow: Int

    /// - Parameters:
    ///   - bufferMessages / bufferLevels: bounds of the stale-diff buffer (Binance recommends buffering
    ///     from connect until the REST snapshot arrives: size it for that latency at peak rate).
    ///   - reorderHoldMessages, reorderHoldNanos: see the type's discussion; the count ≤ `bufferMessages`.
    public init(policy: BookSyncPolicy, tick: Int64 = 1, book: OrderBookConfiguration = OrderBookConfiguration(),
                bufferMessages: Int = 1024, bufferLevels: Int = 262_144, reorderHoldMessages: Int = 256,
                reorderHoldNanos: Int64 = 250_000_000) {
        self.policy = policy
        self.configuredTick = max(1, tick)
        var bookConfiguration = book
        bookConfiguration.tick = max(1, tick)
        self.book = OrderBook(configuration: bookConfiguration)
        self.buffer = DiffBuffer(messageCapacity: bufferMessages, levelCapacity: bufferLevels)
        self.currentPhase = .awaitingSnapshot
        self.lastId = 0
        self.counters = BookSyncCounters()
        self.hasBeenCurrent = false
        self.lastConnection = 0
        self.heldConnection = -1
        self.reorderHoldMessages = max(0, min(reorderHoldMessages, bufferMessages))
        self.heldInARow = 0
        self.reorderHoldNanos = max(0, reorderHoldNanos)
        self.heldSince = 0
    }

    /// Where the book is in the venue's sync procedure.
    @inlinable public var phase: BookSyncPhase { currentPhase }

    /// Final update id of the last applied diff, or the id of the loaded snapshot.
    @inlinable public var lastUpdateId: UInt64 { lastId }

    /// True while the book must not be trusted (before the first snapshot, and from a gap until resync).
    @inlinable
    public var isStale: Bool { currentPhase == .awaitingSnapshot }

    /// Diffs currently buffered (while stale, or held while another connection catches up).
    @inlinable
    public var bufferedCount: Int { buffer.count }

    /// Whether diffs of a newer connection are held, waiting for an older one to bridge to them.
    @inlinable
    public var isHoldingReorder: Bool { heldConnection >= 0 }

    /// Applies one depth message (its levels in `levels`) according to the venue's rules.
    @inlinable
    public mutating func apply(_ header: DepthUpdateHeader, levels: borrowing DepthLevelBuffer) -> BookSyncOutcome {
        apply(header, bids: levels.bids, asks: levels.asks)
    }

    /// Applies one depth message given its bid and ask levels.
    /// - Parameter connection: the connection it arrived on (see the type's discussion; 0 when there is one).
    @inlinable
    public mutating func apply(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>,
                               connection: UInt16 = 0) -> BookSyncOutcome {
        if header.kind == .snapshot { return applySnapshot(header, bids: bids, asks: asks) }
        switch currentPhase {
        case .awaitingSnapshot:
            return bufferWhileStale(header, bids: bids, asks: asks)
        case .bridging:
            return applyVerdict(policy.bridge(header, snapshotId: lastId), header, bids: bids, asks: asks, connection: connection)
        case .live:
            if _slowPath(heldConnection >= 0) { return applyWhileHolding(header, bids: bids, asks: asks, connection: connection) }
            let verdict = policy.next(header, previous: lastId)
            if _slowPath(verdict == .gap && connection != lastConnection && reorderHoldMessages > 0) {
                return hold(header, bids: bids, asks: asks, connection: connection)
            }
            return applyVerdict(verdict, header, bids: bids, asks: asks, connection: connection)
        }
    }

    @inlinable @inline(__always)
    mutating func applyVerdict(_ verdict: BookSyncPolicy.Verdict, _ header: DepthUpdateHeader,
                               bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>, connection: UInt16) -> BookSyncOutcome {
        switch verdict {
        case .apply:
            book.apply(bids: bids, asks: asks)
            lastId = header.finalUpdateId
            lastConnection = connection
            currentPhase = .live
            counters.appliedDiffs &+= 1
            counters.appliedLevels &+= bids.count &+ asks.count
            if book.isCrossed { return markCrossed() }
            return .applied
        case .drop:
            counters.droppedStale &+= 1
            return .droppedStale
        case .gap:
            return declareGap(header, bids: bids, asks: asks, keepHeld: false)
        }
    }

    /// The book goes stale at this diff; it (after the held diffs when `keepHeld`) is buffered to bridge from a snapshot.
    @usableFromInline
    mutating func declareGap(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>,
                             keepHeld: Bool) -> BookSyncOutcome {
        counters.gaps &+= 1
        currentPhase = .awaitingSnapshot
        heldConnection = -1
        if !keepHeld || policy.snapshotSupersedesBuffer {
            counters.droppedStale &+= buffer.count
            buffer.removeAll()
        }
        _ = bufferWhileStale(header, bids: bids, asks: asks)
        return .needSnapshot
    }

    /// A diff of another connection skips ahead of the book: hold it (the type's discussion).
    @usableFromInline
    mutating func hold(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>,
                       connection: UInt16) -> BookSyncOutcome {
        // The buffer is empty while live; a diff larger than all of it cannot be held.
        guard buffer.append(header, bids: bids, asks: asks) else { return declareGap(header, bids: bids, asks: asks, keepHeld: false) }
        heldConnection = Int32(connection)
        heldSince = header.exchangeTime.raw
        heldInARow = 1
        counters.reorderHolds &+= 1
        return .held
    }

    /// While diffs of `heldConnection` wait: more of them queue behind; the other connection's diffs
    /// apply as usual, then bridge to the held ones if they can.
    @usableFromInline
    mutating func applyWhileHolding(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>,
                                    connection: UInt16) -> BookSyncOutcome {
        if Int32(connection) == heldConnection {
            guard heldInARow < reorderHoldMessages, header.exchangeTime.raw &- heldSince <= reorderHoldNanos,
                  buffer.append(header, bids: bids, asks: asks) else {
                // The older connection has stopped delivering without bridging. A gap, from the first held diff.
                return declareGap(header, bids: bids, asks: asks, keepHeld: true)
            }
            heldInARow &+= 1
            return .held
        }
        heldInARow = 0
        switch policy.next(header, previous: lastId) {
        case .drop:
            counters.droppedStale &+= 1
            return .droppedStale
        case .gap:
            return declareGap(header, bids: bids, asks: asks, keepHeld: true)
        case .apply:
            book.apply(bids: bids, asks: asks)
            lastId = header.finalUpdateId
            lastConnection = connection
            counters.appliedDiffs &+= 1
            counters.appliedLevels &+= bids.count &+ asks.count
        }
        var i = 0
        while i < buffer.count {
            let h = buffer.header(i)
            switch policy.next(h, previous: lastId) {
            case .drop:
                counters.droppedStale &+= 1
            case .apply:
                book.apply(bids: buffer.bids(i), asks: buffer.asks(i))
                lastId = h.finalUpdateId
                lastConnection = UInt16(truncatingIfNeeded: heldConnection)
                counters.appliedDiffs &+= 1
                counters.appliedLevels &+= Int(h.bidCount) &+ Int(h.askCount)
            case .gap:
                // Still ahead: keep holding the rest.
                buffer.removeFirst(i)
                if book.isCrossed { return markCrossed() }
                return .applied
            }
            i &+= 1
        }
        buffer.removeAll()
        heldConnection = -1
        counters.reordersBridged &+= 1
        if book.isCrossed { return markCrossed() }
        return .applied
    }

    @usableFromInline
    mutating func markCrossed() -> BookSyncOutcome {
        counters.crossedBooks &+= 1
        currentPhase = .awaitingSnapshot
        heldConnection = -1
        buffer.removeAll()
        return .needSnapshot
    }

    @inlinable
    mutating func bufferWhileStale(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) -> BookSyncOutcome {
        if policy.snapshotSupersedesBuffer {
            counters.droppedStale &+= 1
            return .droppedStale
        }
        if buffer.append(header, bids: bids, asks: asks) {
            counters.buffered &+= 1
            return .buffered
        }
        counters.bufferOverflows &+= 1
        counters.droppedStale &+= buffer.count
        buffer.removeAll()
        if buffer.append(header, bids: bids, asks: asks) {
            counters.buffered &+= 1
        } else {
            counters.droppedStale &+= 1
        }
        return .bufferOverflowed
    }

    /// Loads a snapshot and bridges from the buffer. Cold relative to diffs (O(levels)).
    @usableFromInline
    mutating func applySnapshot(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) -> BookSyncOutcome {
        let id = header.finalUpdateId
        if !policy.snapshotSupersedesBuffer && currentPhase != .awaitingSnapshot && id <= lastId {
            // The book is current and already newer than this snapshot: keep it.
            counters.snapshotsTooOld &+= 1
            return .snapshotTooOld
        }
        let tick = configuredTick > 1 ? configuredTick : TickInference.tick(bids: bids, asks: asks)
        book.replace(tick: tick, bids: bids, asks: asks)
        // Held diffs (if any) are bridged from like stale-buffered ones.
        heldConnection = -1
        counters.snapshots &+= 1
        counters.appliedLevels &+= bids.count &+ asks.count
        lastId = id
        if policy.snapshotSupersedesBuffer {
            counters.droppedStale &+= buffer.count
            buffer.removeAll()
            currentPhase = .live
        } else {
            currentPhase = .bridging
            var i = 0
            while i < buffer.count {
                let h = buffer.header(i)
                let verdict = currentPhase == .bridging ? policy.bridge(h, snapshotId: lastId) : policy.next(h, previous: lastId)
                switch verdict {
                case .drop:
                    counters.droppedStale &+= 1
                case .apply:
                    book.apply(bids: buffer.bids(i), asks: buffer.asks(i))
                    lastId = h.finalUpdateId
                    currentPhase = .live
                    counters.appliedDiffs &+= 1
                    counters.appliedLevels &+= Int(h.bidCount) &+ Int(h.askCount)
                case .gap:
                    let first = currentPhase == .bridging
                    currentPhase = .awaitingSnapshot
                    buffer.removeFirst(i)
                    if first {
                        counters.snapshotsTooOld &+= 1
                        return .snapshotTooOld
                    }
                    counters.gaps &+= 1
                    return .needSnapshot
                }
                i &+= 1
            }
            buffer.removeAll()
        }
        if book.isCrossed { return markCrossed() }
        if hasBeenCurrent { counters.resyncs &+= 1 }
        hasBeenCurrent = true
        return .snapshotApplied
    }
}
