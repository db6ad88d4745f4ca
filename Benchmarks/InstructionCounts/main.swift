import Analytics
import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData

/// The workloads that `Benchmarks/InstructionCounts/count.sh` (`make instructions`) runs under
/// valgrind's callgrind, which counts the instructions executed inside the measured functions:
/// exact and repeatable whatever else the machine is doing, unlike a timing on a shared 2-core VM.
///
/// - `features PASSES [CAPTURE...]`: the feature engine with the engine's analytics config
///   (`AnalyticsConfig()`, what `hft bench` runs) on a capture's book and trade events, prepared
///   as `AnalyticsBenchmarks` prepares them (levels from the MarketData feed, top 20 per side),
///   replayed `PASSES` times with the clock moved on. Prints the events and an FNV-1a hash of
///   every feature vector, so that two builds can be shown to compute the same bits.
/// - `book PASSES [CAPTURE...]`: parse, sync and book (`BookReplay.run`) over every frame.
///
/// CAPTURE paths are relative to `../shared/data/market` (default: the USD-M ETHUSDT capture).
struct Usage: Error, CustomStringConvertible {
    var description: String { "usage: InstructionCounts features|book [PASSES] [CAPTURE...]" }
}

let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first, mode == "features" || mode == "book" else { throw Usage() }
let passes = arguments.count > 1 ? Int(arguments[arguments.startIndex + 1]) ?? 1 : 1
let files = arguments.count > 2 ? Array(arguments.dropFirst(2)) : ["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"]
let recording = try RecordingImporter.load(paths: files.map { MarketDataDirectory.url.appendingPathComponent($0).path })
guard let venue = recording.venue else { throw Usage() }

if mode == "book" {
    let instruments = BookReplay.instruments(for: recording, venue: venue)
    let routes = BookReplay.symbolRoutes(recording, instruments: instruments)
    var frames = 0
    for _ in 0..<passes {
        var feed = BookFeed(venue: venue, instruments: instruments, book: OrderBookConfiguration(invariantCheckInterval: 0))
        frames += BookReplay.run(recording, routes: routes, feed: &feed).frames
    }
    print("book frames \(frames)")
    exit(0)
}

struct Event {
    var isTrade: Bool
    var time: Int64
    var bids: Range<Int>
    var asks: Range<Int>
    var trade: TradeEvent
}

let id = InstrumentId(raw: 0)
guard let snapshot = BookReplay.firstSnapshotSpec(recording, id: id, venue: venue) else { throw Usage() }
let spec = InstrumentSpec(id: id, venue: venue, priceScale: snapshot.priceScale, quantityScale: snapshot.quantityScale,
                          tick: DecimalScale.pow10(snapshot.priceScale.places - 2))
let instruments = [(symbol: recording.symbols.first ?? "ETHUSDT", spec: spec)]
var feed = BookFeed(venue: venue, instruments: instruments)
let top = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 20)
var events: [Event] = []
var levels: [DepthLevel] = []
let noTrade = TradeEvent(instrument: id, venue: venue, aggressor: .buy, flags: [], price: .zero, quantity: .zero, tradeId: 0,
                         exchangeTime: .zero, receiveTime: .zero)
_ = BookReplay.run(recording, routes: BookReplay.symbolRoutes(recording, instruments: instruments), feed: &feed) { r, frame, feed in
    switch r {
    case .depth(_, let outcome) where (outcome == .applied || outcome == .snapshotApplied) && !feed.isStale(id):
        let b = levels.count
        levels.append(contentsOf: top[0..<feed.topLevels(id, .buy, into: top)])
        let a = levels.count
        levels.append(contentsOf: top[0..<feed.topLevels(id, .sell, into: top)])
        events.append(Event(isTrade: false, time: frame.receiveTime.raw, bids: b..<a, asks: a..<levels.count, trade: noTrade))
    case .trades(let n):
        for i in 0..<n {
            var t = feed.trades[i]
            t.exchangeTime = .zero
            events.append(Event(isTrade: true, time: frame.receiveTime.raw, bids: 0..<0, asks: 0..<0, trade: t))
        }
    default:
        return
    }
}
var engine = try FeatureEngine(config: AnalyticsConfig(), instrument: spec, microPrice: nil)
let span = (events.last?.time ?? 0) - (events.first?.time ?? 0) + 1_000_000_000
var hash: UInt64 = 0xcbf2_9ce4_8422_2325
var books = 0, trades = 0
let scratch = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 40)
levels.withUnsafeBufferPointer { levels in
    for pass in 0..<passes {
        let shift = Int64(pass) * span
        for e in events {
            let t = Nanos(raw: e.time + shift)
            if e.isTrade {
                var trade = e.trade
                trade.receiveTime = t
                _ = engine.onTrade(trade)
                trades += 1
            } else {
                // Copied into reused buffers first, as the signal stage does: the engine reads hot levels.
                let bids = UnsafeMutableBufferPointer(rebasing: scratch[0..<e.bids.count])
                let asks = UnsafeMutableBufferPointer(rebasing: scratch[20..<(20 + e.asks.count)])
                _ = bids.initialize(fromContentsOf: levels[e.bids])
                _ = asks.initialize(fromContentsOf: levels[e.asks])
                _ = engine.onBook(bids: UnsafeBufferPointer(bids), asks: UnsafeBufferPointer(asks), exchangeTime: .zero, receiveTime: t)
                books += 1
            }
            for x in engine.features { hash = (hash ^ x.bitPattern) &* 0x100_0000_01b3 }
        }
    }
}
print("features events \(books + trades) (book \(books), trade \(trades)) hash \(String(hash, radix: 16))")
