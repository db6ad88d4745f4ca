import Analytics
import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData

/// The feature rows the engine's models see, computed from the real Binance USD-M ETHUSDT capture:
/// its frames through `BookFeed` (exact book, top 20 levels per side) and the engine's default
/// `FeatureEngine` (`AnalyticsConfig()`, the schema the default bundles were trained on), one row
/// per book update after the first 2 000 (the windows filled), every 3rd, at most `limit`, rows
/// with a non-finite feature left out (the engine does not run the models on them). Cold: built
/// once, before measuring.
enum RealFeatureRows {
    /// `count` rows of `width` floats each, padded with 8 zeros at the end (8-wide loads), or nil
    /// when the capture is not there (`../shared/data/market` or `HFT_MARKET_DATA`).
    static func load(limit: Int = 4_096) -> (rows: UnsafeMutablePointer<Float>, count: Int, width: Int)? {
        let path = MarketDataDirectory.url.appendingPathComponent("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz").path
        guard FileManager.default.fileExists(atPath: path), let seq = try? RecordingImporter.load(paths: [path]),
              let venue = seq.venue else { return nil }
        let id = InstrumentId(raw: 0)
        guard let s = BookReplay.firstSnapshotSpec(seq, id: id, venue: venue) else { return nil }
        let spec = InstrumentSpec(id: id, venue: venue, priceScale: s.priceScale, quantityScale: s.quantityScale,
                                  tick: DecimalScale.pow10(s.priceScale.places - 2))
        guard var engine = try? FeatureEngine(config: AnalyticsConfig(), instrument: spec, microPrice: nil) else { return nil }
        let instruments = [(symbol: seq.symbols.first ?? "ETHUSDT", spec: spec)]
        var feed = BookFeed(venue: venue, instruments: instruments)
        let bids = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 20)
        let asks = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 20)
        defer { bids.deallocate(); asks.deallocate() }
        var values: [Float] = []
        var updates = 0
        let width = engine.features.count
        _ = BookReplay.run(seq, routes: BookReplay.symbolRoutes(seq, instruments: instruments), feed: &feed) { result, frame, feed in
            guard values.count < limit * width else { return }
            switch result {
            case .depth(_, let o) where (o == .applied || o == .snapshotApplied) && !feed.isStale(id):
                let nb = feed.topLevels(id, .buy, into: bids)
                let na = feed.topLevels(id, .sell, into: asks)
                guard engine.onBook(bids: UnsafeBufferPointer(rebasing: bids[0..<nb]), asks: UnsafeBufferPointer(rebasing: asks[0..<na]),
                                    exchangeTime: .zero, receiveTime: frame.receiveTime) == .updated else { return }
                updates += 1
                guard updates > 2_000, updates % 3 == 0 else { return }
                let row = (0..<width).map { Float(engine.features[$0]) }
                if row.allSatisfy(\.isFinite) { values += row }
            case .trades(let n):
                for i in 0..<n { _ = engine.onTrade(feed.trades[i]) }
            default:
                return
            }
        }
        guard !values.isEmpty else { return nil }
        let p = UnsafeMutablePointer<Float>.allocate(capacity: values.count + 8)
        p.initialize(repeating: 0, count: values.count + 8)
        for (k, v) in values.enumerated() { p[k] = v }
        return (p, values.count / width, width)
    }
}
