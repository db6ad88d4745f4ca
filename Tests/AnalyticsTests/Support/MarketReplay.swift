import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData

/// Drives real captures through the MarketData public API (importer → BookFeed: parser + sync +
/// book) and hands the analytics tests plain events: top levels after every applied depth message,
/// and every trade. Receive time is the clock for both (the feed result does not carry the depth
/// header's exchange time), so trades are passed with `exchangeTime = 0`.
enum MarketReplay {
    enum Event {
        case book(bids: [DepthLevel], asks: [DepthLevel], time: Nanos)
        case trade(TradeEvent)
    }

    struct Loaded {
        var spec: InstrumentSpec
        var symbol: String
        var events: [Event]
    }

    /// `$HFT_MARKET_DATA`, else `<package root>/../shared/data/market`.
    static var dataRoot: URL { MarketDataDirectory.url }

    /// Loads the files (one continuous single-symbol recording) and replays them, keeping `depth`
    /// levels per side per book event.
    static func load(_ relativePaths: [String], depth: Int = 32) throws -> Loaded {
        let paths = relativePaths.map { dataRoot.appendingPathComponent($0).path }
        let seq = try RecordingImporter.load(paths: paths)
        guard let venue = seq.venue, let symbol = seq.symbols.first else { throw ReplayError.unknownRecording }
        let spec = try inferSpec(seq, venue: venue, symbol: symbol)
        var feed = BookFeed(venue: venue, instruments: [(symbol, spec)])
        let id = spec.id
        var events: [Event] = []
        let bidBuf = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: depth)
        let askBuf = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: depth)
        defer {
            bidBuf.deallocate()
            askBuf.deallocate()
        }
        seq.withFrames { frames, bytes in
            for f in frames {
                let body = UnsafeRawBufferPointer(rebasing: bytes[f.offset..<(f.offset + f.length)])
                let result = f.channel.kind == .restDepthSnapshot
                    ? feed.ingestSnapshot(body, instrument: id, receiveTime: f.receiveTime)
                    : feed.ingest(body, receiveTime: f.receiveTime)
                switch result {
                case .depth(_, let outcome) where outcome == .applied || outcome == .snapshotApplied:
                    guard !feed.isStale(id) else { continue }
                    let nb = feed.topLevels(id, .buy, into: bidBuf)
                    let na = feed.topLevels(id, .sell, into: askBuf)
                    events.append(.book(bids: Array(bidBuf[0..<nb]), asks: Array(askBuf[0..<na]), time: f.receiveTime))
                case .trades(let n):
                    for i in 0..<n {
                        var t = feed.trades[i]
                        t.exchangeTime = .zero
                        t.receiveTime = f.receiveTime
                        events.append(.trade(t))
                    }
                default:
                    continue
                }
            }
        }
        return Loaded(spec: spec, symbol: symbol, events: events)
    }

    /// Scales from the first REST snapshot, tick = GCD of its prices (via a throw-away feed).
    static func inferSpec(_ seq: FrameSequence, venue: VenueId, symbol: String) throws -> InstrumentSpec {
        let id = InstrumentId(raw: 0)
        return try seq.withFrames { frames, bytes in
            for f in frames where f.channel.kind == .restDepthSnapshot || venue == .bybitLinear || venue == .bybitSpot {
                let body = UnsafeRawBufferPointer(rebasing: bytes[f.offset..<(f.offset + f.length)])
                guard let scaled = ScaleInference.infer(fromSnapshot: body, id: id, venue: venue) else { continue }
                var probe = BookFeed(venue: venue, instruments: [(symbol, scaled)])
                let r = f.channel.kind == .restDepthSnapshot
                    ? probe.ingestSnapshot(body, instrument: id, receiveTime: f.receiveTime)
                    : probe.ingest(body, receiveTime: f.receiveTime)
                guard case .depth(_, .snapshotApplied) = r else { continue }
                let b = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 5000)
                let a = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 5000)
                defer {
                    b.deallocate()
                    a.deallocate()
                }
                let nb = probe.topLevels(id, .buy, into: b), na = probe.topLevels(id, .sell, into: a)
                let tick = TickInference.tick(bids: UnsafeBufferPointer(rebasing: b[0..<nb]), asks: UnsafeBufferPointer(rebasing: a[0..<na]))
                return InstrumentSpec(id: id, venue: venue, priceScale: scaled.priceScale, quantityScale: scaled.quantityScale, tick: tick)
            }
            throw ReplayError.noSnapshot
        }
    }

    enum ReplayError: Error {
        case unknownRecording, noSnapshot
    }
}
