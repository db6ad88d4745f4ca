import Execution
import HFTPrimitives
import MarketData
import Transport

/// Everything the simulator mutates, behind one mutex in `MarketSimulator`: the replayed book
/// (the same `BookFeed` stage the engine uses), the paper matching per instrument, orders,
/// subscriptions and the fault state. Cold path: allocates freely.
struct SimulatorState: ~Copyable {
    let venue: VenueId
    let instruments: [(symbol: String, spec: InstrumentSpec)]
    var feed: BookFeed
    /// One `PaperVenue` per instrument (zero latency, risk-averse queue model).
    let venues: UnsafeMutablePointer<PaperVenue>
    var subscriptions: [ServerConnectionId: Subscription] = [:]
    var orders: [Int64: SimulatedOrder] = [:]
    /// Every `clientOrderId` used, to refuse replays (-4116).
    var clientOrderIds: [String: Int64] = [:]
    var nextOrderId: Int64 = 8_000_000_001
    var nextTradeId: Int64 = 1
    var listenKeys: [String: String] = [:]
    /// Venue time (recorded receive ns of the last frame) for the matching.
    var venueNow: Nanos = .zero
    /// Per instrument: last exchange time (ms) and Bybit `seq` of its depth stream.
    var lastExchangeMillis: [Int64]
    var lastSequence: [UInt64]
    /// Bybit topics renumbered after a `bybitRestart`: subtract this from recorded `u`.
    var bybitOffsets: [String: UInt64] = [:]
    var skipDiffs = 0
    var duplicateNext = false
    var reorderNext = false
    var held: (instrument: Int?, messages: [OutgoingMessage])? = nil
    var malformedNext = false
    /// `SimulatorFault.dropOrderReply` is armed for the next WebSocket API request.
    var dropNextOrderReply = false
    var statistics = SimulatorStatistics()
    var nextConnectionTag = 1

    init(venue: VenueId, instruments: [(symbol: String, spec: InstrumentSpec)]) {
        self.venue = venue
        self.instruments = instruments
        self.feed = SimulatorState.makeFeed(venue: venue, instruments: instruments)
        // SAFETY: one slot per instrument, initialized here, deinitialized and freed in `deinit`;
        // every access indexes with an instrument index < instruments.count.
        self.venues = .allocate(capacity: instruments.count)
        for (i, entry) in instruments.enumerated() {
            (venues + i).initialize(to: PaperVenue(
                configuration: PaperVenueConfiguration(spec: entry.spec, queueModel: .riskAverse, capacity: 1024),
                fees: .binanceUsdmVip0, latency: LatencyModel(entry: .zero, response: .zero)))
        }
        lastExchangeMillis = Array(repeating: 0, count: instruments.count)
        lastSequence = Array(repeating: 0, count: instruments.count)
    }

    deinit {
        venues.deinitialize(count: instruments.count)
        venues.deallocate()
    }

    static func makeFeed(venue: VenueId, instruments: [(symbol: String, spec: InstrumentSpec)]) -> BookFeed {
        BookFeed(venue: venue, instruments: instruments, book: OrderBookConfiguration(invariantCheckInterval: 0), levelsPerSide: 20_000,
                 bufferMessages: 4096)
    }

    /// Rebuilds the book (a new pass of a looping replay).
    mutating func resetBooks() {
        feed = SimulatorState.makeFeed(venue: venue, instruments: instruments)
        bybitOffsets = [:]
    }

    func instrument(symbol: String) -> Int? {
        instruments.firstIndex { $0.symbol.uppercased() == symbol.uppercased() }
    }

    // MARK: Book

    /// Applies one recorded frame to the book and the matching; returns user-data events produced.
    mutating func apply(frame bytes: UnsafeRawBufferPointer, info: RecordedFrameInfo, receiveTime: Nanos,
                        eventMillis: Int64) -> (isDiff: Bool, instrument: Int?, events: [OutgoingMessage]) {
        if receiveTime > venueNow { venueNow = receiveTime }
        let result: BookFeedResult
        var touched: Int? = nil
        switch info.kind {
        case .restSnapshot(let i):
            result = feed.ingestSnapshot(bytes, instrument: InstrumentId(raw: UInt32(i)), receiveTime: receiveTime)
        case .market, .other:
            result = feed.ingest(bytes, receiveTime: receiveTime)
        }
        var isDiff = false
        switch result {
        case .depth(let id, let outcome):
            let i = Int(id.raw)
            touched = i
            let header = feed.lastDepthHeader
            isDiff = header.kind == .diff
            if header.exchangeTime.raw > 0 { lastExchangeMillis[i] = header.exchangeTime.raw / 1_000_000 }
            if header.sequence > 0 { lastSequence[i] = header.sequence }
            if outcome == .applied || outcome == .snapshotApplied {
                let now = venueNow
                let v = venues
                // SAFETY: i is a routed instrument id (< instruments.count).
                feed.withBook(id) { synced in v[i].onBook(synced.book, now: now) }
            }
        case .trades(let count):
            for k in 0..<count {
                let trade = feed.trades[k]
                let i = Int(trade.instrument.raw)
                guard i < instruments.count else { continue }
                touched = i
                // SAFETY: i < instruments.count (checked above).
                venues[i].onTrade(trade, now: venueNow)
            }
        default:
            break
        }
        var events: [OutgoingMessage] = []
        if let i = touched { drainReports(instrument: i, eventMillis: eventMillis, into: &events) }
        return (isDiff, touched, events)
    }

    /// Renders the Binance REST depth snapshot of `instrument` (the book at its current update id).
    func depthSnapshot(instrument i: Int, limit: Int, futures: Bool) -> String? {
        let id = InstrumentId(raw: UInt32(i))
        return feed.withBook(id) { synced -> String? in
            guard !synced.isStale else { return nil }
            let spec = instruments[i].spec
            var text = "{\"lastUpdateId\":\(synced.lastUpdateId)"
            if futures {
                let ms = lastExchangeMillis[i]
                text += ",\"E\":\(ms),\"T\":\(ms)"
            }
            text += ",\"bids\":" + SimulatorState.levels(synced.book, .buy, limit: limit, spec: spec)
            text += ",\"asks\":" + SimulatorState.levels(synced.book, .sell, limit: limit, spec: spec) + "}"
            return text
        }
    }

    static func levels(_ book: borrowing OrderBook, _ side: Side, limit: Int, spec: InstrumentSpec) -> String {
        var parts: [String] = []
        book.forEachLevel(side, limit: limit) { level in
            parts.append("[\"" + DecimalFormatter.string(level.price.raw, places: spec.priceScale.places, minFractionDigits: spec.priceScale.places)
                         + "\",\"" + DecimalFormatter.string(level.quantity.raw, places: spec.quantityScale.places, minFractionDigits: spec.quantityScale.places)
                         + "\"]")
            return true
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    /// A Bybit `snapshot` frame of `topic` from the current book with update id `u`; nil while stale.
    func bybitSnapshot(topic: String, u: UInt64) -> [UInt8]? {
        let parts = topic.split(separator: ".")
        guard parts.count == 3, parts[0] == "orderbook", let i = instrument(symbol: String(parts[2])) else { return nil }
        let depth = Int(parts[1]) ?? 200
        let spec = instruments[i].spec
        let ms = lastExchangeMillis[i]
        return feed.withBook(InstrumentId(raw: UInt32(i))) { synced -> [UInt8]? in
            guard !synced.isStale else { return nil }
            let text = "{\"topic\":\"\(topic)\",\"type\":\"snapshot\",\"ts\":\(ms),\"data\":{\"s\":\"\(instruments[i].symbol)\","
                + "\"b\":" + SimulatorState.levels(synced.book, .buy, limit: depth, spec: spec)
                + ",\"a\":" + SimulatorState.levels(synced.book, .sell, limit: depth, spec: spec)
                + ",\"u\":\(u),\"seq\":\(lastSequence[i])},\"cts\":\(ms)}"
            return Array(text.utf8)
        }
    }

    /// The recorded Bybit `u` of `topic`'s book now (its last applied update id).
    func bybitCurrentU(topic: String) -> UInt64? {
        let parts = topic.split(separator: ".")
        guard parts.count == 3, let i = instrument(symbol: String(parts[2])) else { return nil }
        return feed.withBook(InstrumentId(raw: UInt32(i))) { $0.isStale ? nil : $0.lastUpdateId }
    }

    // MARK: Orders

    /// Moves the paper venue's reports for instrument `i` into order state and user-data events.
    mutating func drainReports(instrument i: Int, eventMillis: Int64, into events: inout [OutgoingMessage]) {
        var reports: [ExecutionReport] = []
        // SAFETY: callers pass an instrument index < instruments.count.
        venues[i].drainReports(until: Nanos(raw: .max)) { reports.append($0) }
        for r in reports {
            let orderId = Int64(bitPattern: r.clientOrderId.raw)
            guard var order = orders[orderId] else { continue }
            order.updateTime = eventMillis
            let executionType: String?
            switch r.kind {
            case .ack:
                executionType = "NEW"
            case .fill:
                order.executed += r.quantity.raw
                order.notional += Int128(r.price.raw) * Int128(r.quantity.raw)
                order.lastFillPrice = r.price
                order.lastFillQuantity = r.quantity.raw
                order.lastFee = r.fee
                order.lastIsMaker = r.isMaker
                order.lastTradeId = nextTradeId
                nextTradeId += 1
                order.status = order.executed >= order.quantity.raw ? "FILLED" : "PARTIALLY_FILLED"
                statistics.fills += 1
                executionType = "TRADE"
            case .canceled:
                order.status = "CANCELED"
                executionType = "CANCELED"
            case .expired:
                order.status = "EXPIRED"
                executionType = "EXPIRED"
            case .rejected:
                order.status = "REJECTED"
                order.rejectCode = r.code
                executionType = nil
            case .cancelRejected:
                executionType = nil
            }
            orders[orderId] = order
            if let x = executionType { events += userEvents(order.tradeUpdate(executionType: x, eventTime: eventMillis)) }
        }
    }

    /// The event on every user-data connection (the simulator keeps one account: every accepted key
    /// trades it and every listen key sees its events).
    func userEvents(_ text: String) -> [OutgoingMessage] {
        let bytes = Array(text.utf8)
        return subscriptions.compactMap { id, sub in
            if case .userData = sub.kind { return OutgoingMessage(connection: id, bytes: bytes) }
            return nil
        }
    }
}
