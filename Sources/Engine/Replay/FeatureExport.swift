import Analytics
import Foundation
import HFTPrimitives
import MarketData

/// Replays captures through `BookFeed` → `FeatureEngine` exactly as the strategy replay does
/// (`StrategyReplayHarness`: a row per depth update the engine accepts while the book is synced, and a
/// row per trade of the instrument) and writes the feature rows for research and model training:
/// `.npy` (`FeatureNPYWriter`, columns `time_s, event, <schema features>`), `.csv` (`FeatureCSVWriter`)
/// and the schema JSON (`FeatureSchema.jsonData()`). Used by `hft features` and `hft replay --features`.
///
/// Several captures are read back to back as one recording (`RecordingImporter.load(paths:)`), so a
/// capture without a snapshot can continue the book of the one before it.
/// Cold path: loads every capture into memory and allocates per row in the writers.
public enum FeatureExport {
    /// Exports the features of `symbol` (default: the first instrument of the recording).
    /// - Parameters:
    ///   - analytics: the feature engine's configuration; it determines the schema (default: the live default).
    ///   - precision: element type of the `.npy`; `.float64` keeps the `time_s` column at sub-µs resolution
    ///     (a `Float` cannot resolve Unix seconds better than ~2 minutes).
    /// - Throws: `FeatureExportInputError`, `CaptureError`, `AnalyticsConfigError`, `FeatureExportError`.
    public static func run(capturePaths: [String], symbol: String? = nil, analytics: AnalyticsConfig = AnalyticsConfig(),
                           npyPath: String?, csvPath: String? = nil, schemaPath: String? = nil,
                           precision: FeatureNPYWriter.Precision = .float64) throws -> FeatureExportSummary {
        guard let firstPath = capturePaths.first else { throw FeatureExportInputError.noCaptures }
        guard npyPath != nil || csvPath != nil || schemaPath != nil else { throw FeatureExportInputError.noOutput }
        let frames = try RecordingImporter.load(paths: capturePaths)
        guard let venue = frames.venue else { throw FeatureExportInputError.unknownVenue(path: firstPath) }
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        let index: Int? = if let symbol { instruments.firstIndex { $0.symbol == symbol } } else { instruments.isEmpty ? nil : 0 }
        guard let index else { throw FeatureExportInputError.unknownSymbol(symbol, available: instruments.map(\.symbol)) }
        let traded = InstrumentId(raw: UInt32(index))
        let spec = instruments[index].spec

        var engine = try FeatureEngine(config: analytics, instrument: spec)
        let schema = engine.schema
        var summary = FeatureExportSummary(symbol: instruments[index].symbol, schemaId: schema.id, featureCount: schema.count)
        if let schemaPath {
            do { try schema.jsonData().write(to: URL(fileURLWithPath: schemaPath), options: .atomic) } catch {
                throw FeatureExportInputError.schemaWrite(path: schemaPath, reason: "\(error)")
            }
        }
        guard npyPath != nil || csvPath != nil else { return summary }
        let npy = try npyPath.map { path throws(FeatureExportError) in try FeatureNPYWriter(path: path, schema: schema, precision: precision) }
        let csv = try csvPath.map { path throws(FeatureExportError) in try FeatureCSVWriter(path: path, schema: schema) }

        var feed = BookFeed(venue: venue, instruments: instruments)
        let routes = BookReplay.symbolRoutes(frames, instruments: instruments)
        let bids = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: max(engine.levelsConsumed, 1))
        let asks = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: max(engine.levelsConsumed, 1))
        defer { bids.deallocate(); asks.deallocate() }

        func emit(_ kind: FeatureEventKind, _ engine: borrowing FeatureEngine) throws(FeatureExportError) {
            let t = engine.clock
            try npy?.append(time: t, event: kind, features: engine.features)
            try csv?.append(time: t, event: kind, features: engine.features)
            if summary.rows == 0 { summary.firstTime = t }
            summary.lastTime = t
            summary.rows += 1
            if kind == .book { summary.bookRows += 1 } else { summary.tradeRows += 1 }
        }

        try frames.withFrames { table, base throws in
            for record in table {
                summary.frames += 1
                let bytes = UnsafeRawBufferPointer(rebasing: base[record.offset..<(record.offset + record.length)])
                let result: BookFeedResult
                switch record.channel.kind {
                case .restDepthSnapshot:
                    guard let s = record.channel.symbolIndex, s < routes.count, routes[s] >= 0 else { continue }
                    result = feed.ingestSnapshot(bytes, instrument: InstrumentId(raw: UInt32(routes[s])), receiveTime: record.receiveTime)
                case .websocket, .depthStream, .tradeStream, .bookTickerStream, .control:
                    result = feed.ingest(bytes, receiveTime: record.receiveTime, connection: record.channel.connection)
                case nil:
                    continue
                }
                switch result {
                case .trades:
                    for t in feed.trades.events where t.instrument == traded {
                        _ = engine.onTrade(t)
                        try emit(.trade, engine)
                    }
                case .depth(let id, _) where id == traded:
                    guard !feed.isStale(traded) else {
                        summary.staleDepthUpdates += 1
                        continue
                    }
                    let nb = feed.topLevels(traded, .buy, into: bids)
                    let na = feed.topLevels(traded, .sell, into: asks)
                    guard engine.onBook(bids: UnsafeBufferPointer(rebasing: bids[0..<nb]), asks: UnsafeBufferPointer(rebasing: asks[0..<na]),
                                        exchangeTime: .zero, receiveTime: record.receiveTime) == .updated else {
                        summary.ignoredBooks += 1
                        continue
                    }
                    try emit(.book, engine)
                default:
                    continue
                }
            }
        }
        try npy?.close()
        try csv?.close()
        summary.engineBookEvents = engine.bookEvents
        summary.engineTradeEvents = engine.tradeEvents
        return summary
    }
}
