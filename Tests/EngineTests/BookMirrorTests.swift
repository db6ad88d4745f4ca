import Foundation
import HFTPrimitives
import HFTRuntime
import MarketData
import Testing
@testable import Engine

/// Execution's mirror fed from snapshot slots (`BookMirror.replace`, the engine's wiring) against
/// the same mirror fed by level events (`apply`, the wiring before) and against the Book stage's
/// own book, on a real capture: after every commit the three agree on every level, to the depth.
@Suite struct BookMirrorTests {
    /// Every level of `side` of instrument `i`'s mirrored book, best first.
    static func levels(_ mirror: BookMirror, _ i: Int, _ side: Side) -> [DepthLevel] {
        var out: [DepthLevel] = []
        mirror.books[i].forEachLevel(side) { out.append($0); return true }
        return out
    }

    static func replay(_ file: String, depth: Int) throws -> (commits: Int, mismatches: Int, stale: Int, levelsSet: Int) {
        let frames = try RecordingImporter.load(paths: [EngineFixtures.marketData + "/" + file])
        let venue = try #require(frames.venue)
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        var feed = BookFeed(venue: venue, instruments: instruments)
        let capacity = 256  // a power of two ≥ 4 × depth + 2: one change fits
        let levelRing = Ring<BookEvent>(capacity: capacity), slotRing = Ring<BookEvent>(capacity: capacity)
        let slots = BookSnapshotSlots(ringCapacity: capacity, depth: depth)
        var publisher = BookEventPublisher(instrumentCount: instruments.count,
                                           outputs: [BookEventOutput(ring: levelRing.producer, depth: depth),
                                                     BookEventOutput(ring: slotRing.producer, snapshots: slots)])
        let ticks = instruments.map(\.spec.tick)
        let fromLevels = BookMirror(ticks: ticks), fromSlots = BookMirror(ticks: ticks, snapshotDepth: depth)
        let top = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: depth)
        defer { top.deallocate() }
        var commits = 0, mismatches = 0, stale = 0
        var previous = [Bool](repeating: true, count: instruments.count)
        _ = BookReplay.run(frames, routes: BookReplay.symbolRoutes(frames, instruments: instruments), feed: &feed) { result, f, feed in
            _ = publisher.publish(result, feed: feed, startTime: f.receiveTime)
            for i in 0..<instruments.count where feed.isStale(InstrumentId(raw: UInt32(i))) != previous[i] {
                previous[i].toggle()
                publisher.markDirty(InstrumentId(raw: UInt32(i)), receiveTime: f.receiveTime, startTime: f.receiveTime)
            }
            _ = publisher.flush(feed: feed)
            while let e = levelRing.consumer.pop() { if e.kind == .level { _ = fromLevels.apply(e) } }
            while let e = slotRing.consumer.pop() {
                guard e.kind == .commit else {
                    if e.kind == .level { mismatches += 1 }
                    continue
                }
                let i = Int(e.instrument.raw)
                fromSlots.replace(i, .buy, with: slots.levels(e.slot, .buy))
                fromSlots.replace(i, .sell, with: slots.levels(e.slot, .sell))
                commits += 1
                if e.isStale { stale += 1 }
                let id = InstrumentId(raw: UInt32(i))
                for side in [Side.buy, .sell] {
                    let held = levels(fromSlots, i, side)
                    let book = feed.isStale(id) ? [] : Array(top[0..<feed.topLevels(id, side, into: top)])
                    if held != levels(fromLevels, i, side) || held != book { mismatches += 1 }
                }
            }
        }
        return (commits, mismatches, stale, fromSlots.appliedCount[0] + fromSlots.appliedCount[1])
    }

    @Test func aMirrorFedBySnapshotSlotsHoldsWhatLevelEventsWouldBuild() throws {
        let r = try Self.replay("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz", depth: 20)
        #expect(r.commits > 5_000)
        #expect(r.levelsSet == 40)
        #expect(r.mismatches == 0)
    }
}

extension BookMirrorTests {
    /// Two instruments on one mirror (Bybit spot BTCUSDT and ETHUSDT, 200-level books).
    @Test func twoInstrumentsOnTheBybitCapture() throws {
        let r = try Self.replay("bybit/cryptofeed_v3_BYBIT_spot_ws3.txt", depth: 20)
        #expect(r.commits > 400)
        #expect(r.mismatches == 0)
    }
}
