import HFTPrimitives

/// What one frame decoded to. Bulk data (levels, trades) goes into caller-owned preallocated
/// buffers; this value carries only the fixed part, so it is trivial to copy.
@frozen
public enum ParsedMessage: BitwiseCopyable, Sendable {
    /// A depth diff or snapshot; its `bidCount` bids then `askCount` asks are in the `DepthLevelBuffer`.
    case depth(DepthUpdateHeader)
    /// `count` trades are in the `TradeBuffer` (Binance: 1; Bybit `publicTrade`: one per array entry).
    case trades(count: Int)
    /// Best bid and offer.
    case bookTicker(BookTickerEvent)
    /// Subscribe ack, pong, ping, command response.
    case control(ControlMessage)
    /// A well-formed message the book path does not use.
    case ignored(IgnoredKind)
    /// Malformed or unusable: drop and count; the buffers' contents are unspecified and the book must stay untouched.
    case failure(MarketDataParseError)
}
