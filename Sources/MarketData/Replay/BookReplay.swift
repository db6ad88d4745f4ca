import HFTPrimitives

/// Counters of one replay pass over a `FrameSequence`.
@frozen
public struct BookReplayCounters: BitwiseCopyable, Sendable, Hashable {
    public var frames: Int = 0
    public var snapshots: Int = 0
    /// Frames on a channel this replay does not feed (unknown kind, or a REST snapshot of a symbol without a book).
    public var skippedFrames: Int = 0
    /// Depth outcomes that asked for a snapshot (gaps, overflows, too-old snapshots).
    public var snapshotRequests: Int = 0
    @inlinable public init() {}
}

/// Single-threaded replay: frames → `BookFeed` (parser → per-symbol sync → book, with the oracle).
/// Cold set-up (`instruments(for:)`), hot loop (`run`) without allocation.
public enum BookReplay {
    /// Instruments for a recording without exchange info: every symbol it names, with price and
    /// quantity scales inferred from all its depth messages (`ScaleInference`) and tick 1 (each
    /// snapshot's grid is inferred by the book). Ids are dense in symbol order. Cold path.
    public static func instruments(for frames: FrameSequence, venue: VenueId) -> [(symbol: String, spec: InstrumentSpec)] {
        var symbols = frames.symbols
        for s in RecordingInspector.discoverSymbols(frames) where !symbols.contains(s) { symbols.append(s) }
        var scales = [ScaleInference](repeating: ScaleInference(), count: symbols.count)
        frames.withFrames { table, base in
            for f in table {
                let b = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)])
                let index: Int?
                if f.channel.kind == .restDepthSnapshot, let s = f.channel.symbolIndex, s < frames.symbols.count {
                    index = symbols.firstIndex(of: frames.symbols[s])
                } else if let name = RecordingInspector.symbol(ofFrame: b) {
                    index = symbols.firstIndex(of: name)
                } else {
                    index = nil
                }
                if let i = index { _ = scales[i].observe(b) }
            }
        }
        return symbols.enumerated().map { i, symbol in
            let s = scales[i]
            let spec = s.levelCount > 0
                ? s.spec(id: InstrumentId(raw: UInt32(i)), venue: venue)
                : InstrumentSpec(id: InstrumentId(raw: UInt32(i)), venue: venue, priceScale: DecimalScale(places: 8), quantityScale: DecimalScale(places: 8))
            return (symbol, spec)
        }
    }

    /// For each of `frames.symbols`, the instrument id in `instruments` (or -1), to route REST snapshots.
    public static func symbolRoutes(_ frames: FrameSequence, instruments: [(symbol: String, spec: InstrumentSpec)]) -> [Int] {
        frames.symbols.map { s in instruments.firstIndex(where: { $0.symbol == s }) ?? -1 }
    }

    /// The price and quantity scales of the first REST depth snapshot in `frames` (`ScaleInference`),
    /// as a spec for instrument `id` (tick 1), or nil when there is none. Cold path.
    public static func firstSnapshotSpec(_ frames: FrameSequence, id: InstrumentId, venue: VenueId) -> InstrumentSpec? {
        frames.withFrames { table, base in
            for f in table where f.channel.kind == .restDepthSnapshot {
                return ScaleInference.infer(fromSnapshot: UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)]),
                                            id: id, venue: venue)
            }
            return nil
        }
    }

    /// Feeds every frame of `frames` to `feed` in order. `routes` maps a REST snapshot channel's
    /// symbol index to an instrument id (`symbolRoutes`). Hot loop: no allocation.
    public static func run(_ frames: FrameSequence, routes: [Int], feed: inout BookFeed) -> BookReplayCounters {
        run(frames, routes: routes, feed: &feed) { _, _, _ in }
    }

    /// `run` that hands every frame the feed took to `body` with its result, right after the feed
    /// applied it (the feed's levels and trades describe that frame until the next one).
    @inlinable
    public static func run(_ frames: FrameSequence, routes: [Int], feed: inout BookFeed,
                           _ body: (BookFeedResult, FrameRecord, inout BookFeed) -> Void) -> BookReplayCounters {
        var counters = BookReplayCounters()
        routes.withUnsafeBufferPointer { r in
            frames.withFrames { table, base in
                for f in table {
                    counters.frames &+= 1
                    let bytes = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset &+ f.length)])
                    let result: BookFeedResult
                    switch f.channel.kind {
                    case .restDepthSnapshot:
                        guard let s = f.channel.symbolIndex, s < r.count, r[s] >= 0 else { counters.skippedFrames &+= 1; continue }
                        counters.snapshots &+= 1
                        result = feed.ingestSnapshot(bytes, instrument: InstrumentId(raw: UInt32(r[s])), receiveTime: f.receiveTime)
                    case .websocket, .depthStream, .tradeStream, .bookTickerStream, .control:
                        result = feed.ingest(bytes, receiveTime: f.receiveTime, connection: f.channel.connection)
                    case nil:
                        counters.skippedFrames &+= 1
                        continue
                    }
                    if case .depth(_, let outcome) = result, outcome.needsSnapshot { counters.snapshotRequests &+= 1 }
                    body(result, f, &feed)
                }
            }
        }
        return counters
    }
}
