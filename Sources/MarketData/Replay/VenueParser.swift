import HFTPrimitives

/// The parser of one venue family, chosen once at start-up (a closed enum: no existential).
@frozen
public enum VenueParser: Sendable {
    case binance(BinanceParser)
    case bybit(BybitParser)

    /// The parser for `venue` over `symbols`; nil for the paper venue.
    public init?(venue: VenueId, symbols: SymbolTable) {
        switch venue {
        case .binanceSpot, .binanceUsdm: self = .binance(BinanceParser(symbols: symbols))
        case .bybitLinear, .bybitSpot: self = .bybit(BybitParser(symbols: symbols))
        case .paper: return nil
        }
    }

    /// Decodes one websocket frame (see the venue parsers).
    @inlinable
    public func parse(_ frame: UnsafeRawBufferPointer, receiveTime: Nanos, levels: inout DepthLevelBuffer, trades: inout TradeBuffer) -> ParsedMessage {
        switch self {
        case .binance(let p): return p.parse(frame, receiveTime: receiveTime, levels: &levels, trades: &trades)
        case .bybit(let p): return p.parse(frame, receiveTime: receiveTime, levels: &levels, trades: &trades)
        }
    }
}
