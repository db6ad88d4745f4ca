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
///   (`AnalyticsConfig()`, what `hft bench` runs) on a capture's book and trade events, the
///   `FeatureEventTape` that `AnalyticsBenchmarks` times (levels from the MarketData feed, top 20 per side),
///   replayed `PASSES` times with the clock moved on. Prints the events and an FNV-1a hash of
///   every feature vector, so that two builds can be shown to compute the same bits.
///   Also the hash of the vectors after book events only (`book-hash`).
/// - `signals PASSES [CAPTURE...]`: the same events as the Signals stage feeds them: trades through
///   `absorbTrade` (no vector), book events through `onBook`. Its `book-hash` must be `features`'s.
/// - `book PASSES [CAPTURE...]`: parse, sync and book (`BookReplay.run`) over every frame.
///
/// CAPTURE paths are relative to `../shared/data/market` (default: the USD-M ETHUSDT capture).
struct Usage: Error, CustomStringConvertible {
    var description: String { "usage: InstructionCounts features|signals|book [PASSES] [CAPTURE...]" }
}

let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first, ["features", "signals", "book"].contains(mode) else { throw Usage() }
let passes = arguments.count > 1 ? Int(arguments[arguments.startIndex + 1]) ?? 1 : 1
let files = arguments.count > 2 ? Array(arguments.dropFirst(2)) : ["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"]
if mode == "book" {
    let recording = try RecordingImporter.load(paths: files.map { MarketDataDirectory.url.appendingPathComponent($0).path })
    guard let venue = recording.venue else { throw Usage() }
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

let tape = try FeatureEventTape.load(files)
let events = tape.events
var engine = try FeatureEngine(config: AnalyticsConfig(), instrument: tape.spec, microPrice: nil)
let span = tape.span
let absorbs = mode == "signals"
var hash: UInt64 = 0xcbf2_9ce4_8422_2325
var bookHash: UInt64 = 0xcbf2_9ce4_8422_2325
var books = 0, trades = 0
let scratch = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 40)
tape.levels.withUnsafeBufferPointer { levels in
    for pass in 0..<passes {
        let shift = Int64(pass) * span
        for e in events {
            let t = Nanos(raw: e.time + shift)
            if e.isTrade {
                var trade = e.trade
                trade.receiveTime = t
                if absorbs {
                    engine.absorbTrade(trade)
                } else {
                    _ = engine.onTrade(trade)
                }
                trades += 1
            } else {
                // Copied into reused buffers first, as the signal stage does: the engine reads hot levels.
                let bids = UnsafeMutableBufferPointer(rebasing: scratch[0..<e.bidCount])
                let asks = UnsafeMutableBufferPointer(rebasing: scratch[20..<(20 + e.askCount)])
                _ = bids.initialize(fromContentsOf: levels[e.bidStart..<(e.bidStart + e.bidCount)])
                _ = asks.initialize(fromContentsOf: levels[e.askStart..<(e.askStart + e.askCount)])
                _ = engine.onBook(bids: UnsafeBufferPointer(bids), asks: UnsafeBufferPointer(asks), exchangeTime: .zero, receiveTime: t)
                books += 1
                for x in engine.features { bookHash = (bookHash ^ x.bitPattern) &* 0x100_0000_01b3 }
            }
            if !absorbs {
                for x in engine.features { hash = (hash ^ x.bitPattern) &* 0x100_0000_01b3 }
            }
        }
    }
}
print("\(mode) events \(books + trades) (book \(books), trade \(trades))" + (absorbs ? "" : " hash \(String(hash, radix: 16))")
    + " book-hash \(String(bookHash, radix: 16))")
