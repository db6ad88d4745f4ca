import Foundation
import HFTPrimitives
#if canImport(Glibc)
import Glibc
#endif
import HFTRuntime
import Testing
@testable import MarketData

/// The publisher's contract on real captures: a mirror that applies one ring's level events (or
/// reads the snapshot slot each commit names) holds, after each of its commits, exactly the book's
/// top levels at that ring's depth (none when stale), and every ring gets the same commits in the
/// same order, at any mix of depths and under back-pressure.
@Suite(.serialized) struct BookEventPublisherTests {
    /// One ring's consumer and the books it rebuilds (one per instrument).
    final class Mirror {
        let consumer: RingConsumer<BookEvent>
        let depth: Int
        let count: Int
        let books: UnsafeMutablePointer<OrderBook>
        /// A snapshot ring's slots, and per instrument the levels of the slot its last commit named.
        let snapshots: BookSnapshotSlots?
        var snapshotLevels: [(bids: [DepthLevel], asks: [DepthLevel])]
        /// Commits seen: instrument, stale flag and receive time, in order.
        var commits: [(UInt32, Bool, Int64)] = []
        var levelEvents = 0
        var trades = 0

        init(consumer: RingConsumer<BookEvent>, depth: Int, ticks: [Int64], snapshots: BookSnapshotSlots? = nil) {
            self.consumer = consumer
            self.depth = depth
            self.snapshots = snapshots
            snapshotLevels = Array(repeating: ([], []), count: ticks.count)
            count = ticks.count
            books = .allocate(capacity: max(1, ticks.count))
            for (i, tick) in ticks.enumerated() { (books + i).initialize(to: OrderBook(configuration: OrderBookConfiguration(tick: tick))) }
        }

        deinit {
            books.deinitialize(count: count)
            books.deallocate()
        }
    }

    struct Outcome {
        var frames = 0
        var commits = 0
        /// Mirror states compared with the feed's book, and how many differed.
        var checked = 0
        var mismatches = 0
        var levelEvents: [Int] = []
        var trades: [Int] = []
        var deferrals: UInt64 = 0
    }

    /// Replays `paths` through a `BookFeed` and a publisher with two rings of `capacity`, at `depths`
    /// (the first a snapshot ring with `snapshotFirst`). The rings are read every `drainEvery` frames and whenever the publisher is blocked
    /// (then `flush` runs until nothing waits, before the next frame: the publisher's contract), so
    /// that with small rings and `drainEvery > 1` changes wait as dirty books and trades as pending.
    ///
    /// At each read, for every instrument committed since the last one, the mirror must equal the
    /// feed's book now, to the ring's depth: nothing was ingested since without being published,
    /// and a change below every ring's depth leaves those levels as they were.
    static func replay(_ paths: [String], depths: (Int, Int), capacity: Int, drainEvery: Int, snapshotFirst: Bool = false) throws -> Outcome {
        let frames = try RecordingImporter.load(paths: paths.map { MarketDataFiles.root.appendingPathComponent($0).path })
        let venue = try #require(frames.venue)
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        var feed = BookFeed(venue: venue, instruments: instruments)
        let first = Ring<BookEvent>(capacity: capacity), second = Ring<BookEvent>(capacity: capacity)
        let ticks = instruments.map(\.spec.tick)
        let slots = snapshotFirst ? BookSnapshotSlots(ringCapacity: capacity, depth: depths.0) : nil
        let mirrors = [Mirror(consumer: first.consumer, depth: depths.0, ticks: ticks, snapshots: slots),
                       Mirror(consumer: second.consumer, depth: depths.1, ticks: ticks)]
        var publisher = BookEventPublisher(instrumentCount: instruments.count,
                                           outputs: [slots.map { BookEventOutput(ring: first.producer, snapshots: $0) }
                                                        ?? BookEventOutput(ring: first.producer, depth: depths.0),
                                                     BookEventOutput(ring: second.producer, depth: depths.1)])
        let deepest = max(depths.0, depths.1)
        // One more than the deepest ring: a mirror holding a level below its depth shows.
        let top = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: deepest + 1)
        defer { top.deallocate() }
        let scratch = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: deepest + 1)
        defer { scratch.deallocate() }
        var outcome = Outcome()

        func levels(_ book: UnsafeMutablePointer<OrderBook>, _ side: Side) -> [DepthLevel] {
            Array(top[0..<book.pointee.topLevels(side, into: top)])
        }

        /// Reads every ring to its end; with `check`, compares the mirrors of the instruments
        /// committed since the last read with the feed's book (not while a change waits unpublished).
        func drain(_ feed: borrowing BookFeed, check: Bool) {
            for k in mirrors.indices {
                var committed = Set<Int>()
                while let e = mirrors[k].consumer.pop() {
                    let i = Int(e.instrument.raw)
                    switch e.kind {
                    case .level:
                        mirrors[k].levelEvents += 1
                        mirrors[k].books[i].set(side: e.side, price: e.price, quantity: e.quantity)
                        // A snapshot ring carries no level events.
                        if mirrors[k].snapshots != nil { outcome.mismatches += 1 }
                    case .trade:
                        mirrors[k].trades += 1
                    case .commit:
                        mirrors[k].commits.append((e.instrument.raw, e.isStale, e.receiveTime.raw))
                        committed.insert(i)
                        if let slots = mirrors[k].snapshots {
                            mirrors[k].snapshotLevels[i] = (Array(slots.levels(e.slot, .buy)), Array(slots.levels(e.slot, .sell)))
                        }
                    }
                }
                let d = mirrors[k].depth
                for i in committed where check {
                    let id = InstrumentId(raw: UInt32(i))
                    let stale = feed.isStale(id)
                    let bids = stale ? [] : Array(scratch[0..<min(d, feed.topLevels(id, .buy, into: scratch))])
                    let asks = stale ? [] : Array(scratch[0..<min(d, feed.topLevels(id, .sell, into: scratch))])
                    outcome.checked += 1
                    let held = mirrors[k].snapshots == nil ? (levels(mirrors[k].books + i, .buy), levels(mirrors[k].books + i, .sell))
                        : mirrors[k].snapshotLevels[i]
                    if held.0 != bids || held.1 != asks { outcome.mismatches += 1 }
                }
            }
        }

        // As the Book stage does: a book that turns stale or current without a depth result (a gap, a
        // resync) is marked dirty, so that its next flush says so.
        var stale = [Bool](repeating: true, count: instruments.count)
        _ = BookReplay.run(frames, routes: BookReplay.symbolRoutes(frames, instruments: instruments), feed: &feed) { result, f, feed in
            outcome.frames += 1
            _ = publisher.publish(result, feed: feed, startTime: f.receiveTime)
            for i in 0..<instruments.count where feed.isStale(InstrumentId(raw: UInt32(i))) != stale[i] {
                stale[i].toggle()
                publisher.markDirty(InstrumentId(raw: UInt32(i)), receiveTime: f.receiveTime, startTime: f.receiveTime)
            }
            // Before the next frame nothing may wait: make room (a read that cannot check, a change
            // waits unpublished) until a flush gets everything out.
            while publisher.isBlocked && !publisher.flush(feed: feed) { drain(feed, check: false) }
            if outcome.frames % drainEvery == 0 { drain(feed, check: true) }
        }
        drain(feed, check: true)
        outcome.commits = Int(publisher.commits)
        outcome.deferrals = publisher.deferrals
        outcome.levelEvents = mirrors.map(\.levelEvents)
        outcome.trades = mirrors.map(\.trades)
        // Every ring saw the same commits in the same order.
        for m in mirrors.dropFirst() where m.commits.count != mirrors[0].commits.count
            || zip(m.commits, mirrors[0].commits).contains(where: { $0.0 != $1.0 || $0.1 != $1.1 || $0.2 != $1.2 }) {
            outcome.mismatches += 1
        }
        return outcome
    }

    /// The engine's rings (Signals 10, Execution 20) on the USD-M capture `hft bench` replays.
    @Test func signalsAndExecutionDepthsOnUSDM() throws {
        let o = try Self.replay(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"], depths: (10, 20), capacity: 4096, drainEvery: 1)
        print("BookEventPublisher USD-M [10, 20]: \(o.frames) frames, \(o.commits) commits, \(o.checked) mirror states checked, "
              + "level events \(o.levelEvents), trades \(o.trades)")
        #expect(o.commits > 1000 && o.checked == 2 * o.commits)
        #expect(o.mismatches == 0)
        #expect(o.trades[0] > 0 && o.trades[0] == o.trades[1])
        // The shallow ring carries fewer level events than the deep one (only changes within its depth).
        #expect(o.levelEvents[0] > 0 && o.levelEvents[0] < o.levelEvents[1])
    }

    /// The engine's rings: Signals reads a snapshot slot of 10 levels per commit, Execution applies
    /// level events to 20; on the USD-M capture, and under back-pressure.
    @Test(arguments: [(4096, 1), (128, 16)])
    func snapshotRingNextToLevelEvents(capacity: Int, drainEvery: Int) throws {
        let o = try Self.replay(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"], depths: (10, 20), capacity: capacity,
                                drainEvery: drainEvery, snapshotFirst: true)
        #expect(o.commits > 1000 && o.checked > 1000 && o.mismatches == 0)
        #expect(o.levelEvents[0] == 0 && o.levelEvents[1] > 0 && o.trades[0] == o.trades[1])
        if drainEvery == 1 { #expect(o.checked == 2 * o.commits) } else { #expect(o.deferrals > 100) }
    }

    /// The levels each commit must show, written by the producing thread before the push of the
    /// commit (so the reading thread sees them after its pop).
    final class ExpectedLevels: @unchecked Sendable {
        // SAFETY (@unchecked Sendable): entry c is written only before commit c is pushed and read
        // only after it is popped (the ring's release/acquire orders them).
        let depth: Int
        let levels: UnsafeMutablePointer<DepthLevel>
        let counts: UnsafeMutablePointer<Int>

        init(commits: Int, depth: Int) {
            self.depth = depth
            levels = .allocate(capacity: commits * 2 * depth)
            counts = .allocate(capacity: commits * 2)
        }

        deinit {
            levels.deallocate()
            counts.deallocate()
        }

        /// Records the book's top levels of instrument 0 now as commit `c`'s.
        func record(_ c: Int, _ feed: borrowing BookFeed) {
            let id = InstrumentId(raw: 0)
            for s in 0..<2 {
                let out = UnsafeMutableBufferPointer(start: levels + (c * 2 + s) * depth, count: depth)
                counts[c * 2 + s] = feed.isStale(id) ? 0 : feed.topLevels(id, s == 0 ? .buy : .sell, into: out)
            }
        }

        func matches(_ c: Int, _ slots: BookSnapshotSlots, slot k: Int) -> Bool {
            (0..<2).allSatisfy { s in
                let held = slots.levels(k, s == 0 ? .buy : .sell)
                return held.count == counts[c * 2 + s] && held.indices.allSatisfy { held[$0] == levels[(c * 2 + s) * depth + $0] }
            }
        }
    }

    /// The slot contract across threads: the publisher on one thread, as fast as a 256-event ring
    /// lets it (slots reused every 258 commits), the reader on another, falling behind now and
    /// then, checking every commit's slot against the levels the producer recorded for that commit
    /// before publishing it.
    @Test func snapshotSlotsAcrossThreads() throws {
        let frames = try RecordingImporter.load(paths: [MarketDataFiles.root.appendingPathComponent("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz").path])
        let venue = try #require(frames.venue)
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        try #require(instruments.count == 1)
        let routes = BookReplay.symbolRoutes(frames, instruments: instruments)
        let ring = Ring<BookEvent>(capacity: 256)
        let slots = BookSnapshotSlots(ringCapacity: 256, depth: 10)
        let expected = ExpectedLevels(commits: frames.frames.count + 2, depth: 10)
        let producer = ring.producer, consumer = ring.consumer
        let finished = DispatchSemaphore(value: 0)
        let end = BookEvent(kind: .trade, side: .buy, instrument: InstrumentId(raw: .max))
        Thread {
            var feed = BookFeed(venue: venue, instruments: instruments)
            var publisher = BookEventPublisher(instrumentCount: 1, outputs: [BookEventOutput(ring: producer, snapshots: slots)])
            let id = InstrumentId(raw: 0)
            var stale = true
            _ = BookReplay.run(frames, routes: routes, feed: &feed) { result, f, feed in
                expected.record(Int(publisher.commits), feed)
                _ = publisher.publish(result, feed: feed, startTime: f.receiveTime)
                if feed.isStale(id) != stale {
                    stale.toggle()
                    publisher.markDirty(id, receiveTime: f.receiveTime, startTime: f.receiveTime)
                }
                while publisher.isBlocked {
                    expected.record(Int(publisher.commits), feed)
                    if !publisher.flush(feed: feed) { sched_yield() }
                }
            }
            while producer.push(end) != .published { sched_yield() }
            finished.signal()
        }.start()
        var commits = 0, mismatches = 0, levelEvents = 0
        while true {
            guard let e = consumer.pop() else { sched_yield(); continue }
            if e == end { break }
            if e.kind == .level { levelEvents += 1 }
            if e.kind == .commit {
                if !expected.matches(commits, slots, slot: e.slot) { mismatches += 1 }
                commits += 1
                // Fall behind now and then, so that the ring fills and the producer waits for room
                // with commits queued: the slots they name must still hold their levels.
                if commits % 256 == 0 { usleep(2_000) }
            }
        }
        finished.wait()
        print("BookEventPublisher snapshot slots across threads: \(commits) commits checked")
        #expect(commits > 6000 && mismatches == 0 && levelEvents == 0)
    }

    /// One ring at a depth, and the same depth on two rings: both rings carry the same events.
    @Test(arguments: [1, 20])
    func equalDepthsOnSpot(depth: Int) throws {
        let o = try Self.replay(["binance/spot/hftbacktest_spot_ethusdt_20240808.gz"], depths: (depth, depth), capacity: 4096, drainEvery: 1)
        #expect(o.commits > 100 && o.mismatches == 0 && o.checked == 2 * o.commits)
        #expect(o.levelEvents[0] == o.levelEvents[1] && o.trades[0] == o.trades[1])
    }

    /// Several instruments, a stale period and REST snapshots (cryptofeed Binance 2021), deep ring
    /// first, as level events or as snapshot slots.
    @Test(arguments: [false, true])
    func multiInstrumentCapture(snapshotFirst: Bool) throws {
        let o = try Self.replay(["binance/cryptofeed-2021/BINANCE.ws.1.0"], depths: (25, 3),
                                capacity: 4096, drainEvery: 1, snapshotFirst: snapshotFirst)
        #expect(o.commits > 100 && o.mismatches == 0 && o.checked == 2 * o.commits)
        if snapshotFirst { #expect(o.levelEvents[0] == 0) } else { #expect(o.levelEvents[1] < o.levelEvents[0]) }
    }

    /// Rings just large enough for one change, read every 16 frames: changes wait as dirty books and
    /// trades as pending ones, and the mirrors still end every read equal to the book.
    @Test func backPressureKeepsMirrorsExact() throws {
        let o = try Self.replay(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"], depths: (10, 20), capacity: 128, drainEvery: 16)
        print("BookEventPublisher USD-M [10, 20], 128-event rings read every 16 frames: \(o.commits) commits, \(o.deferrals) deferrals, "
              + "\(o.checked) mirror states checked")
        #expect(o.deferrals > 100)
        #expect(o.checked > 1000 && o.mismatches == 0)
    }
}
