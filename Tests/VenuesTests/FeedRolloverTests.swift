import CSystemShims
import HFTPrimitives
import MarketData
import Simulator
import Testing
import Transport
import Venues

/// Overlapping connection rollovers (Binance closes a connection after 24 h; the feed opens the
/// replacement first) on the real USD-M capture: the book must stay in sync across each switch.
@Suite(.serialized)
struct FeedRolloverTests {
    @Test func rolloversKeepTheBookInSync() async throws {
        let sim = try makeSimulator(Captures.usdm, venue: .binanceUsdm, tls: false)
        defer { sim.stop() }
        let feed = try makeFeed(sim, venue: .binanceUsdm, speed: .ms0) { c in
            c.maxConnectionLifetime = .milliseconds(1_500)
            c.rolloverMargin = .milliseconds(700)
            c.rolloverDrain = .milliseconds(300)
        }
        let eth = InstrumentId(raw: 0)
        try feed.start()
        defer { feed.stop() }
        #expect(await waitUntil(10) { sim.marketSubscriberCount >= 1 })
        #expect(await advance(sim, feed, frames: 3000))
        #expect(await waitUntil(10) { !feed.isStale(eth) })
        let before = feed.statistics
        // Frames flow while connections roll over: 40 frames every 5 ms for ≈ 8 s.
        let end = hft_monotonic_ns() + 8_000_000_000
        while hft_monotonic_ns() < end && sim.position + 40 < sim.recording.count {
            sim.step(frames: 40)
            try? await Task.sleep(for: .milliseconds(5))
        }
        #expect(await advance(sim, feed, frames: 1))
        let stats = feed.statistics
        let oracle = await feed.stage.withFeed { $0.oracle(eth) }
        let sync = await feed.stage.withFeed { $0.syncCounters(eth) }
        print("rollover: holds \(sync.reorderHolds), bridged \(sync.reordersBridged), held diffs \(stats.heldDiffs), duplicate trades \(stats.duplicateTrades),  reconnects \(feed.connection.reconnects), gaps \(stats.gaps - before.gaps), resyncs \(stats.resyncs - before.resyncs), "
            + "disconnects \(stats.disconnects), frames \(stats.frames), oracle \(oracle.matched)/\(oracle.checked), overlap discarded \(feed.connection.overlapDiscarded)")
        #expect(feed.connection.reconnects >= 3)
        #expect(stats.gaps == before.gaps && stats.resyncs == before.resyncs && stats.disconnects == 0)
        #expect(oracle.matched == oracle.checked && oracle.checked > 100)
        // Every trade served reached the book stage once: the overlaps' duplicates were dropped.
        let served = (0..<sim.position).filter { i in
            String(decoding: sim.recording.frameBytes(i), as: UTF8.self).contains(#""e":"trade""#)
        }.count
        let trades = await feed.stage.withFeed { $0.counters.trades }
        #expect(trades == served && stats.duplicateTrades > 0, "\(trades) trades reached the book stage, \(served) served, \(stats.duplicateTrades) duplicates dropped")
    }
}
