import HFTPrimitives

/// Bybit v5 public websocket endpoints (`/v5/public/linear`, `/v5/public/spot`).
public enum BybitURLs {
    /// The websocket base of `environment` (no path).
    public static func streamBase(_ environment: VenueEnvironment) -> String {
        environment == .mainnet ? "wss://stream.bybit.com" : "wss://stream-testnet.bybit.com"
    }

    /// The public stream URL of `config.venue`: `<base>/v5/public/linear` or `…/spot`.
    public static func publicStreamURL(_ config: VenueFeedConfig) -> String {
        let base = config.streamBaseOverride ?? streamBase(config.environment)
        let category = config.venue == .bybitSpot ? "spot" : "linear"
        return BinanceURLs.trimSlash(base) + "/v5/public/" + category
    }

    /// Depths each market offers (v5 docs: linear 1/50/200/500, spot 1/50/200).
    public static func supports(_ depth: BybitDepth, venue: VenueId) -> Bool {
        venue == .bybitLinear || depth != .level500
    }
}
