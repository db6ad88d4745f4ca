/// The update-speed variant of a Binance diff-depth stream (`<symbol>@depth[@speed]`).
public enum BinanceDepthSpeed: String, Sendable, Hashable, CaseIterable {
    /// `@depth`: 1000 ms batches (spot) / 250 ms (USD-M).
    case standard = ""
    /// `@depth@100ms`.
    case ms100 = "@100ms"
    /// `@depth@0ms`: the undocumented real-time variant of USD-M (same payload, smaller batches).
    case ms0 = "@0ms"

    /// The stream-name suffix after the lower-case symbol, e.g. `@depth@100ms`.
    public var streamSuffix: String { "@depth" + rawValue }
}
