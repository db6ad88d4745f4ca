import Foundation
import Testing
import HFTPrimitives
@testable import MarketData

/// Overlapping connection rollovers on the real Binance captures: the replacement connection's
/// first diffs are read before the old connection's last ones (both carry the same stream). The
/// book must hold the early diffs, bridge them when the old connection catches up, and end exactly
/// where a single-connection replay ends, with the oracle matching throughout; and when the old
/// connection never catches up, declare the gap and bridge the held diffs from a snapshot.
@Suite(.serialized) struct RolloverReorderTests {
    static let captures = ["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz", "binance/spot/hftbacktest_spot_ethusdt_20240808.gz"]

    /// Frame `i` on `connection` (REST snapshot frames are not on a connection).
    static func deliver(_ fx: ReplayFixture, _ i: Int, connection: UInt16, into feed: inout BookFeed) -> BookFeedResult {
        let f = fx.frames.frames[i]
        return fx.frames.frameBytes(i).withUnsafeBytes { b in
            if f.channel.kind == .restDepthSnapshot, let s = f.channel.symbolIndex {
                return feed.ingestSnapshot(b, instrument: InstrumentId(raw: UInt32(fx.routes[s])), receiveTime: f.receiveTime)
            }
            return feed.ingest(b, receiveTime: f.receiveTime, connection: connection)
        }
    }

    /// The whole capture on one connection; the frame indices of the diffs it applied live.
    static func single(_ fx: ReplayFixture, through last: Int? = nil, applied: inout [Int], tradeIds: inout [UInt64]) -> BookFeed {
        var feed = fx.makeFeed()
        for i in 0...(last ?? fx.frames.count - 1) {
            switch deliver(fx, i, connection: 0, into: &feed) {
            case .depth(_, .applied): applied.append(i)
            case .trades(let n): for j in 0..<n { tradeIds.append(feed.trades[j].tradeId) }
            default: break
            }
        }
        return feed
    }

    static func single(_ fx: ReplayFixture, through last: Int? = nil, applied: inout [Int]) -> BookFeed {
        var ignored: [UInt64] = []
        return single(fx, through: last, applied: &applied, tradeIds: &ignored)
    }

    static func single(_ fx: ReplayFixture, through last: Int? = nil) -> BookFeed {
        var ignored: [Int] = []
        return single(fx, through: last, applied: &ignored)
    }

    static func levels(_ feed: borrowing BookFeed, _ id: InstrumentId) -> ([DepthLevel], [DepthLevel], UInt64) {
        feed.withBook(id) { (bookLevels($0.book, .buy), bookLevels($0.book, .sell), $0.lastUpdateId) }
    }

    @Test(arguments: captures)
    func rolloversWithTheNewConnectionAheadEndWhereOneConnectionEnds(_ path: String) throws {
        let fx = try ReplayFixture([path])
        try #require(fx.instruments.count == 1)
        let id = InstrumentId(raw: 0)
        var applied: [Int] = [], referenceTrades: [UInt64] = []
        let reference = Self.single(fx, applied: &applied, tradeIds: &referenceTrades)
        try #require(applied.count > 2_000 && referenceTrades.count > 1_000)

        // Every fifth of the applied diffs a new connection starts 1–4 diffs ahead of the old one, delivers
        // two diffs (and whatever frames lie between), then the old one catches up six diffs past
        // the new one's first, and the new one carries on.
        var order: [(frame: Int, connection: UInt16)] = []
        var start = 0, connection: UInt16 = 0, rollovers = 0
        let every = applied.count / 5
        for k in stride(from: every / 2, to: applied.count - 20, by: every) {
            let lead = 1 + rollovers % 4
            let old = connection, new = connection &+ 1
            order += (start..<applied[k]).map { ($0, old) }
            order += (applied[k + lead]..<applied[k + lead + 2]).map { ($0, new) }
            order += (applied[k]..<applied[k + lead + 6]).map { ($0, old) }
            start = applied[k + lead + 2]
            connection = new
            rollovers += 1
        }
        order += (start..<fx.frames.count).map { ($0, connection) }

        var split = fx.makeFeed()
        var snapshotsSeen = Set<Int>()
        var held = 0, trades: [UInt64] = []
        for (i, c) in order {
            if fx.frames.frames[i].channel.kind == .restDepthSnapshot && !snapshotsSeen.insert(i).inserted { continue }
            switch Self.deliver(fx, i, connection: c, into: &split) {
            case .depth(_, .held): held += 1
            case .trades(let n): for j in 0..<n { trades.append(split.trades[j].tradeId) }
            default: break
            }
        }
        // Trades the two connections both carried reach the consumer once each (the old connection's
        // late ones after the new one's first, as they arrived), none lost.
        let duplicates = split.counters.duplicateTrades
        print("trades \(trades.count) distinct \(Set(trades).count), reference \(referenceTrades.count) distinct \(Set(referenceTrades).count), missing \(Set(referenceTrades).subtracting(trades).count)")
        let sameTrades = trades.count == referenceTrades.count && Set(trades) == Set(referenceTrades) && Set(trades).count == trades.count
        #expect(sameTrades, "\(trades.count) trades (\(Set(trades).count) distinct) against \(referenceTrades.count)")
        #expect(duplicates > 0 && split.counters.trades == referenceTrades.count)
        let s = split.syncCounters(id), r = reference.syncCounters(id)
        print("\(path): \(rollovers) rollovers, \(held) diffs held, \(duplicates) duplicate trades dropped, holds \(s.reorderHolds), bridged \(s.reordersBridged), gaps \(s.gaps) "
            + "(one connection: \(r.gaps)), oracle \(split.oracle(id).matched)/\(split.oracle(id).checked)")
        #expect(rollovers == 5)
        #expect(s.reorderHolds == rollovers && s.reordersBridged == rollovers)
        #expect(held == 2 * rollovers)
        #expect(s.gaps == r.gaps && s.resyncs == r.resyncs && s.crossedBooks == 0)
        let a = Self.levels(split, id), b = Self.levels(reference, id)
        #expect(a.2 == b.2)
        #expect(a.0 == b.0 && a.1 == b.1)
        let oracle = split.oracle(id), referenceOracle = reference.oracle(id)
        // A bridge applies the held diffs at once: a ticker at an update inside them has no book state to meet.
        #expect(oracle.matched == oracle.checked && oracle.checked >= referenceOracle.checked - 2 * rollovers)
    }

    /// The old connection stops short of the new one's first diff: the new one's diffs are held
    /// while the old one still delivers (a diff of the old one restarts the count), then, after
    /// `reorderHoldMessages` in a row, the gap is declared (the book stays at the old connection's
    /// last update) and a snapshot bridges to the held diffs, ending exactly where one connection would.
    @Test func heldDiffsNeverBridgedBecomeAGapAndBridgeFromASnapshot() throws {
        let fx = try ReplayFixture([Self.captures[0]])
        let id = InstrumentId(raw: 0)
        var applied: [Int] = []
        _ = Self.single(fx, applied: &applied)
        let k = 2_000, lead = 3
        let limit = 8
        var feed = BookFeed(venue: fx.venue, instruments: fx.instruments, reorderHoldMessages: limit, reorderHoldNanos: .max)
        for i in 0..<applied[k] { _ = Self.deliver(fx, i, connection: 0, into: &feed) }
        var outcomes: [BookSyncOutcome] = []
        var next = applied[k + lead], last = next
        /// The new connection's frames until `n` more depth outcomes.
        func newConnection(_ n: Int, _ feed: inout BookFeed) {
            let target = outcomes.count + n
            while outcomes.count < target && next < fx.frames.count {
                if case .depth(_, let o) = Self.deliver(fx, next, connection: 1, into: &feed) { outcomes.append(o) }
                last = next
                next += 1
            }
        }
        newConnection(limit - 1, &feed)
        // The old connection delivers one more diff (not enough to bridge): the count restarts.
        guard case .depth(_, let old) = Self.deliver(fx, applied[k], connection: 0, into: &feed) else { Issue.record("not a diff"); return }
        #expect(old == .applied)
        let before = feed.withBook(id) { $0.lastUpdateId }
        newConnection(limit + 1, &feed)
        #expect(outcomes.count == 2 * limit)
        #expect(outcomes.dropLast().allSatisfy { $0 == .held }, "\(outcomes)")
        #expect(outcomes.last == .needSnapshot)
        let staleAfterGap = feed.isStale(id)
        #expect(staleAfterGap)
        let counters = feed.syncCounters(id)
        #expect(counters.gaps == 1 && counters.reorderHolds == 1 && counters.reordersBridged == 0)
        let (after, buffered) = feed.withBook(id) { ($0.lastUpdateId, $0.bufferedCount) }
        #expect(after == before, "nothing applied across the gap")
        #expect(buffered == 2 * limit)

        // A REST snapshot at the first held diff's update: bridges to every held diff.
        let atFirstHeld = Self.single(fx, through: applied[k + lead])
        let snap = Self.levels(atFirstHeld, id)
        var ref = ReferenceBook()
        for l in snap.0 { ref.bids[l.price.raw] = l.quantity.raw }
        for l in snap.1 { ref.asks[l.price.raw] = l.quantity.raw }
        ref.lastUpdateId = snap.2
        let body = ref.binanceSnapshotBody(spec: fx.instruments[0].spec)
        let result = body.withUnsafeBytes { feed.ingestSnapshot($0, instrument: id, receiveTime: .zero) }
        guard case .depth(_, let outcome) = result else { Issue.record("snapshot: \(result)"); return }
        #expect(outcome == .snapshotApplied)
        let staleAfterSnapshot = feed.isStale(id)
        #expect(!staleAfterSnapshot)
        let expected = Self.single(fx, through: last)
        let a = Self.levels(feed, id), b = Self.levels(expected, id)
        #expect(a.2 == b.2 && a.0 == b.0 && a.1 == b.1)
    }

    /// The hold's bound in venue time: the first held diff whose exchange time is more than
    /// `reorderHoldNanos` past the first held one's is the gap (the default count never binds here).
    @Test func aHoldSpanningTooMuchExchangeTimeBecomesAGap() throws {
        let fx = try ReplayFixture([Self.captures[0]])
        let id = InstrumentId(raw: 0)
        var applied: [Int] = []
        _ = Self.single(fx, applied: &applied)
        let k = 2_000, bound: Int64 = 1_000_000_000
        var feed = BookFeed(venue: fx.venue, instruments: fx.instruments, reorderHoldNanos: bound)
        for i in 0..<applied[k] { _ = Self.deliver(fx, i, connection: 0, into: &feed) }
        var times: [Int64] = [], outcomes: [BookSyncOutcome] = []
        var i = applied[k + 2]
        while i < fx.frames.count && outcomes.last != .needSnapshot {
            if case .depth(_, let o) = Self.deliver(fx, i, connection: 1, into: &feed) {
                outcomes.append(o)
                times.append(feed.lastDepthHeader.exchangeTime.raw)
            }
            i += 1
        }
        try #require(outcomes.count >= 4, "\(outcomes.count) diffs")
        #expect(outcomes.dropLast().allSatisfy { $0 == .held } && outcomes.last == .needSnapshot)
        #expect(times.dropLast().allSatisfy { $0 - times[0] <= bound } && times.last! - times[0] > bound)
        let held = feed.syncCounters(id).reorderHolds
        #expect(held == 1)
        print("exchange-time bound \(bound / 1_000_000) ms: \(outcomes.count - 1) diffs held over \((times[times.count - 2] - times[0]) / 1_000_000) ms, then a gap")
    }

    /// One connection's gap is still a gap at once (no hold), and holding can be turned off.
    @Test func aGapOnTheSameConnectionOrWithHoldingOffIsImmediate() throws {
        let fx = try ReplayFixture([Self.captures[0]])
        let id = InstrumentId(raw: 0)
        var applied: [Int] = []
        _ = Self.single(fx, applied: &applied)
        let k = 2_000
        var feed = fx.makeFeed()
        for i in 0..<applied[k] { _ = Self.deliver(fx, i, connection: 7, into: &feed) }
        guard case .depth(_, let same) = Self.deliver(fx, applied[k + 2], connection: 7, into: &feed) else { Issue.record("not a diff"); return }
        #expect(same == .needSnapshot)

        var off = BookFeed(venue: fx.venue, instruments: fx.instruments, reorderHoldMessages: 0)
        for i in 0..<applied[k] { _ = Self.deliver(fx, i, connection: 0, into: &off) }
        guard case .depth(_, let other) = Self.deliver(fx, applied[k + 2], connection: 1, into: &off) else { Issue.record("not a diff"); return }
        #expect(other == .needSnapshot)
        let holds = (off.syncCounters(id).reorderHolds, feed.syncCounters(id).reorderHolds)
        #expect(holds == (0, 0))
    }
}
