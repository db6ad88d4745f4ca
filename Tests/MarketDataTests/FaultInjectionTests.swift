import Foundation
import Testing
import HFTPrimitives
@testable import MarketData
import HFTTestSupport

/// Faults made from the real captures: gaps, reordering, duplicates, injected snapshots, malformed frames.
@Suite(.serialized) struct FaultInjectionTests {
    static let spot = "binance/spot/hftbacktest_spot_ethusdt_20240808.gz"

    /// The reference book of the complete (fault-free) spot stream just after frame `last`,
    /// built with a plain Dictionary and the spot rules (snapshot, then diffs with `u > lastUpdateId`).
    static func referenceSpot(_ fx: ReplayFixture, through last: Int) throws -> ReferenceBook {
        var parser = ParserHarnessLite(symbols: SymbolTable(fx.instruments))
        var ref = ReferenceBook()
        var synced = false
        for i in 0...last {
            let f = fx.frames.frames[i]
            let bytes = fx.frames.frameBytes(i)
            if f.channel.kind == .restDepthSnapshot {
                let parsed = parser.snapshot(bytes, spec: fx.instruments[0].spec)
                let h = try #require(parsed)
                ref.reset(h, parser.levels)
                synced = true
            } else if let h = parser.diff(bytes), synced, h.finalUpdateId > ref.lastUpdateId {
                ref.apply(h, parser.levels)
            }
        }
        return ref
    }

    /// Replays `sequence`, returning the feed and the outcome of every depth frame by frame index.
    static func run(_ fx: ReplayFixture, _ sequence: FrameSequence, onFrame: (Int, BookFeedResult, borrowing BookFeed) -> Void = { _, _, _ in }) -> BookFeed {
        var feed = fx.makeFeed()
        for i in 0..<sequence.count {
            let r = fx.feed(i, of: sequence, into: &feed)
            onFrame(i, r, feed)
        }
        return feed
    }

    /// Rebuilds the spot sequence from `order` (original frame indices; -1 = the injected snapshot).
    static func sequence(_ fx: ReplayFixture, _ order: [Int], snapshot: [UInt8] = []) -> FrameSequence {
        var out = FrameSequence(venue: fx.frames.venue, symbols: fx.frames.symbols)
        for i in order {
            if i < 0 {
                out.append(receiveTime: .zero, channel: .restDepthSnapshot(symbolIndex: 0), contents: snapshot)
            } else {
                let f = fx.frames.frames[i]
                out.append(receiveTime: f.receiveTime, channel: f.channel, contents: fx.frames.frameBytes(i))
            }
        }
        return out
    }

    @Test func deletedDiffGoesStaleAtOnceAndResyncsFromAnInjectedSnapshot() throws {
        let fx = try ReplayFixture([Self.spot])
        let diffs = fx.indices(containing: "\"depthUpdate\"")
        let deleted = diffs[1000], firstAfter = diffs[1001], resyncAt = diffs[1010]
        let ref = try Self.referenceSpot(fx, through: resyncAt)
        var order = Array(0..<fx.frames.count).filter { $0 != deleted }
        order.insert(-1, at: order.firstIndex(of: resyncAt)! + 1)
        let seq = Self.sequence(fx, order, snapshot: ref.binanceSnapshotBody(spec: fx.instruments[0].spec))
        let id = InstrumentId(raw: 0)
        var sawGap = false
        var staleFrames = 0
        var snapshotOutcome: BookSyncOutcome? = nil
        let feed = Self.run(fx, seq) { i, r, feed in
            let original = order[i]
            if original == firstAfter {
                if case .depth(_, let outcome) = r { #expect(outcome == .needSnapshot) } else { Issue.record("expected a depth result") }
                let stale = feed.isStale(id)
                #expect(stale, "stale from the gap frame itself")
                sawGap = true
            }
            if sawGap && snapshotOutcome == nil && original >= 0 {
                let stale = feed.isStale(id)
                #expect(stale)
                if case .depth(_, let o) = r, original != firstAfter { #expect(o == .buffered) }
                staleFrames += 1
            }
            if original == -1, case .depth(_, let o) = r {
                snapshotOutcome = o
                let stale = feed.isStale(id)
                #expect(!stale)
                feed.withBook(id) { b in
                    #expect(b.lastUpdateId == ref.lastUpdateId)
                    #expect(bookLevels(b.book, .buy) == ref.sortedBids && bookLevels(b.book, .sell) == ref.sortedAsks)
                }
            }
        }
        #expect(sawGap && snapshotOutcome == .snapshotApplied && staleFrames > 0)
        let s = feed.syncCounters(id), o = feed.oracle(id)
        print("deleted diff: oracle \(o.matched)/\(o.checked), gaps \(s.gaps), resyncs \(s.resyncs), dropped \(s.droppedStale), buffered \(s.buffered)")
        #expect(s.gaps == 1 && s.resyncs == 1 && s.crossedBooks == 0)
        #expect(o.matched == o.checked && o.checked > 500 && o.checked < 577)
    }

    @Test func reorderedDiffsAreAGapNeverAppliedAcross() throws {
        let fx = try ReplayFixture([Self.spot])
        let diffs = fx.indices(containing: "\"depthUpdate\"")
        let a = diffs[1500], b = diffs[1501], resyncAt = diffs[1505]
        let ref = try Self.referenceSpot(fx, through: resyncAt)
        var order = Array(0..<fx.frames.count)
        order.swapAt(order.firstIndex(of: a)!, order.firstIndex(of: b)!)
        order.insert(-1, at: order.firstIndex(of: resyncAt)! + 1)
        let seq = Self.sequence(fx, order, snapshot: ref.binanceSnapshotBody(spec: fx.instruments[0].spec))
        var outcomes: [Int: BookSyncOutcome] = [:]
        let feed = Self.run(fx, seq) { i, r, _ in
            if case .depth(_, let o) = r { outcomes[order[i]] = o }
        }
        #expect(outcomes[b] == .needSnapshot)
        #expect(outcomes[a] == .buffered)
        #expect(outcomes[-1] == .snapshotApplied)
        let s = feed.syncCounters(InstrumentId(raw: 0)), o = feed.oracle(InstrumentId(raw: 0))
        print("reordered: oracle \(o.matched)/\(o.checked), gaps \(s.gaps), resyncs \(s.resyncs), dropped \(s.droppedStale)")
        #expect(s.gaps == 1 && s.resyncs == 1 && o.matched == o.checked && o.checked > 500)
    }

    @Test func duplicatedDiffsAreDroppedWithoutAGap() throws {
        let fx = try ReplayFixture([Self.spot])
        let diffs = fx.indices(containing: "\"depthUpdate\"")
        var order: [Int] = []
        let dups: Set<Int> = [diffs[100], diffs[2000], diffs[3000]]
        for i in 0..<fx.frames.count {
            order.append(i)
            if dups.contains(i) { order.append(i) }
        }
        let feed = Self.run(fx, Self.sequence(fx, order))
        let s = feed.syncCounters(InstrumentId(raw: 0)), o = feed.oracle(InstrumentId(raw: 0))
        print("duplicated: oracle \(o.matched)/\(o.checked), gaps \(s.gaps), dropped \(s.droppedStale)")
        #expect(s.gaps == 0 && s.droppedStale == 2 + 3 && o.matched == 577 && o.checked == 577)
    }

    @Test func malformedFramesAreCountedAndDroppedWithoutTouchingTheBook() throws {
        let fx = try ReplayFixture([Self.spot])
        let diffs = fx.indices(containing: "\"depthUpdate\"")
        let next = fx.frames.frameBytes(diffs[1001])
        var badNumber = next
        let priceAt = try #require(next.withUnsafeBytes { ByteSearch.find(Array("\"b\":[[\"".utf8), in: $0) }) + 7
        badNumber[priceAt + 1] = UInt8(ascii: "x")
        var huge = Array("{\"stream\":\"ethusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"ETHUSDT\",\"U\":1,\"u\":2,\"b\":[".utf8)
        let level = Array("[\"2683.80000000\",\"3.02920000\"],".utf8)
        while huge.count < 10 << 20 { huge.append(contentsOf: level) }
        huge.append(contentsOf: Array("[\"1.0\",\"1.0\"]],\"a\":[]}}".utf8))
        var rng = SplitMix64(seed: 7)
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bad: [[UInt8]] = [Array(next.prefix(next.count / 2)), badNumber, huge, garbage, [], Array("{\"stream\":\"ethusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"U\":1e99}}".utf8)]

        var feed = fx.makeFeed()
        let id = InstrumentId(raw: 0)
        for i in 0..<fx.frames.count {
            _ = fx.feed(i, into: &feed)
            if i == diffs[1000] {
                let before = feed.withBook(id) { b in (bookLevels(b.book, .buy), bookLevels(b.book, .sell), b.lastUpdateId, b.phase) }
                for frame in bad {
                    let r = ReplayFixture.feed(bytes: frame, into: &feed)
                    guard case .parseFailure = r else { Issue.record("malformed frame of \(frame.count) bytes not refused: \(r)"); continue }
                }
                let after = feed.withBook(id) { b in (bookLevels(b.book, .buy), bookLevels(b.book, .sell), b.lastUpdateId, b.phase) }
                #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2 && before.3 == after.3)
            }
        }
        let s = feed.syncCounters(id), o = feed.oracle(id)
        print("malformed: parse errors \(feed.counters.parseErrors), oracle \(o.matched)/\(o.checked), gaps \(s.gaps)")
        #expect(feed.counters.parseErrors == bad.count)
        #expect(s.gaps == 0 && o.matched == 577 && o.checked == 577)
    }

    @Test func bybitSnapshotMidStreamResetsAndU1RestartIsHonoured() throws {
        let fx = try ReplayFixture(["bybit/cryptofeed_v3_BYBIT_spot_ws3.txt"])
        let btc = try #require(fx.instruments.firstIndex { $0.symbol == "BTCUSDT" })
        let id = InstrumentId(raw: UInt32(btc))
        let spec = fx.instruments[btc].spec
        let deltas = fx.indices(containing: "\"topic\":\"orderbook.200.BTCUSDT\",\"ts\"").filter { i in
            fx.frames.frameBytes(i).withUnsafeBytes { ByteSearch.find(Array("\"type\":\"delta\"".utf8), in: $0) != nil }
        }
        #expect(deltas.count == 299)
        var feed = fx.makeFeed()
        var ref = ReferenceBook()
        let topic = "orderbook.200.BTCUSDT"
        for i in 0..<fx.frames.count {
            let r = fx.feed(i, into: &feed)
            if case .depth(let d, let outcome) = r, d == id {
                let h = feed.lastDepthHeader
                if h.kind == .snapshot { ref.reset(h, feed.levels) } else { ref.apply(h, feed.levels) }
                #expect(outcome == .applied || outcome == .snapshotApplied)
            }
            if i == deltas[100] {
                // A snapshot at the current u that differs from the book (worst level of each side gone).
                var altered = ref
                altered.bids[ref.sortedBids.last!.price.raw] = nil
                altered.asks[ref.sortedAsks.last!.price.raw] = nil
                let frame = altered.bybitSnapshotFrame(topic: topic, symbol: "BTCUSDT", u: ref.lastUpdateId, spec: spec)
                guard case .depth(_, let o) = ReplayFixture.feed(bytes: frame, into: &feed) else { Issue.record("snapshot not parsed"); return }
                #expect(o == .snapshotApplied)
                ref = altered
                feed.withBook(id) { b in
                    #expect(b.book.levelCount(.buy) == 199 && b.book.levelCount(.sell) == 199)
                    #expect(bookLevels(b.book, .buy) == ref.sortedBids && bookLevels(b.book, .sell) == ref.sortedAsks)
                }
            }
            if i > deltas[100], case .depth(let d, _) = r, d == id {
                feed.withBook(id) { b in #expect(bookLevels(b.book, .buy) == ref.sortedBids && bookLevels(b.book, .sell) == ref.sortedAsks) }
            }
            if i == deltas[200] {
                // Venue restart: a `u == 1` snapshot overwrites everything; then u = 2, 3 chain on it.
                let frame = ref.bybitSnapshotFrame(topic: topic, symbol: "BTCUSDT", u: 1, spec: spec)
                guard case .depth(_, let o1) = ReplayFixture.feed(bytes: frame, into: &feed) else { Issue.record("u=1 snapshot not parsed"); return }
                #expect(o1 == .snapshotApplied)
                let best = ref.sortedBids[0]
                let p = DecimalFormatter.string(best.price.raw, places: spec.priceScale.places)
                let d2 = Array("{\"topic\":\"\(topic)\",\"ts\":1,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"\(p)\",\"0\"]],\"a\":[],\"u\":2,\"seq\":2}}".utf8)
                let d3 = Array("{\"topic\":\"\(topic)\",\"ts\":2,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"\(p)\",\"1.5\"]],\"a\":[],\"u\":3,\"seq\":3}}".utf8)
                guard case .depth(_, let o2) = ReplayFixture.feed(bytes: d2, into: &feed),
                      case .depth(_, let o3) = ReplayFixture.feed(bytes: d3, into: &feed) else { Issue.record("deltas not parsed"); return }
                #expect(o2 == .applied && o3 == .applied)
                feed.withBook(id) { b in
                    #expect(b.lastUpdateId == 3)
                    #expect(b.book.bestBid == DepthLevel(price: best.price, quantity: Quantity(raw: 15 * DecimalScale.pow10(spec.quantityScale.places - 1))))
                }
                break
            }
        }
        // The old sequence resumes (u far above 3): a gap, the book goes stale at once.
        let old = fx.frames.frameBytes(deltas[201])
        guard case .depth(_, let o) = ReplayFixture.feed(bytes: old, into: &feed) else { Issue.record("old delta not parsed"); return }
        let stale = feed.isStale(id)
        #expect(o == .needSnapshot && stale)
        let s = feed.syncCounters(id)
        print("bybit injected: snapshots \(s.snapshots), resyncs \(s.resyncs), gaps \(s.gaps)")
        #expect(s.snapshots == 3 && s.resyncs == 2 && s.gaps == 1)
    }
}

/// A minimal parse loop for the reference paths (the parser is shared; the book and sync are not).
struct ParserHarnessLite: ~Copyable {
    let parser: BinanceParser
    var levels = DepthLevelBuffer(capacityPerSide: 5000)
    var trades = TradeBuffer(capacity: 64)

    init(symbols: SymbolTable) { parser = BinanceParser(symbols: symbols) }

    mutating func diff(_ bytes: [UInt8]) -> DepthUpdateHeader? {
        let r = bytes.withUnsafeBytes { parser.parse($0, receiveTime: .zero, levels: &levels, trades: &trades) }
        if case .depth(let h) = r, h.kind == .diff { return h }
        return nil
    }

    mutating func snapshot(_ bytes: [UInt8], spec: InstrumentSpec) -> DepthUpdateHeader? {
        let r = bytes.withUnsafeBytes { parser.parseDepthSnapshot($0, instrument: spec, receiveTime: .zero, levels: &levels) }
        if case .depth(let h) = r { return h }
        return nil
    }
}
