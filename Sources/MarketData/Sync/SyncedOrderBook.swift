import HFTPrimitives

/// An `OrderBook` kept in step with one venue depth stream: the venue's sync state machine
/// (`BookSyncPolicy`), a bounded buffer of diffs received while stale, and counters.
///
/// Feed every depth message (diff or snapshot) of the instrument to `apply`. The outcome says what
/// happened; `isStale` is true from the message that revealed a gap until a snapshot bridges it,
/// so a consumer reading or publishing the book knows at once. Nothing is ever applied across a gap.
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

    /// - Parameters:
    ///   - bufferMessages / bufferLevels: bounds of the stale-diff buffer (Binance recommends buffering
    ///     from connect until the REST snapshot arrives: size it for that latency at peak rate).
    public init(policy: BookSyncPolicy, tick: Int64 = 1, book: OrderBookConfiguration = OrderBookConfiguration(),
                bufferMessages: Int = 1024, bufferLevels: Int = 262_144) {
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
    }

    /// Where the book is in the venue's sync procedure.
    @inlinable public var phase: BookSyncPhase { currentPhase }

    /// Final update id of the last applied diff, or the id of the loaded snapshot.
    @inlinable public var lastUpdateId: UInt64 { lastId }

    /// True while the book must not be trusted (before the first snapshot, and from a gap until resync).
    @inlinable
    public var isStale: Bool { currentPhase == .awaitingSnapshot }

    /// Diffs currently buffered.
    @inlinable
    public var bufferedCount: Int { buffer.count }

    /// Applies one depth message (its levels in `levels`) according to the venue's rules.
    @inlinable
    public mutating func apply(_ header: DepthUpdateHeader, levels: borrowing DepthLevelBuffer) -> BookSyncOutcome {
        apply(header, bids: levels.bids, asks: levels.asks)
    }

    /// Applies one depth message given its bid and ask levels.
    @inlinable
    public mutating func apply(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) -> BookSyncOutcome {
        if header.kind == .snapshot { return applySnapshot(header, bids: bids, asks: asks) }
        switch currentPhase {
        case .awaitingSnapshot:
            return bufferWhileStale(header, bids: bids, asks: asks)
        case .bridging:
            return applyVerdict(policy.bridge(header, snapshotId: lastId), header, bids: bids, asks: asks)
        case .live:
            return applyVerdict(policy.next(header, previous: lastId), header, bids: bids, asks: asks)
        }
    }

    @inlinable @inline(__always)
    mutating func applyVerdict(_ verdict: BookSyncPolicy.Verdict, _ header: DepthUpdateHeader,
                               bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) -> BookSyncOutcome {
        switch verdict {
        case .apply:
            book.apply(bids: bids, asks: asks)
            lastId = header.finalUpdateId
            currentPhase = .live
            counters.appliedDiffs &+= 1
            counters.appliedLevels &+= bids.count &+ asks.count
            if book.isCrossed { return markCrossed() }
            return .applied
        case .drop:
            counters.droppedStale &+= 1
            return .droppedStale
        case .gap:
            counters.gaps &+= 1
            currentPhase = .awaitingSnapshot
            buffer.removeAll()
            _ = bufferWhileStale(header, bids: bids, asks: asks)
            return .needSnapshot
        }
    }

    @usableFromInline
    mutating func markCrossed() -> BookSyncOutcome {
        counters.crossedBooks &+= 1
        currentPhase = .awaitingSnapshot
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
