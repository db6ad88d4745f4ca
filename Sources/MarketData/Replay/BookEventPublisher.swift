import CSystemShims
import HFTPrimitives
import HFTRuntime

/// Turns a `BookFeed`'s changes into `BookEvent`s on up to two rings (Book → Signals, Book →
/// Execution), never dropping one: a change that does not fit is kept as "dirty" and published,
/// re-diffed against what was last published, before the next frame is read.
///
/// Per ring and instrument it remembers the top levels per side it last published there (the
/// ring's own `BookEventOutput.depth`), so each change costs one merge of two sorted lists of ≤
/// that depth per ring and publishes only what differs within it. A ring with snapshot slots gets
/// no level events: the top levels are copied into the slot its commit names. The commit goes to
/// every ring whenever the book changed within any ring's depth, so every consumer sees the same
/// sequence of book events. A stale book publishes as empty (every level removed, a commit with
/// `BookEvent.staleFlag`).
///
/// All memory is allocated in `init`; `publish`, `flush` and `markDirty` do not allocate, retain,
/// lock or throw.
/// - Invariant: after each commit of instrument i on ring k, a mirror that applied ring k's level
///   events (or the slot the commit names, on a snapshot ring) holds exactly the book's top
///   `outputs[k].depth` levels per side (none when stale).
/// - Invariant: while `isBlocked`, the owner must not ingest another frame into the feed (the
///   pending trades live in the feed's trade buffer until the next ingest).
@frozen
public struct BookEventPublisher: ~Copyable {
    /// Levels per side read from the feed: the deepest ring's depth.
    public let depth: Int
    public let instrumentCount: Int
    @usableFromInline let outputs: UnsafeMutablePointer<RingProducer<BookEvent>>
    /// Levels per side kept in step on each ring.
    @usableFromInline let depths: UnsafeMutablePointer<Int>
    /// Per ring: its snapshot slots' levels and counts (nil for a ring of level events), how many
    /// slots, and the next one to fill.
    @usableFromInline let slotLevels: UnsafeMutablePointer<UnsafeMutablePointer<DepthLevel>?>
    @usableFromInline let slotCounts: UnsafeMutablePointer<UnsafeMutablePointer<Int>?>
    @usableFromInline let slotTotals: UnsafeMutablePointer<Int>
    @usableFromInline let nextSlots: UnsafeMutablePointer<Int>
    /// Keeps the snapshot slots' memory alive (never touched on the hot path).
    let snapshotOwners: [BookSnapshotSlots]
    @usableFromInline let outputCount: Int
    /// `[ring][instrument][side][depth]` levels last published on each ring, best first.
    @usableFromInline let published: UnsafeMutablePointer<DepthLevel>
    /// `[ring][instrument][side]` counts of `published`.
    @usableFromInline let publishedCount: UnsafeMutablePointer<Int>
    @usableFromInline let scratch: UnsafeMutableBufferPointer<DepthLevel>
    @usableFromInline let dirty: UnsafeMutablePointer<Bool>
    /// Times of the last change that could not be published (per instrument), for its commit.
    @usableFromInline let dirtyTimes: UnsafeMutablePointer<(exchange: Nanos, receive: Nanos, start: Nanos)>
    @usableFromInline var dirtyCount = 0
    /// Trades of the current frame not yet published: `feed.trades[nextTrade..<tradeEnd]`.
    @usableFromInline var nextTrade = 0
    @usableFromInline var tradeEnd = 0
    @usableFromInline var tradeTimes: (receive: Nanos, start: Nanos) = (.zero, .zero)
    /// Events pushed (a trade or commit once per ring, a level on the rings whose depth it is within),
    /// commits published, and publish attempts deferred by a full ring.
    @usableFromInline var eventCount: UInt64 = 0
    @usableFromInline var commitCount: UInt64 = 0
    @usableFromInline var deferralCount: UInt64 = 0
    public var events: UInt64 { eventCount }
    public var commits: UInt64 { commitCount }
    public var deferrals: UInt64 { deferralCount }

    /// A publisher that publishes nothing (a feed with no downstream stages).
    public init() {
        self.init(instrumentCount: 0, outputs: [])
    }

    /// Every ring kept in step to the same `depth`.
    /// - Parameters:
    ///   - depth: levels per side kept in step (≥ what the consumers read, e.g. the feature engine's `levelsConsumed`).
    ///   - outputs: at most two rings, each with capacity ≥ `4 × depth + 2`.
    public init(instrumentCount: Int, depth: Int, outputs: [RingProducer<BookEvent>]) {
        self.init(instrumentCount: instrumentCount, outputs: outputs.map { BookEventOutput(ring: $0, depth: depth) })
    }

    /// - Parameter outputs: at most two rings, each with the depth its consumer reads.
    public init(instrumentCount: Int, outputs: [BookEventOutput]) {
        precondition(outputs.count <= 2, "at most two downstream rings")
        let depth = outputs.map(\.depth).max() ?? 0
        self.depth = depth
        self.instrumentCount = instrumentCount
        outputCount = outputs.count
        self.outputs = .allocate(capacity: max(1, outputs.count))
        self.depths = .allocate(capacity: max(1, outputs.count))
        slotLevels = .allocate(capacity: max(1, outputs.count))
        slotCounts = .allocate(capacity: max(1, outputs.count))
        slotTotals = .allocate(capacity: max(1, outputs.count))
        nextSlots = .allocate(capacity: max(1, outputs.count))
        for (k, o) in outputs.enumerated() {
            (self.outputs + k).initialize(to: o.ring)
            (self.depths + k).initialize(to: o.depth)
            (slotLevels + k).initialize(to: o.snapshots?.levels)
            (slotCounts + k).initialize(to: o.snapshots?.counts)
            (slotTotals + k).initialize(to: o.snapshots?.count ?? 0)
            (nextSlots + k).initialize(to: 0)
        }
        snapshotOwners = outputs.compactMap(\.snapshots)
        let n = max(1, instrumentCount)
        let rings = max(1, outputs.count)
        published = .allocate(capacity: rings * n * 2 * max(1, depth))
        published.initialize(repeating: DepthLevel(price: .zero, quantity: .zero), count: rings * n * 2 * max(1, depth))
        publishedCount = .allocate(capacity: rings * n * 2)
        publishedCount.initialize(repeating: 0, count: rings * n * 2)
        scratch = .allocate(capacity: max(1, depth))
        scratch.initialize(repeating: DepthLevel(price: .zero, quantity: .zero))
        dirty = .allocate(capacity: n)
        dirty.initialize(repeating: false, count: n)
        dirtyTimes = .allocate(capacity: n)
        dirtyTimes.initialize(repeating: (.zero, .zero, .zero), count: n)
    }

    deinit {
        outputs.deallocate()
        depths.deallocate()
        slotLevels.deallocate()
        slotCounts.deallocate()
        slotTotals.deallocate()
        nextSlots.deallocate()
        published.deallocate()
        publishedCount.deallocate()
        scratch.deallocate()
        dirty.deallocate()
        dirtyTimes.deallocate()
    }

    /// Whether anything is attached.
    @inlinable public var isActive: Bool { outputCount > 0 }

    /// Whether a change or trades wait for room; the owner must call `flush` before ingesting more.
    @inlinable public var isBlocked: Bool { dirtyCount > 0 || nextTrade < tradeEnd }

    /// Publishes what `result` (just returned by `feed.ingest…`) changed.
    /// - Parameter decodeNanos: time spent decoding the frame (carried by the commit, see `BookEvent`).
    /// - Returns: false when something had to wait for room (now `isBlocked`).
    @inlinable
    public mutating func publish(_ result: BookFeedResult, feed: borrowing BookFeed, startTime: Nanos, decodeNanos: Int64 = 0) -> Bool {
        guard outputCount > 0 else { return true }
        switch result {
        case .depth(let id, _):
            let h = feed.lastDepthHeader
            let receive = h.instrument == id ? h.receiveTime : startTime
            let exchange = h.instrument == id ? h.exchangeTime : .zero
            return publishBook(id, feed: feed, exchangeTime: exchange, receiveTime: receive, startTime: startTime, decodeNanos: decodeNanos)
        case .trades(let count):
            nextTrade = 0
            tradeEnd = min(count, feed.trades.count)
            tradeTimes = (tradeEnd > 0 ? feed.trades[0].receiveTime : startTime, startTime)
            return flushTrades(feed: feed)
        default:
            return true
        }
    }

    /// Marks `instrument`'s book as changed outside `publish` (a snapshot, a reset, a stale flip);
    /// the next `flush` publishes it.
    @inlinable
    public mutating func markDirty(_ instrument: InstrumentId, receiveTime: Nanos, startTime: Nanos) {
        guard outputCount > 0 else { return }
        let i = Int(instrument.raw)
        if !dirty[i] { dirty[i] = true; dirtyCount &+= 1 }
        dirtyTimes[i] = (.zero, receiveTime, startTime)
    }

    /// Publishes the waiting trades and dirty books if there is room.
    /// - Returns: true when nothing waits any more.
    @inlinable
    public mutating func flush(feed: borrowing BookFeed) -> Bool {
        guard outputCount > 0 else { return true }
        if nextTrade < tradeEnd && !flushTrades(feed: feed) { return false }
        if dirtyCount == 0 { return true }
        for i in 0..<instrumentCount where dirty[i] {
            let t = dirtyTimes[i]
            guard publishBook(InstrumentId(raw: UInt32(i)), feed: feed, exchangeTime: t.exchange, receiveTime: t.receive, startTime: t.start) else {
                return false
            }
        }
        return true
    }

    @inlinable
    mutating func flushTrades(feed: borrowing BookFeed) -> Bool {
        while nextTrade < tradeEnd {
            guard room(1) else { deferralCount &+= 1; return false }
            let t = feed.trades[nextTrade]
            push(BookEvent(kind: .trade, side: t.aggressor, flags: UInt16(t.flags.rawValue), instrument: t.instrument, price: t.price,
                           quantity: t.quantity, exchangeTime: t.exchangeTime, receiveTime: t.receiveTime, startTime: tradeTimes.start,
                           publishTime: Nanos(raw: hft_monotonic_ns())))
            nextTrade &+= 1
        }
        return true
    }

    @inlinable
    func room(_ n: Int) -> Bool {
        for k in 0..<outputCount where !outputs[k].hasRoom(for: n) { return false }
        return true
    }

    /// Whether every ring has room for one book change at its depth (2 × depth level events per
    /// side and a commit; a commit alone on a snapshot ring).
    @inlinable
    func roomForBookChange() -> Bool {
        for k in 0..<outputCount where !outputs[k].hasRoom(for: slotLevels[k] == nil ? 4 &* depths[k] &+ 1 : 1) { return false }
        return true
    }

    /// Pushes `e` on every ring.
    @inlinable
    mutating func push(_ e: BookEvent) {
        for k in 0..<outputCount {
            // Cannot be back-pressured: `room` was checked for the whole group first.
            _ = outputs[k].push(e)
        }
        eventCount &+= UInt64(outputCount)
    }

    /// Publishes the difference between `id`'s current top levels and the ones last published, on each ring within its depth.
    @inlinable
    mutating func publishBook(_ id: InstrumentId, feed: borrowing BookFeed, exchangeTime: Nanos, receiveTime: Nanos, startTime: Nanos,
                              decodeNanos: Int64 = 0) -> Bool {
        let i = Int(id.raw)
        guard i < instrumentCount else { return true }
        guard roomForBookChange() else {
            if !dirty[i] { dirty[i] = true; dirtyCount &+= 1 }
            dirtyTimes[i] = (exchangeTime, receiveTime, startTime)
            deferralCount &+= 1
            return false
        }
        let stale = feed.isStale(id)
        var changed = false
        let bids = stale ? 0 : feed.topLevels(id, .buy, into: scratch)
        for k in 0..<outputCount where side(k, i, .buy, count: min(bids, depths[k]), startTime: startTime) { changed = true }
        let asks = stale ? 0 : feed.topLevels(id, .sell, into: scratch)
        for k in 0..<outputCount where side(k, i, .sell, count: min(asks, depths[k]), startTime: startTime) { changed = true }
        if dirty[i] { dirty[i] = false; dirtyCount &-= 1 }
        // A stale book always says so (its consumers must stop trusting it), a live one only when it moved.
        if changed || stale {
            var commit = BookEvent(kind: .commit, side: .buy, flags: stale ? BookEvent.staleFlag : 0, instrument: id,
                                   quantity: Quantity(raw: decodeNanos), exchangeTime: exchangeTime,
                                   receiveTime: receiveTime, startTime: startTime, publishTime: Nanos(raw: hft_monotonic_ns()))
            for k in 0..<outputCount {
                if slotLevels[k] != nil {
                    // The slot `side` filled becomes this commit's; the next change fills the one after it.
                    commit.price = Price(raw: Int64(nextSlots[k]))
                    nextSlots[k] = nextSlots[k] &+ 1 == slotTotals[k] ? 0 : nextSlots[k] &+ 1
                }
                // Cannot be back-pressured: `roomForBookChange` was checked for the whole change first.
                _ = outputs[k].push(commit)
            }
            eventCount &+= UInt64(outputCount)
            commitCount &+= 1
        }
        return true
    }

    /// One side's new top levels (`scratch[0..<count]`, `count` ≤ ring k's depth) on ring `k`: level
    /// events, or a copy into the ring's next snapshot slot. Returns whether they differ from the
    /// ones last published there.
    @inlinable @inline(__always)
    mutating func side(_ k: Int, _ i: Int, _ side: Side, count: Int, startTime: Nanos) -> Bool {
        guard let levels = slotLevels[k], let counts = slotCounts[k] else { return diff(k, i, side, count: count, startTime: startTime) }
        let s = side == .buy ? 0 : 1
        let row = (k &* instrumentCount &+ i) &* 2 &+ s
        let base = published + row &* depth
        let old = publishedCount[row]
        let slotRow = nextSlots[k] &* 2 &+ s
        let slot = levels + slotRow &* depths[k]
        var changed = old != count
        for m in 0..<count {
            let level = scratch[m]
            changed = changed || base[m] != level
            base[m] = level
            slot[m] = level
        }
        publishedCount[row] = count
        counts[slotRow] = count
        return changed
    }

    /// Merges `scratch[0..<count]` (the new top levels of one side, best first, `count` ≤ ring k's
    /// depth) with the ones last published on ring `k`, pushes each difference there as a `level`
    /// event and stores the new levels. Returns whether any differed.
    @inlinable
    mutating func diff(_ k: Int, _ i: Int, _ side: Side, count: Int, startTime: Nanos) -> Bool {
        let s = side == .buy ? 0 : 1
        let row = (k &* instrumentCount &+ i) &* 2 &+ s
        let base = published + row &* depth
        let old = publishedCount[row]
        let id = InstrumentId(raw: UInt32(i))
        let ring = outputs[k]
        var pushed: UInt64 = 0
        // SAFETY: scratch holds ≥ count levels (count ≤ depth, its capacity).
        let changed = TopLevelsDiff.forEachChange(old: base, count: old, new: scratch.baseAddress!, count: count, side: side) { level in
            // Cannot be back-pressured: `roomForBookChange` was checked for the whole change first.
            _ = ring.push(BookEvent(kind: .level, side: side, instrument: id, price: level.price, quantity: level.quantity, startTime: startTime))
            pushed &+= 1
        }
        eventCount &+= pushed
        for m in 0..<count { base[m] = scratch[m] }
        publishedCount[row] = count
        return changed
    }
}
