/// A well-formed market message that the book path does not use; callers count these by kind.
@frozen
public enum IgnoredKind: UInt8, BitwiseCopyable, Hashable, Sendable, CaseIterable {
    /// Binance `kline`, Bybit `kline.*`.
    case kline = 0
    /// Binance `24hrTicker`/`24hrMiniTicker`, Bybit `tickers.*`.
    case ticker
    /// A Binance REST depth snapshot body seen by `parse`: it has no symbol, so decode it with
    /// `BinanceParser.parseDepthSnapshot(_:instrument:receiveTime:levels:)` (hb captures carry it inline).
    case restSnapshot
    /// Another stream or topic of a known venue (mark price, liquidations, ...).
    case otherStream
    /// Valid JSON that is no message the parser knows.
    case unrecognized
}
