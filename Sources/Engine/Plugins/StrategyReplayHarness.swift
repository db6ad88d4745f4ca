import Analytics
import CSystemShims
import Execution
import HFTPrimitives
import HFTTelemetry
import MarketData
import StrategyABI

/// A minimal single-instrument replay loop for strategy plugins: capture frames → `BookFeed` →
/// `FeatureEngine` → plugin `on_tick` → validated intents → `RiskGate` → `PaperVenue` → reports back
/// through `on_fill`. Deterministic (time is the frames' receive time). Optionally hot-swaps the
/// plugin between two ticks. The engine will replace this loop; it exists to test plugins on real
/// captures.
///
/// Per tick no allocation except the working-order list (bounded by `maxWorkingOrders`, reserved).
/// - Warning: single-threaded.
public struct StrategyReplayHarness: ~Copyable {
    public let frames: FrameSequence
    public let instruments: [(symbol: String, spec: InstrumentSpec)]
    /// The traded instrument (index into `instruments`).
    public let traded: InstrumentId
    public let analytics: AnalyticsConfig
    public let schema: FeatureSchema
    public let services: StrategyHostServices
    public var limits: RiskLimits
    /// Position limit reported to the plugin (`hft_market_view.position_limit`).
    public var positionLimit: Int64
    public let registry: TelemetryRegistry
    public let strategyHop: HopId
    public static let intentCapacity = 16
    public static let maxWorkingOrders = 64

    /// Loads the capture and sets up the traded instrument (the first with a book, or `symbol`).
    /// - Parameters:
    ///   - positionLimit: in quantity raw units; the default risk limits derive from it.
    public init(path: String, symbol: String? = nil, analytics: AnalyticsConfig = AnalyticsConfig(),
                positionLimit: Int64? = nil, services: StrategyHostServices? = nil) throws {
        let frames = try RecordingImporter.load(path: path)
        guard let venue = frames.venue else { throw StrategyPluginError.openFailed(path: path, reason: "capture names no venue") }
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        let index = symbol.flatMap { s in instruments.firstIndex { $0.symbol == s } } ?? 0
        guard index < instruments.count else { throw StrategyPluginError.openFailed(path: path, reason: "no instrument") }
        let spec = instruments[index].spec
        self.frames = frames
        self.instruments = instruments
        self.traded = InstrumentId(raw: UInt32(index))
        self.analytics = analytics
        let (_, schema) = FeatureLayout.make(imbalanceLevels: analytics.imbalanceLevels, ofiLevels: analytics.ofiLevels,
                                             hmmStates: analytics.hmm?.states ?? 0)
        self.schema = schema
        self.services = services ?? StrategyHostServices(featureNames: schema.names, policy: nil)
        let q = spec.quantityScale.multiplier
        let limit = positionLimit ?? q
        self.positionLimit = limit
        self.limits = RiskLimits(maxOrderQuantity: Quantity(raw: limit), maxOrderNotional: .max, maxPosition: Quantity(raw: limit),
                                 maxNotional: .max, priceBandBps: 100, maxOrdersPerWindow: 20, rateWindow: .seconds(1),
                                 maxOpenOrders: 10, capital: 0)
        self.registry = TelemetryRegistry()
        self.strategyHop = registry.registerHop(.strategy)
    }

    /// Replays the whole capture through `strategy`. When `swap` is given, the plugin is replaced
    /// right before tick number `swap.beforeTick` (a quiescent point between events).
    public func run(_ strategy: inout StrategyInstance,
                    swap: (beforeTick: UInt64, plugin: StrategyPlugin, config: String)? = nil) throws -> StrategyReplayResult {
        var r = StrategyReplayResult()
        let spec = instruments[Int(traded.raw)].spec
        var feed = BookFeed(venue: spec.venue, instruments: instruments)
        var engine = try FeatureEngine(config: analytics, instrument: spec)
        var venue = PaperVenue(configuration: PaperVenueConfiguration(spec: spec), latency: LatencyModel(entry: .microseconds(500), response: .microseconds(500)))
        var gate = RiskGate(limits: limits)
        let validator = IntentValidator(instrumentCount: instruments.count, strategy: StrategyId(raw: 1))
        let recorder = registry.makeRecorder(name: "strategy-replay")
        let routes = BookReplay.symbolRoutes(frames, instruments: instruments)
        let schemaValue = hft_strategy_schema_id_value(schema.id)
        let levels = Int(HFT_STRATEGY_MAX_LEVELS)
        let bids = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: max(levels, engine.levelsConsumed))
        let asks = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: max(levels, engine.levelsConsumed))
        let intents = UnsafeMutablePointer<hft_intent>.allocate(capacity: Self.intentCapacity)
        let view = UnsafeMutablePointer<hft_market_view>.allocate(capacity: 1)
        let fill = UnsafeMutablePointer<hft_fill>.allocate(capacity: 1)
        let buffer = UnsafeMutablePointer<hft_intent_buffer>.allocate(capacity: 1)
        defer {
            bids.deallocate(); asks.deallocate(); intents.deallocate(); view.deallocate(); fill.deallocate(); buffer.deallocate()
        }
        buffer.initialize(to: hft_intent_buffer(items: intents, capacity: UInt32(Self.intentCapacity), count: 0))
        view.initialize(to: hft_market_view())

        var ledger = PaperLedger()
        var working: [(id: ClientOrderId, side: Side, tag: UInt32, remaining: Int64)] = []
        working.reserveCapacity(Self.maxWorkingOrders)
        var nextOrderId: UInt64 = 1
        var sequence: UInt64 = 0
        var mid: Int64 = 0
        var firstAfterSwap: UInt64 = 0

        func handle(_ now: Nanos, tickReceive: Nanos, strategy: inout StrategyInstance) {
            let n = Int(buffer.pointee.count)
            if n > Self.intentCapacity {
                r.invalidIntents[Int(IntentRejectReason.countOverCapacity.rawValue)] += 1
                return
            }
            for k in 0..<n {
                r.intents += 1
                switch validator.validate(intents[k], now: now, tickReceiveTime: tickReceive) {
                case .failure(let e):
                    r.invalidIntents[Int(e.reason.rawValue)] += 1
                case .success(.cancelTag(_, let tag)):
                    for w in working where w.tag == tag {
                        _ = venue.cancel(w.id, side: w.side, now: now)
                        r.cancels += 1
                    }
                case .success(.new(let intent)):
                    var state = RiskState()
                    state.position = Quantity(raw: ledger.position)
                    state.mid = Price(raw: mid)
                    state.openOrders = working.count
                    for w in working {
                        if w.side == .buy { state.workingBuy = Quantity(raw: state.workingBuy.raw + w.remaining) }
                        else { state.workingSell = Quantity(raw: state.workingSell.raw + w.remaining) }
                    }
                    guard working.count < Self.maxWorkingOrders, gate.check(intent, state: state, now: now) == .accept else {
                        r.riskRejects += 1
                        continue
                    }
                    let id = ClientOrderId(raw: nextOrderId)
                    nextOrderId += 1
                    if venue.submit(Order(intent: intent, clientOrderId: id), now: now) == .accepted {
                        working.append((id, intent.side, intent.tag, intent.quantity.raw))
                        r.orders += 1
                    } else {
                        r.riskRejects += 1
                    }
                }
            }
        }

        func deliverReports(until now: Nanos, strategy: inout StrategyInstance) {
            var pending: [ExecutionReport] = []
            venue.drainReports(until: now) { pending.append($0) }
            for report in pending {
                guard let w = working.firstIndex(where: { $0.id == report.clientOrderId }) else { continue }
                let order = working[w]
                var f = hft_fill()
                f.client_order_id = report.clientOrderId.raw
                f.instrument = traded.raw
                f.tag = order.tag
                f.side = order.side.rawValue
                f.code = report.code
                f.time_ns = report.venueTime.raw
                switch report.kind {
                case .ack:
                    f.kind = UInt8(HFT_FILL_ACK)
                case .fill:
                    f.kind = UInt8(HFT_FILL_TRADE)
                    f.price = report.price.raw
                    f.quantity = report.quantity.raw
                    // The venue reports fees at the price scale; the ledger and the ABI use price × quantity units.
                    f.fee = report.fee &* spec.quantityScale.multiplier
                    f.is_maker = report.isMaker ? 1 : 0
                    ledger.apply(side: order.side, price: report.price.raw, quantity: report.quantity.raw, fee: f.fee)
                    r.fills += 1
                    if report.isMaker { r.makerFills += 1 }
                    working[w].remaining -= report.quantity.raw
                    if working[w].remaining <= 0 { working.remove(at: w) }
                case .canceled, .expired, .rejected:
                    f.kind = UInt8(report.kind == .rejected ? HFT_FILL_REJECTED : HFT_FILL_CANCELED)
                    working.remove(at: w)
                case .cancelRejected:
                    continue
                }
                f.position_after = ledger.position
                fill.pointee = f
                if strategy.onFill(fill, buffer) != 0 { r.strategyErrors += 1 }
                handle(now, tickReceive: now, strategy: &strategy)
            }
        }

        try frames.withFrames { table, base in
            for record in table {
                r.frames += 1
                let bytes = UnsafeRawBufferPointer(rebasing: base[record.offset..<(record.offset + record.length)])
                let now = record.receiveTime
                let result: BookFeedResult
                switch record.channel.kind {
                case .restDepthSnapshot:
                    guard let s = record.channel.symbolIndex, s < routes.count, routes[s] >= 0 else { continue }
                    result = feed.ingestSnapshot(bytes, instrument: InstrumentId(raw: UInt32(routes[s])), receiveTime: now)
                case .websocket, .depthStream, .tradeStream, .bookTickerStream, .control:
                    result = feed.ingest(bytes, receiveTime: now, connection: record.channel.connection)
                case nil:
                    continue
                }
                switch result {
                case .trades:
                    for t in feed.trades.events where t.instrument == traded {
                        engine.absorbTrade(t)
                        venue.onTrade(t, now: now)
                    }
                    deliverReports(until: now, strategy: &strategy)
                case .depth(let id, _) where id == traded:
                    guard !feed.isStale(traded) else { continue }
                    let nb = feed.topLevels(traded, .buy, into: bids)
                    let na = feed.topLevels(traded, .sell, into: asks)
                    feed.withBook(traded) { book in
                        venue.onBook(book.book, now: now)
                        venue.process(until: now, book: book.book)
                    }
                    deliverReports(until: now, strategy: &strategy)
                    guard engine.onBook(bids: UnsafeBufferPointer(rebasing: bids[0..<nb]), asks: UnsafeBufferPointer(rebasing: asks[0..<na]),
                                        exchangeTime: .zero, receiveTime: now) == .updated else { continue }
                    mid = (bids[0].price.raw + asks[0].price.raw) / 2
                    sequence += 1
                    if let swap, sequence == swap.beforeTick {
                        r.sequencesBeforeSwap = 1...(sequence - 1)
                        r.swap = try strategy.swap(to: swap.plugin, config: swap.config, services: services) { hft_monotonic_ns() }
                        firstAfterSwap = sequence
                    }
                    services.setNow(engine.clock)
                    fillView(view, sequence: sequence, now: now, clock: engine.clock, spec: spec, bids: bids, nb: nb, asks: asks, na: na,
                             features: engine.features, schemaValue: schemaValue, ledger: ledger, mid: mid, working: working)
                    let t0 = hft_monotonic_ns()
                    if strategy.onTick(view, buffer) != 0 { r.strategyErrors += 1 }
                    recorder.record(strategyHop, Int64(hft_monotonic_ns() - t0))
                    r.ticks = sequence
                    handle(now, tickReceive: now, strategy: &strategy)
                default:
                    continue
                }
            }
        }
        if firstAfterSwap > 0 { r.sequencesAfterSwap = firstAfterSwap...sequence }
        r.position = ledger.position
        r.realizedPnL = ledger.realized - ledger.fees
        r.fees = ledger.fees
        let snap = recorder.snapshot(strategyHop)
        r.strategyP50 = Int64(snap.valueAtPercentile(50))
        r.strategyP99 = Int64(snap.valueAtPercentile(99))
        return r
    }

    private func fillView(_ view: UnsafeMutablePointer<hft_market_view>, sequence: UInt64, now: Nanos, clock: Int64, spec: InstrumentSpec,
                          bids: UnsafeMutableBufferPointer<DepthLevel>, nb: Int, asks: UnsafeMutableBufferPointer<DepthLevel>, na: Int, features: UnsafeBufferPointer<Double>, schemaValue: UInt64, ledger: PaperLedger, mid: Int64,
                          working: [(id: ClientOrderId, side: Side, tag: UInt32, remaining: Int64)]) {
        view.pointee.sequence = sequence
        view.pointee.instrument = traded.raw
        view.pointee.price_places = Int32(spec.priceScale.places)
        view.pointee.quantity_places = Int32(spec.quantityScale.places)
        view.pointee.tick = spec.tick
        view.pointee.exchange_time_ns = 0
        view.pointee.receive_time_ns = now.raw
        view.pointee.now_ns = clock
        view.pointee.features = features.baseAddress
        view.pointee.feature_count = UInt32(features.count)
        view.pointee.feature_schema_id = schemaValue
        view.pointee.model_valid = 0
        view.pointee.position = ledger.position
        view.pointee.entry_price = ledger.entryPrice
        view.pointee.realized_pnl = ledger.realized - ledger.fees
        view.pointee.unrealized_pnl = ledger.position * (mid - ledger.entryPrice)
        var wb: Int64 = 0, ws: Int64 = 0
        for w in working { if w.side == .buy { wb += w.remaining } else { ws += w.remaining } }
        view.pointee.working_buy = wb
        view.pointee.working_sell = ws
        view.pointee.position_limit = positionLimit
        view.setLevels(bids: UnsafeBufferPointer(rebasing: bids[0..<nb]), asks: UnsafeBufferPointer(rebasing: asks[0..<na]))
    }
}
