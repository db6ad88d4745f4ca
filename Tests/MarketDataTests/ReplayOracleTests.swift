import Foundation
import Testing
import HFTPrimitives
@testable import MarketData

/// Replays every real capture through parser + sync + book and checks the bookTicker oracle.
@Suite(.serialized) struct ReplayOracleTests {
    struct Run {
        var lines: [String] = []
        var oracle: [String: BookOracleCounters] = [:]
        var sync: [String: BookSyncCounters] = [:]
        var feed = BookFeedCounters()
        var levels: [String: (Int, Int)] = [:]
    }

    /// Replays `paths` (relative to the data root) as one recording.
    static func replay(_ paths: [String]) throws -> Run {
        let full = paths.map { MarketDataFiles.root.appendingPathComponent($0).path }
        let frames = try RecordingImporter.load(paths: full)
        let venue = try #require(frames.venue)
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        var feed = BookFeed(venue: venue, instruments: instruments)
        _ = BookReplay.run(frames, routes: BookReplay.symbolRoutes(frames, instruments: instruments), feed: &feed)
        var run = Run()
        run.feed = feed.counters
        for (i, entry) in instruments.enumerated() {
            let id = InstrumentId(raw: UInt32(i))
            let o = feed.oracle(id)
            let s = feed.syncCounters(id)
            run.oracle[entry.symbol] = o
            run.sync[entry.symbol] = s
            let counts = feed.withBook(id) { ($0.book.levelCount(.buy), $0.book.levelCount(.sell)) }
            run.levels[entry.symbol] = counts
            run.lines.append("\(paths.joined(separator: " + ")) \(entry.symbol): oracle \(o.matched)/\(o.checked) (seen \(o.seen)), diffs \(s.appliedDiffs), snapshots \(s.snapshots), resyncs \(s.resyncs), gaps \(s.gaps), dropped \(s.droppedStale), crossed \(s.crossedBooks), levels \(counts.0)x\(counts.1)")
        }
        run.lines.append("  frames \(feed.counters.frames), parse errors \(feed.counters.parseErrors), unroutable \(feed.counters.unroutable)")
        print(run.lines.joined(separator: "\n"))
        return run
    }

    @Test func binanceSpot20240808() throws {
        let r = try Self.replay(["binance/spot/hftbacktest_spot_ethusdt_20240808.gz"])
        let o = try #require(r.oracle["ETHUSDT"])
        #expect(o.checked == 577 && o.matched == 577)
        let s = try #require(r.sync["ETHUSDT"])
        #expect(s.gaps == 0 && s.crossedBooks == 0 && s.snapshots == 1 && s.droppedStale == 2)
        #expect(r.feed.parseErrors == 0)
    }

    @Test func binanceSpotTwoFilesBackToBack() throws {
        let r = try Self.replay(["binance/spot/hftbacktest_spot_ethusdt_20240808.gz", "binance/spot/hftbacktest_spot_ethusdt_20240809.gz"])
        let o = try #require(r.oracle["ETHUSDT"])
        #expect(o.checked > 577 && o.matched == o.checked)
        let s = try #require(r.sync["ETHUSDT"])
        #expect(s.gaps == 0 && s.crossedBooks == 0 && s.resyncs == 0)
        #expect(r.feed.parseErrors == 0)
    }

    @Test func binanceSpot20240809AloneNeverSyncs() throws {
        // No snapshot in this file: the book must stay stale (buffering, then overflowing), never guessed.
        let r = try Self.replay(["binance/spot/hftbacktest_spot_ethusdt_20240809.gz"])
        let o = try #require(r.oracle["ETHUSDT"])
        let s = try #require(r.sync["ETHUSDT"])
        #expect(o.checked == 0 && s.appliedDiffs == 0 && s.snapshots == 0)
    }

    @Test func binanceUsdm() throws {
        let r = try Self.replay(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
        let o = try #require(r.oracle["ETHUSDT"])
        #expect(o.checked == 551 && o.matched == 551)
        let s = try #require(r.sync["ETHUSDT"])
        #expect(s.gaps == 0 && s.crossedBooks == 0 && s.snapshots == 1)
        #expect(r.feed.parseErrors == 0)
    }

    @Test func cryptofeedBinance() throws {
        let r = try Self.replay(["binance/cryptofeed-2021/BINANCE.ws.1.0"])
        let checked = r.oracle.values.reduce(0) { $0 + $1.checked }
        let matched = r.oracle.values.reduce(0) { $0 + $1.matched }
        #expect(checked == 26 && matched == 26)
        #expect(r.sync.count == 4 && r.sync.values.allSatisfy { $0.gaps == 0 && $0.crossedBooks == 0 && $0.snapshots == 1 })
        #expect(r.feed.parseErrors == 0)
    }

    @Test func cryptofeedBinanceUS() throws {
        let r = try Self.replay(["binance/cryptofeed-2021/BINANCE_US.ws.1.0"])
        let checked = r.oracle.values.reduce(0) { $0 + $1.checked }
        let matched = r.oracle.values.reduce(0) { $0 + $1.matched }
        #expect(checked == 56 && matched == 56)
        #expect(r.sync.count == 4 && r.sync.values.allSatisfy { $0.gaps == 0 && $0.crossedBooks == 0 && $0.snapshots == 1 })
        #expect(r.feed.parseErrors == 0)
    }

    /// Every file of the data set (cryptofeed `.http` companions are loaded with their `.ws` file).
    @Test func everyFileReplaysWithoutMismatch() throws {
        let files = try MarketDataFiles.all().filter { !$0.name.contains(".http.") }
        #expect(files.count >= 8)
        for file in files {
            let r = try Self.replay([file.name])
            for (symbol, o) in r.oracle {
                #expect(o.matched == o.checked, "\(file.name) \(symbol): oracle \(o.matched)/\(o.checked), first mismatch \(String(describing: o.firstMismatch))")
            }
            for (symbol, s) in r.sync {
                #expect(s.crossedBooks == 0 && s.gaps == 0, "\(file.name) \(symbol): \(s)")
            }
            #expect(r.feed.parseErrors == 0, "\(file.name)")
            #expect(r.feed.unroutable == 0, "\(file.name)")
        }
    }
}
