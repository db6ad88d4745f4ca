/// The depth of a Bybit v5 `orderbook.{depth}.{symbol}` topic.
public enum BybitDepth: Int, Sendable, Hashable, CaseIterable {
    case level1 = 1
    case level50 = 50
    case level200 = 200
    case level500 = 500
}
