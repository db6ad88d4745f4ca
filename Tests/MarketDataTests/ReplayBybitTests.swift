import Foundation
import Testing
import HFTPrimitives
@testable import MarketData

/// Bybit captures have no bookTicker oracle: check every book state against an independent
/// Dictionary reference book fed the same parsed messages, plus the `u` chain, snapshot resets,
/// never crossed and level counts.
@Suite(.serialized) struct ReplayBybitTests {
    static let files = [
        "bybit/cryptofeed_v3_BYBIT_spot_ws3.txt",
        "bybit/nexustrader_orderbook1_BTCUSDT_linear.jsonl",
        "bybit/nautilus_2024-12-01_XRPUSDT_ob500.data",
    ]

    @Test(arguments: files)
    func matchesReferenceBookAfterEveryMessage(_ file: String) throws {
        let fixture = try ReplayFixture([file])
        #expect(fixture.venue == .bybitLinear)
        var feed = fixture.makeFeed()
        var reference = [ReferenceBook](repeating: ReferenceBook(), count: fixture.instruments.count)
        var depthMessages = 0
        var compared = 0
        for i in 0..<fixture.frames.count {
            let result = fixture.feed(i, into: &feed)
            guard case .depth(let id, let outcome) = result else {
                if case .parseFailure(let e) = result { Issue.record("frame \(i): parse failure \(e)") }
                continue
            }
            depthMessages += 1
            let n = Int(id.raw)
            // The reference: snapshots reset, deltas must have u == previous u + 1.
            let header = feed.lastDepthHeader
            #expect(header.instrument == id)
            if header.kind == .snapshot {
                #expect(outcome == .snapshotApplied)
                reference[n].reset(header, feed.levels)
            } else {
                #expect(header.finalUpdateId == reference[n].lastUpdateId + 1, "u chain broken at frame \(i)")
                #expect(outcome == .applied)
                reference[n].apply(header, feed.levels)
            }
            let (bids, asks, crossed, stale) = feed.withBook(id) { b in (bookLevels(b.book, .buy), bookLevels(b.book, .sell), b.book.isCrossed, b.isStale) }
            #expect(!stale && !crossed)
            #expect(bids == reference[n].sortedBids, "bids differ after frame \(i)")
            #expect(asks == reference[n].sortedAsks, "asks differ after frame \(i)")
            compared += 1
        }
        for (i, entry) in fixture.instruments.enumerated() {
            let id = InstrumentId(raw: UInt32(i))
            let s = feed.syncCounters(id)
            let counts = feed.withBook(id) { ($0.book.levelCount(.buy), $0.book.levelCount(.sell)) }
            print("\(file) \(entry.symbol): reference matched \(compared) states, diffs \(s.appliedDiffs), snapshots \(s.snapshots), gaps \(s.gaps), crossed \(s.crossedBooks), levels \(counts.0)x\(counts.1)")
            if s.snapshots > 0 {
                #expect(s.gaps == 0 && s.crossedBooks == 0 && s.snapshots == 1)
            }
        }
        #expect(feed.counters.parseErrors == 0)
        #expect(compared == depthMessages && compared > 0)
    }

    @Test func spotBooksStayAt200Levels() throws {
        let fixture = try ReplayFixture(["bybit/cryptofeed_v3_BYBIT_spot_ws3.txt"])
        var feed = fixture.makeFeed()
        for i in 0..<fixture.frames.count {
            if case .depth(let id, _) = fixture.feed(i, into: &feed) {
                let counts = feed.withBook(id) { ($0.book.levelCount(.buy), $0.book.levelCount(.sell)) }
                #expect(counts.0 == 200 && counts.1 == 200, "frame \(i): \(counts)")
            }
        }
        let btc = try #require(fixture.instruments.firstIndex { $0.symbol == "BTCUSDT" })
        let eth = try #require(fixture.instruments.firstIndex { $0.symbol == "ETHUSDT" })
        #expect(feed.syncCounters(InstrumentId(raw: UInt32(btc))).appliedDiffs == 299)
        #expect(feed.syncCounters(InstrumentId(raw: UInt32(eth))).appliedDiffs == 249)
    }

}
