import HFTPrimitives

/// The bookTicker oracle's tally for one instrument: wherever a `bookTicker`'s `u` equals the last
/// applied diff's final `u`, the book's best bid and ask (price and quantity) must equal it.
@frozen
public struct BookOracleCounters: BitwiseCopyable, Sendable, Hashable {
    /// bookTickers whose `u` equalled the last applied diff's `u` (comparable points).
    public var checked: Int = 0
    /// Comparable points where the top of book matched exactly.
    public var matched: Int = 0
    /// bookTickers seen in total (most are not comparable: their `u` is between diffs).
    public var seen: Int = 0
    /// The first mismatch, for the report.
    public var firstMismatch: BookOracleMismatch? = nil

    @inlinable public init() {}

    /// Comparable points that did not match.
    @inlinable public var mismatched: Int { checked - matched }
}

/// What the oracle saw at a mismatch.
@frozen
public struct BookOracleMismatch: BitwiseCopyable, Sendable, Hashable {
    public var ticker: BookTickerEvent
    public var bookBid: DepthLevel
    public var bookAsk: DepthLevel

    @inlinable
    public init(ticker: BookTickerEvent, bookBid: DepthLevel, bookAsk: DepthLevel) {
        self.ticker = ticker
        self.bookBid = bookBid
        self.bookAsk = bookAsk
    }

    public static func == (a: Self, b: Self) -> Bool { a.ticker == b.ticker && a.bookBid == b.bookBid && a.bookAsk == b.bookAsk }
    public func hash(into h: inout Hasher) { h.combine(ticker.updateId) }
}

/// Frame-level counters of a `BookFeed`.
@frozen
public struct BookFeedCounters: BitwiseCopyable, Sendable, Hashable {
    public var frames: Int = 0
    public var depthMessages: Int = 0
    public var tradeMessages: Int = 0
    public var trades: Int = 0
    public var bookTickers: Int = 0
    public var controlMessages: Int = 0
    public var ignored: Int = 0
    /// Frames that failed to parse (dropped without touching any book).
    public var parseErrors: Int = 0
    /// Frames for an instrument id outside this feed (a symbol table / feed mismatch).
    public var unroutable: Int = 0
    /// Trades dropped because another connection had already delivered them (the overlap of a
    /// connection rollover: both connections carry the trade stream for a while).
    public var duplicateTrades: Int = 0

    @inlinable public init() {}
}

/// What `BookFeed.ingest` did with one frame.
@frozen
public enum BookFeedResult: BitwiseCopyable, Sendable {
    /// A depth message for `instrument` and what its book's sync made of it.
    case depth(InstrumentId, BookSyncOutcome)
    /// Trades decoded into the feed's trade buffer (`BookFeed.trades`).
    case trades(count: Int)
    /// A bookTicker; `compared` when it was an oracle point, `matched` whether the book agreed.
    case bookTicker(BookTickerEvent, compared: Bool, matched: Bool)
    case control(ControlMessage)
    case ignored(IgnoredKind)
    /// The frame was malformed; nothing was changed.
    case parseFailure(MarketDataParseError)
    /// The frame named an instrument this feed has no book for.
    case unroutable
}
