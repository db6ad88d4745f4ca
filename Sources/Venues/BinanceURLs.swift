import HFTPrimitives
import Transport

/// Binance spot and USD-M market-data endpoints: the combined stream and the REST depth snapshot
/// with its request weight.
public enum BinanceURLs {
    /// The websocket base of `venue` in `environment` (no path).
    public static func streamBase(_ venue: VenueId, _ environment: VenueEnvironment) -> String {
        switch (venue, environment) {
        case (.binanceUsdm, .mainnet): return "wss://fstream.binance.com"
        case (.binanceUsdm, .testnet): return "wss://stream.binancefuture.com"
        case (_, .mainnet): return "wss://stream.binance.com:9443"
        case (_, .testnet): return "wss://stream.testnet.binance.vision"
        }
    }

    /// The REST base of `venue` in `environment`.
    public static func restBase(_ venue: VenueId, _ environment: VenueEnvironment) -> String {
        switch (venue, environment) {
        case (.binanceUsdm, .mainnet): return "https://fapi.binance.com"
        case (.binanceUsdm, .testnet): return "https://testnet.binancefuture.com"
        case (_, .mainnet): return "https://api.binance.com"
        case (_, .testnet): return "https://testnet.binance.vision"
        }
    }

    /// Stream names of `config`, in symbol order: `ethusdt@depth@100ms`, `ethusdt@trade`, `ethusdt@bookTicker`.
    public static func streams(_ config: VenueFeedConfig) -> [String] {
        var names: [String] = []
        for symbol in config.symbols {
            let s = symbol.lowercased()
            names.append(s + config.binanceDepthSpeed.streamSuffix)
            if config.trades { names.append(s + "@trade") }
            if config.bookTicker { names.append(s + "@bookTicker") }
        }
        return names
    }

    /// The combined-stream URL: `<base>/stream?streams=a/b/c`.
    public static func combinedStreamURL(_ config: VenueFeedConfig) -> String {
        let base = config.streamBaseOverride ?? streamBase(config.venue, config.environment)
        return trimSlash(base) + "/stream?streams=" + streams(config).joined(separator: "/")
    }

    /// The REST depth snapshot URL: `/api/v3/depth?symbol=X&limit=N` (spot), `/fapi/v1/depth?…` (USD-M).
    public static func depthSnapshotURL(_ config: VenueFeedConfig, symbol: String) -> String {
        let base = config.restBaseOverride ?? restBase(config.venue, config.environment)
        let path = config.venue == .binanceUsdm ? "/fapi/v1/depth" : "/api/v3/depth"
        return trimSlash(base) + path + "?symbol=\(symbol)&limit=\(config.snapshotLimit)"
    }

    /// The request weight of one depth snapshot with `limit` levels (IP weight, current docs):
    /// spot `/api/v3/depth` 1–100: 5, 101–500: 25, 501–1000: 50, 1001–5000: 250;
    /// USD-M `/fapi/v1/depth` 5–50: 2, 100: 5, 500: 10, 1000: 20.
    public static func depthWeight(_ venue: VenueId, limit: Int) -> Int {
        if venue == .binanceUsdm {
            switch limit {
            case ...50: return 2
            case ...100: return 5
            case ...500: return 10
            default: return 20
            }
        }
        switch limit {
        case ...100: return 5
        case ...500: return 25
        case ...1000: return 50
        default: return 250
        }
    }

    /// The response header carrying the IP's used weight in the current minute.
    public static let usedWeightHeader = "x-mbx-used-weight-1m"

    static func trimSlash(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }
}
