import Foundation
import Testing
import HFTPrimitives
@testable import MarketData

/// An independent reference book: a plain Dictionary per side, fed the same parsed messages.
struct ReferenceBook {
    var bids: [Int64: Int64] = [:]
    var asks: [Int64: Int64] = [:]
    var lastUpdateId: UInt64 = 0

    mutating func reset(_ header: DepthUpdateHeader, _ levels: borrowing DepthLevelBuffer) {
        bids = [:]
        asks = [:]
        apply(header, levels)
    }

    mutating func apply(_ header: DepthUpdateHeader, _ levels: borrowing DepthLevelBuffer) {
        for l in levels.bids { if l.quantity.raw == 0 { bids[l.price.raw] = nil } else { bids[l.price.raw] = l.quantity.raw } }
        for l in levels.asks { if l.quantity.raw == 0 { asks[l.price.raw] = nil } else { asks[l.price.raw] = l.quantity.raw } }
        lastUpdateId = header.finalUpdateId
    }

    /// Levels best first.
    var sortedBids: [DepthLevel] { bids.sorted { $0.key > $1.key }.map { DepthLevel(price: Price(raw: $0.key), quantity: Quantity(raw: $0.value)) } }
    var sortedAsks: [DepthLevel] { asks.sorted { $0.key < $1.key }.map { DepthLevel(price: Price(raw: $0.key), quantity: Quantity(raw: $0.value)) } }

    /// A Binance REST depth snapshot body of this book at `lastUpdateId` (what the REST endpoint or
    /// the simulator would serve).
    func binanceSnapshotBody(spec: InstrumentSpec, limit: Int = 5000) -> [UInt8] {
        func levels(_ ls: [DepthLevel]) -> String {
            ls.prefix(limit).map { "[\"\(DecimalFormatter.string($0.price.raw, places: spec.priceScale.places))\",\"\(DecimalFormatter.string($0.quantity.raw, places: spec.quantityScale.places))\"]" }.joined(separator: ",")
        }
        return Array("{\"lastUpdateId\":\(lastUpdateId),\"bids\":[\(levels(sortedBids))],\"asks\":[\(levels(sortedAsks))]}".utf8)
    }

    /// A Bybit `snapshot` frame of this book with update id `u`.
    func bybitSnapshotFrame(topic: String, symbol: String, u: UInt64, spec: InstrumentSpec) -> [UInt8] {
        func levels(_ ls: [DepthLevel]) -> String {
            ls.map { "[\"\(DecimalFormatter.string($0.price.raw, places: spec.priceScale.places))\",\"\(DecimalFormatter.string($0.quantity.raw, places: spec.quantityScale.places))\"]" }.joined(separator: ",")
        }
        return Array("{\"topic\":\"\(topic)\",\"type\":\"snapshot\",\"ts\":1731073195585,\"data\":{\"s\":\"\(symbol)\",\"b\":[\(levels(sortedBids))],\"a\":[\(levels(sortedAsks))],\"u\":\(u),\"seq\":1}}".utf8)
    }
}

/// Helpers to load a recording, build a feed for it, and step through it frame by frame.
struct ReplayFixture {
    var frames: FrameSequence
    var venue: VenueId
    var instruments: [(symbol: String, spec: InstrumentSpec)]
    var routes: [Int]

    init(_ relativePaths: [String]) throws {
        let full = relativePaths.map { MarketDataFiles.root.appendingPathComponent($0).path }
        frames = try RecordingImporter.load(paths: full)
        venue = try #require(frames.venue)
        instruments = BookReplay.instruments(for: frames, venue: venue)
        routes = BookReplay.symbolRoutes(frames, instruments: instruments)
    }

    func makeFeed() -> BookFeed { BookFeed(venue: venue, instruments: instruments) }

    /// Feeds frame `i` of `sequence` (default: the fixture's own frames).
    func feed(_ i: Int, of sequence: FrameSequence? = nil, into feed: inout BookFeed) -> BookFeedResult {
        let seq = sequence ?? frames
        let f = seq.frames[i]
        let bytes = seq.frameBytes(i)
        return bytes.withUnsafeBytes { b in
            if f.channel.kind == .restDepthSnapshot, let s = f.channel.symbolIndex {
                return feed.ingestSnapshot(b, instrument: InstrumentId(raw: UInt32(BookReplay.symbolRoutes(seq, instruments: instruments)[s])), receiveTime: f.receiveTime)
            }
            return feed.ingest(b, receiveTime: f.receiveTime)
        }
    }

    /// Feeds raw bytes as a websocket frame.
    static func feed(bytes: [UInt8], into feed: inout BookFeed) -> BookFeedResult {
        bytes.withUnsafeBytes { feed.ingest($0, receiveTime: .zero) }
    }

    /// Indices of frames whose text contains `marker`.
    func indices(containing marker: String) -> [Int] {
        let m = Array(marker.utf8)
        return frames.frames.indices.filter { i in
            let b = frames.frameBytes(i)
            return b.withUnsafeBytes { ByteSearch.find(m, in: $0) != nil }
        }
    }
}

/// The book's levels, best first (via the public top-N walk).
func bookLevels(_ book: borrowing OrderBook, _ side: Side) -> [DepthLevel] {
    var out: [DepthLevel] = []
    book.forEachLevel(side) { out.append($0); return true }
    return out
}
