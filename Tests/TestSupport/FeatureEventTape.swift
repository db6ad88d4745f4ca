import HFTPrimitives
import MarketData

/// The feature engine's input events of a real capture, prepared once: every depth update the
/// MarketData feed applied while synced (its top levels, up to 20 per side) and every trade, in
/// receive order, for the symbol of the first snapshot. Shared by `AnalyticsBenchmarks` (timed)
/// and `InstructionCounts` (counted) so that both measure the same events.
public struct FeatureEventTape: Sendable {
    public struct Event: Sendable {
        public var isTrade: Bool
        /// Receive time (ns); trades carry no exchange time, so the engine's clock is this one.
        public var time: Int64
        public var bidStart: Int
        public var bidCount: Int
        public var askStart: Int
        public var askCount: Int
        public var trade: TradeEvent
    }

    public enum LoadError: Error { case noSnapshot }

    public let spec: InstrumentSpec
    public let events: [Event]
    /// The book events' levels, bids then asks of each, at the ranges the events name.
    public let levels: [DepthLevel]
    /// Time from the first to the last event plus 1 s: the shift that makes a replayed pass follow the last.
    public var span: Int64 { (events.last?.time ?? 0) - (events.first?.time ?? 0) + 1_000_000_000 }

    /// - Parameter files: capture paths relative to `MarketDataDirectory.url`, one continuous recording.
    public static func load(_ files: [String]) throws -> FeatureEventTape {
        let seq = try RecordingImporter.load(paths: files.map { MarketDataDirectory.url.appendingPathComponent($0).path })
        let id = InstrumentId(raw: 0)
        guard let venue = seq.venue, let s = BookReplay.firstSnapshotSpec(seq, id: id, venue: venue) else { throw LoadError.noSnapshot }
        // Scales from the snapshot text (Binance spot pads to 8 decimals); ETHUSDT's tick is 0.01 on both venues.
        let spec = InstrumentSpec(id: id, venue: venue, priceScale: s.priceScale, quantityScale: s.quantityScale,
                                  tick: DecimalScale.pow10(s.priceScale.places - 2))
        let instruments = [(symbol: seq.symbols.first ?? "ETHUSDT", spec: spec)]
        var feed = BookFeed(venue: venue, instruments: instruments)
        let top = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 20)
        defer { top.deallocate() }
        var events: [Event] = []
        var levels: [DepthLevel] = []
        let noTrade = TradeEvent(instrument: id, venue: venue, aggressor: .buy, flags: [], price: .zero, quantity: .zero,
                                 tradeId: 0, exchangeTime: .zero, receiveTime: .zero)
        _ = BookReplay.run(seq, routes: BookReplay.symbolRoutes(seq, instruments: instruments), feed: &feed) { r, f, feed in
            switch r {
            case .depth(_, let o) where (o == .applied || o == .snapshotApplied) && !feed.isStale(id):
                let nb = feed.topLevels(id, .buy, into: top)
                let bs = levels.count
                levels.append(contentsOf: top[0..<nb])
                let na = feed.topLevels(id, .sell, into: top)
                let as_ = levels.count
                levels.append(contentsOf: top[0..<na])
                events.append(Event(isTrade: false, time: f.receiveTime.raw, bidStart: bs, bidCount: nb, askStart: as_, askCount: na,
                                    trade: noTrade))
            case .trades(let n):
                for i in 0..<n {
                    var t = feed.trades[i]
                    t.exchangeTime = .zero
                    events.append(Event(isTrade: true, time: f.receiveTime.raw, bidStart: 0, bidCount: 0, askStart: 0, askCount: 0, trade: t))
                }
            default:
                return
            }
        }
        return FeatureEventTape(spec: spec, events: events, levels: levels)
    }
}
