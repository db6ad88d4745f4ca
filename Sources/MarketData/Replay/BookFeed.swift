import CSystemShims
import HFTPrimitives

/// The book stage for one venue connection: raw frames in → parser → per-instrument sync →
/// exact L2 books, with the bookTicker oracle and counters. Single-threaded; owned by one agent.
///
/// Instruments are indexed by `InstrumentId.raw`, which must be dense `0..<count`. All memory
/// (books, level and trade buffers, stale-diff buffers) is allocated in `init`; `ingest` does not
/// allocate, retain, lock or throw.
@frozen
public struct BookFeed: ~Copyable {
    public let venue: VenueId
    public let instrumentCount: Int
    @usableFromInline let parser: VenueParser
    @usableFromInline let specs: UnsafeMutablePointer<InstrumentSpec>
    @usableFromInline let books: UnsafeMutablePointer<SyncedOrderBook>
    @usableFromInline let oracles: UnsafeMutablePointer<BookOracleCounters>
    /// Levels of the last depth message (valid until the next `ingest`).
    public var levels: DepthLevelBuffer
    /// Trades of the last trade message (valid until the next `ingest`).
    public var trades: TradeBuffer
    public var counters: BookFeedCounters
    @usableFromInline var lastDepth: DepthUpdateHeader
    /// Recent bookTickers per instrument (a ring of `oracleWindow` each), kept because a ticker
    /// usually arrives before the batched diff that ends at its `u`.
    @usableFromInline let tickerRing: UnsafeMutablePointer<BookTickerEvent>
    @usableFromInline let tickerHead: UnsafeMutablePointer<Int>
    public let oracleWindow: Int
    /// The last `recentTradeWindow` trade ids per instrument (a ring each), the connection of the
    /// last trade seen, and how many trades ago that connection last changed. While the ring may
    /// hold trades of more than one connection (a change less than a window ago: the overlap of a
    /// rollover), a trade whose id is in it is a duplicate and is dropped (`counters.duplicateTrades`).
    @usableFromInline let recentTradeIds: UnsafeMutablePointer<UInt64>
    @usableFromInline let recentTradeHead: UnsafeMutablePointer<Int>
    @usableFromInline let tradeConnection: UnsafeMutablePointer<UInt16>
    @usableFromInline let tradesSinceConnectionChange: UnsafeMutablePointer<Int>
    @usableFromInline static var recentTradeWindow: Int { 256 }
    /// Parse failures by `MarketDataParseError.rawValue`.
    @usableFromInline let parseFailures: UnsafeMutablePointer<Int>
    @usableFromInline static var failureKinds: Int { MarketDataParseError.allCases.count }

    /// - Parameters:
    ///   - instruments: symbol and spec per instrument; `spec.id.raw` must equal its index.
    ///   - levelsPerSide: capacity of the level buffer (REST snapshots: up to 5000 per side).
    ///   - reorderHoldMessages, reorderHoldNanos: bounds of holding a newer connection's diffs while an older one catches up (`SyncedOrderBook`).
    /// - Precondition: ids dense and in order; `venue` is not `.paper`.
    public init(venue: VenueId, instruments: [(symbol: String, spec: InstrumentSpec)],
                book: OrderBookConfiguration = OrderBookConfiguration(), levelsPerSide: Int = 5000,
                tradeCapacity: Int = 1024, bufferMessages: Int = 1024, bufferLevels: Int = 262_144, oracleWindow: Int = 128,
                reorderHoldMessages: Int = 256, reorderHoldNanos: Int64 = 250_000_000) {
        precondition(!instruments.isEmpty, "a feed needs at least one instrument")
        for (i, entry) in instruments.enumerated() {
            precondition(Int(entry.spec.id.raw) == i, "instrument ids must be dense 0..<count in order")
        }
        guard let parser = VenueParser(venue: venue, symbols: SymbolTable(instruments)),
              let policy = BookSyncPolicy(venue: venue) else { preconditionFailure("no market-data parser for \(venue)") }
        self.venue = venue
        self.instrumentCount = instruments.count
        self.parser = parser
        self.specs = .allocate(capacity: instruments.count)
        self.books = .allocate(capacity: instruments.count)
        self.oracles = .allocate(capacity: instruments.count)
        for (i, entry) in instruments.enumerated() {
            (specs + i).initialize(to: entry.spec)
            (books + i).initialize(to: SyncedOrderBook(policy: policy, tick: entry.spec.tick, book: book,
                                                       bufferMessages: bufferMessages, bufferLevels: bufferLevels,
                                                       reorderHoldMessages: reorderHoldMessages, reorderHoldNanos: reorderHoldNanos))
            (oracles + i).initialize(to: BookOracleCounters())
        }
        self.levels = DepthLevelBuffer(capacityPerSide: levelsPerSide)
        self.trades = TradeBuffer(capacity: tradeCapacity)
        self.counters = BookFeedCounters()
        self.lastDepth = DepthUpdateHeader(instrument: InstrumentId(raw: 0), venue: venue, kind: .diff, firstUpdateId: 0, finalUpdateId: 0,
                                           previousFinalUpdateId: 0, sequence: 0, exchangeTime: .zero, receiveTime: .zero, bidCount: 0, askCount: 0)
        self.oracleWindow = max(1, oracleWindow)
        self.tickerRing = .allocate(capacity: instruments.count * max(1, oracleWindow))
        self.tickerHead = .allocate(capacity: instruments.count)
        self.tickerHead.initialize(repeating: 0, count: instruments.count)
        let none = BookTickerEvent(instrument: InstrumentId(raw: 0), venue: venue, updateId: 0, bidPrice: .zero, bidQuantity: .zero,
                                   askPrice: .zero, askQuantity: .zero, exchangeTime: .zero, receiveTime: .zero)
        self.tickerRing.initialize(repeating: none, count: instruments.count * max(1, oracleWindow))
        self.recentTradeIds = .allocate(capacity: instruments.count * BookFeed.recentTradeWindow)
        self.recentTradeIds.initialize(repeating: 0, count: instruments.count * BookFeed.recentTradeWindow)
        self.recentTradeHead = .allocate(capacity: instruments.count)
        self.recentTradeHead.initialize(repeating: 0, count: instruments.count)
        self.tradeConnection = .allocate(capacity: instruments.count)
        self.tradeConnection.initialize(repeating: 0, count: instruments.count)
        self.tradesSinceConnectionChange = .allocate(capacity: instruments.count)
        self.tradesSinceConnectionChange.initialize(repeating: BookFeed.recentTradeWindow, count: instruments.count)
        self.parseFailures = .allocate(capacity: BookFeed.failureKinds)
        self.parseFailures.initialize(repeating: 0, count: BookFeed.failureKinds)
    }

    @inlinable
    deinit {
        specs.deinitialize(count: instrumentCount)
        specs.deallocate()
        books.deinitialize(count: instrumentCount)
        books.deallocate()
        oracles.deallocate()
        tickerRing.deallocate()
        tickerHead.deallocate()
        recentTradeIds.deallocate()
        recentTradeHead.deallocate()
        tradeConnection.deallocate()
        tradesSinceConnectionChange.deallocate()
        parseFailures.deallocate()
    }

    /// Decodes one websocket frame and applies it. O(frame bytes + levels); no allocation.
    /// - Parameter connection: the connection the frame arrived on (overlapping rollovers: see `SyncedOrderBook`).
    @inlinable
    public mutating func ingest(_ frame: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt16 = 0) -> BookFeedResult {
        counters.frames &+= 1
        let message = parser.parse(frame, receiveTime: receiveTime, levels: &levels, trades: &trades)
        return route(message, connection: connection)
    }

    /// `ingest` that also reports when decoding ended (`hft_monotonic_ns`), so the caller can
    /// time the `decode` and `book` hops separately. Same cost plus one clock read.
    @inlinable
    public mutating func ingest(_ frame: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt16 = 0, decodeEnd: inout Int64) -> BookFeedResult {
        counters.frames &+= 1
        let message = parser.parse(frame, receiveTime: receiveTime, levels: &levels, trades: &trades)
        decodeEnd = hft_monotonic_ns()
        return route(message, connection: connection)
    }

    /// Decodes a REST depth snapshot body for `instrument` (Binance) and applies it.
    @inlinable
    public mutating func ingestSnapshot(_ body: UnsafeRawBufferPointer, instrument: InstrumentId, receiveTime: Nanos) -> BookFeedResult {
        counters.frames &+= 1
        let i = Int(instrument.raw)
        guard i < instrumentCount else { counters.unroutable &+= 1; return .unroutable }
        guard case .binance(let p) = parser else {
            counters.parseErrors &+= 1
            parseFailures[Int(MarketDataParseError.invalidFieldValue.rawValue)] &+= 1
            return .parseFailure(.invalidFieldValue)
        }
        let message = p.parseDepthSnapshot(body, instrument: specs[i], receiveTime: receiveTime, levels: &levels)
        return route(message)
    }

    @inlinable @inline(__always)
    mutating func route(_ message: ParsedMessage, connection: UInt16 = 0) -> BookFeedResult {
        switch message {
        case .depth(let header):
            let i = Int(header.instrument.raw)
            guard i < instrumentCount else { counters.unroutable &+= 1; return .unroutable }
            counters.depthMessages &+= 1
            lastDepth = header
            let before = books[i].lastUpdateId
            let outcome = books[i].apply(header, bids: levels.bids, asks: levels.asks, connection: connection)
            if books[i].phase == .live && books[i].lastUpdateId != before { checkPendingTickers(i) }
            return .depth(header.instrument, outcome)
        case .trades(let count):
            counters.tradeMessages &+= 1
            let kept = keepNewTrades(count, connection: connection)
            counters.trades &+= kept
            return .trades(count: kept)
        case .bookTicker(let ticker):
            let i = Int(ticker.instrument.raw)
            guard i < instrumentCount else { counters.unroutable &+= 1; return .unroutable }
            counters.bookTickers &+= 1
            oracles[i].seen &+= 1
            guard books[i].phase == .live && books[i].lastUpdateId == ticker.updateId else {
                if books[i].isStale || ticker.updateId > books[i].lastUpdateId {
                    // A later diff may end at this `u`: keep it.
                    let slot = i &* oracleWindow &+ tickerHead[i]
                    tickerRing[slot] = ticker
                    tickerHead[i] = tickerHead[i] &+ 1 == oracleWindow ? 0 : tickerHead[i] &+ 1
                }
                return .bookTicker(ticker, compared: false, matched: false)
            }
            let ok = compare(i, ticker)
            return .bookTicker(ticker, compared: true, matched: ok)
        case .control(let c):
            counters.controlMessages &+= 1
            return .control(c)
        case .ignored(let kind):
            counters.ignored &+= 1
            return .ignored(kind)
        case .failure(let e):
            counters.parseErrors &+= 1
            parseFailures[Int(e.rawValue)] &+= 1
            return .parseFailure(e)
        }
    }

    /// Drops the trades of the buffer that another connection already delivered (see
    /// `recentTradeIds`); remembers the ids of the others. Returns how many remain, in order.
    /// O(trades) on one connection; within a window of a connection change (the overlap of a
    /// rollover) each trade also scans its instrument's recent ids.
    @inlinable @inline(__always)
    mutating func keepNewTrades(_ count: Int, connection: UInt16) -> Int {
        var kept = 0
        let w = BookFeed.recentTradeWindow
        for r in 0..<count {
            let t = trades[r]
            let i = Int(t.instrument.raw)
            if _fastPath(i < instrumentCount && t.tradeId != 0) {
                // Trade and aggregate-trade ids are separate sequences.
                let key = t.flags.contains(.aggregated) ? t.tradeId ^ (1 << 63) : t.tradeId
                if _slowPath(tradeConnection[i] != connection) {
                    tradeConnection[i] = connection
                    tradesSinceConnectionChange[i] = 0
                }
                if _slowPath(tradesSinceConnectionChange[i] < w) {
                    if isRecentTrade(i, key) {
                        counters.duplicateTrades &+= 1
                        continue
                    }
                    tradesSinceConnectionChange[i] &+= 1
                }
                recentTradeIds[i &* w &+ recentTradeHead[i]] = key
                recentTradeHead[i] = recentTradeHead[i] &+ 1 == w ? 0 : recentTradeHead[i] &+ 1
            }
            if kept != r { trades.set(kept, t) }
            kept &+= 1
        }
        trades.truncate(to: kept)
        return kept
    }

    @usableFromInline
    func isRecentTrade(_ i: Int, _ id: UInt64) -> Bool {
        let base = recentTradeIds + i &* BookFeed.recentTradeWindow
        for k in 0..<BookFeed.recentTradeWindow where base[k] == id { return true }
        return false
    }

    /// Compares instrument `i`'s top of book with `ticker` and counts the result.
    @inlinable
    mutating func compare(_ i: Int, _ ticker: BookTickerEvent) -> Bool {
        let bid = books[i].book.bestBid ?? DepthLevel(price: .zero, quantity: .zero)
        let ask = books[i].book.bestAsk ?? DepthLevel(price: .zero, quantity: .zero)
        let ok = bid.price == ticker.bidPrice && bid.quantity == ticker.bidQuantity
            && ask.price == ticker.askPrice && ask.quantity == ticker.askQuantity
        oracles[i].checked &+= 1
        if ok {
            oracles[i].matched &+= 1
        } else if oracles[i].firstMismatch == nil {
            oracles[i].firstMismatch = BookOracleMismatch(ticker: ticker, bookBid: bid, bookAsk: ask)
        }
        return ok
    }

    /// After a diff: compares the kept ticker whose `u` equals the new final `u`, if any.
    /// Walks the ring newest first and stops at the first older `u` (tickers arrive in `u` order).
    @inlinable
    mutating func checkPendingTickers(_ i: Int) {
        let target = books[i].lastUpdateId
        var k = tickerHead[i]
        var n = 0
        while n < oracleWindow {
            k = k == 0 ? oracleWindow &- 1 : k &- 1
            let t = tickerRing[i &* oracleWindow &+ k]
            if t.updateId == target {
                _ = compare(i, t)
                tickerRing[i &* oracleWindow &+ k].updateId = 0
                return
            }
            if t.updateId < target { return }
            n &+= 1
        }
    }

    /// The header of the last depth message routed (its levels are in `levels` until the next ingest).
    @inlinable public var lastDepthHeader: DepthUpdateHeader { lastDepth }

    /// Calls `body` with the synced book of `instrument`.
    /// - Precondition: `instrument.raw < instrumentCount`.
    @inlinable
    public func withBook<R>(_ instrument: InstrumentId, _ body: (borrowing SyncedOrderBook) throws -> R) rethrows -> R {
        precondition(Int(instrument.raw) < instrumentCount, "unknown instrument")
        return try body(books[Int(instrument.raw)])
    }

    /// Mutable access to the synced book of `instrument` (tests, fault injection, control plane).
    @inlinable
    public mutating func withMutableBook<R>(_ instrument: InstrumentId, _ body: (inout SyncedOrderBook) throws -> R) rethrows -> R {
        precondition(Int(instrument.raw) < instrumentCount, "unknown instrument")
        return try body(&books[Int(instrument.raw)])
    }

    /// Whether `instrument`'s book must not be trusted right now (before sync, or since a gap).
    @inlinable
    public func isStale(_ instrument: InstrumentId) -> Bool { books[Int(instrument.raw)].isStale }

    /// Writes the best `out.count` levels of `side` for `instrument`; returns the count written.
    @inlinable
    public func topLevels(_ instrument: InstrumentId, _ side: Side, into out: UnsafeMutableBufferPointer<DepthLevel>) -> Int {
        books[Int(instrument.raw)].book.topLevels(side, into: out)
    }

    /// The instrument's spec.
    @inlinable
    public func spec(_ instrument: InstrumentId) -> InstrumentSpec { specs[Int(instrument.raw)] }

    /// The oracle tally of `instrument`.
    @inlinable
    public func oracle(_ instrument: InstrumentId) -> BookOracleCounters { oracles[Int(instrument.raw)] }

    /// The sync counters of `instrument`.
    @inlinable
    public func syncCounters(_ instrument: InstrumentId) -> BookSyncCounters { books[Int(instrument.raw)].counters }

    /// Parse failures of one kind.
    public func parseFailures(_ kind: MarketDataParseError) -> Int { parseFailures[Int(kind.rawValue)] }
}
