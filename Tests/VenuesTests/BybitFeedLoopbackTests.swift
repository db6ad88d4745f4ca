import Foundation
import HFTPrimitives
import MarketData
import Simulator
import Testing
import Transport
import Venues

/// The Bybit spot feed (two symbols on one `/v5/public/spot` connection) against `hft sim` on
/// loopback over ws and wss: subscribe, snapshot, deltas with a consecutive `u`; forced
/// disconnect → stale at once → resubscribe → the new snapshot resets the book; a gap → stale →
/// the feed replaces the connection → the new snapshot resets the book. After each phase
/// every book equals an independent reference built with Foundation's JSON decoder from the
/// recorded frames the server has sent.
@Suite(.serialized)
struct BybitFeedLoopbackTests {
    /// A plain reference book: `price → quantity` per side, in raw fixed-point units, plus the last `u`.
    struct ReferenceBook {
        var bids: [Int64: Int64] = [:]
        var asks: [Int64: Int64] = [:]
        var u: UInt64 = 0
    }

    static func raw(_ text: String, _ scale: DecimalScale) -> Int64 {
        let d = Decimal(string: text)! * pow(Decimal(10), scale.places)
        return NSDecimalNumber(decimal: d).int64Value
    }

    /// Replays recorded frames `0..<end` with JSONSerialization into reference books per symbol.
    static func reference(_ recording: FrameSequence, end: Int, specs: [String: InstrumentSpec]) -> [String: ReferenceBook] {
        var books: [String: ReferenceBook] = [:]
        for i in 0..<end {
            guard let object = try? JSONSerialization.jsonObject(with: Data(recording.frameBytes(i))) as? [String: Any],
                  let topic = object["topic"] as? String, topic.hasPrefix("orderbook."),
                  let type = object["type"] as? String, let data = object["data"] as? [String: Any],
                  let symbol = data["s"] as? String, let spec = specs[symbol] else { continue }
            var book = type == "snapshot" ? ReferenceBook() : books[symbol] ?? ReferenceBook()
            for (key, isBid) in [("b", true), ("a", false)] {
                for level in data[key] as? [[String]] ?? [] {
                    let p = raw(level[0], spec.priceScale), q = raw(level[1], spec.quantityScale)
                    if isBid { book.bids[p] = q == 0 ? nil : q } else { book.asks[p] = q == 0 ? nil : q }
                }
            }
            book.u = (data["u"] as? NSNumber)?.uint64Value ?? 0
            books[symbol] = book
        }
        return books
    }

    /// Compares every level of the feed's books with the reference.
    static func compare(_ feed: FeedHandler, _ recording: FrameSequence, end: Int) async -> Int {
        let specs = Dictionary(uniqueKeysWithValues: feed.config.instruments.map { ($0.symbol, $0.spec) })
        let reference = reference(recording, end: end, specs: specs)
        var compared = 0
        for (index, symbol) in feed.config.symbols.enumerated() {
            let id = InstrumentId(raw: UInt32(index))
            guard let ref = reference[symbol] else { continue }
            let (bids, asks, u, stale) = await feed.stage.withFeed { f in
                let out = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 1000)
                defer { out.deallocate() }
                let nb = f.topLevels(id, .buy, into: out)
                let b = out.prefix(nb).map { ($0.price.raw, $0.quantity.raw) }
                let na = f.topLevels(id, .sell, into: out)
                let a = out.prefix(na).map { ($0.price.raw, $0.quantity.raw) }
                return (b.map { [$0.0, $0.1] }, a.map { [$0.0, $0.1] }, f.withBook(id) { $0.lastUpdateId }, f.isStale(id))
            }
            #expect(!stale, "\(symbol) is stale")
            #expect(u == ref.u, "\(symbol): u \(u) != reference \(ref.u)")
            let rb = ref.bids.sorted { $0.key > $1.key }.map { [$0.key, $0.value] }
            let ra = ref.asks.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }
            #expect(bids == rb, "\(symbol) bids differ")
            #expect(asks == ra, "\(symbol) asks differ")
            compared += rb.count + ra.count
        }
        return compared
    }

    @Test(arguments: [false, true])
    func subscribeSnapshotDeltasDisconnectResnapshot(tls: Bool) async throws {
        let sim = try makeSimulator(Captures.bybitSpot, venue: .bybitSpot, tls: tls)
        defer { sim.stop() }
        let feed = try makeFeed(sim, venue: .bybitSpot, bybitDepth: .level200)
        #expect(feed.config.symbols.contains("BTCUSDT") && feed.config.symbols.contains("ETHUSDT"))
        try feed.start()
        defer { feed.stop() }
        #expect(await waitUntil(10) { sim.marketSubscriberCount == 1 })

        #expect(await advance(sim, feed, frames: 300))
        let levels1 = await Self.compare(feed, sim.recording, end: sim.position)
        #expect(levels1 > 400)
        var stats = feed.statistics
        #expect(stats.gaps == 0 && stats.initialSyncs == feed.config.symbols.count && stats.snapshotRequests == 0)

        sim.inject(.disconnect)
        #expect(await waitUntil(10) { feed.statistics.disconnects == 1 })
        #expect(feed.isStale(InstrumentId(raw: 0)) && feed.isStale(InstrumentId(raw: 1)))
        #expect(await waitUntil(10) { sim.marketSubscriberCount == 1 })
        #expect(await waitUntil(10) { !feed.isStale(InstrumentId(raw: 0)) && !feed.isStale(InstrumentId(raw: 1)) })
        #expect(await advance(sim, feed, frames: 200))
        let levels2 = await Self.compare(feed, sim.recording, end: sim.position)
        #expect(levels2 > 400)
        stats = feed.statistics
        #expect(stats.gaps == 0 && stats.resyncs == feed.config.symbols.count && stats.reconnectResets == feed.config.symbols.count)
        for i in 0..<feed.config.symbols.count {
            let counters = await feed.stage.withFeed { $0.syncCounters(InstrumentId(raw: UInt32(i))) }
            #expect(counters.snapshots == 2, "one snapshot per connection")
            #expect(counters.gaps == 0 && counters.crossedBooks == 0)
        }

        // A gap injected by the server: stale at once, the feed resubscribes, the new snapshot resets.
        sim.inject(.gap(count: 2))
        #expect(await advance(sim, feed, frames: 100))
        #expect(await waitUntil(10) { feed.statistics.resubscriptions >= 1 })
        #expect(await waitUntil(10) { sim.marketSubscriberCount == 1 })
        #expect(await waitUntil(10) { !feed.isStale(InstrumentId(raw: 0)) && !feed.isStale(InstrumentId(raw: 1)) })
        #expect(await advance(sim, feed, frames: 200))
        #expect(sim.position == sim.recording.count)
        let levels3 = await Self.compare(feed, sim.recording, end: sim.position)
        #expect(levels3 > 400)
        stats = feed.statistics
        // The withheld diffs may belong to either symbol or both: each gapped book is counted; one
        // resubscription resets both books.
        #expect(stats.gaps >= 1 && stats.resyncs >= 2 * feed.config.symbols.count)
        print("bybit-spot \(tls ? "wss" : "ws"): \(levels1) + \(levels2) + \(levels3) levels equal to the reference; frames \(stats.frames), "
            + "disconnects \(stats.disconnects), gaps \(stats.gaps), resubscriptions \(stats.resubscriptions), resyncs \(stats.resyncs), "
            + "stale periods \(stats.stalePeriods)")
    }
}
