import HFTPrimitives
import MarketData

/// Configuration of the paper venue.
public struct PaperVenueConfiguration: Sendable {
    public var spec: InstrumentSpec
    public var queueModel: QueueModelKind
    /// Largest number of resting orders and of requests in flight (each).
    public var capacity: Int
    /// Binance-compatible reject codes.
    public var postOnlyRejectCode: Int32 = -5022
    public var unknownOrderCode: Int32 = -2011

    public init(spec: InstrumentSpec, queueModel: QueueModelKind = .probabilistic(.power(2)), capacity: Int = 256) {
        precondition(capacity > 0, "capacity must be positive")
        self.spec = spec
        self.queueModel = queueModel
        self.capacity = capacity
    }
}

/// A simulated venue that fills orders against the live or replayed book.
///
/// Marketable orders walk the opposite side level by level (slippage, partial fills) and consume
/// the displayed liquidity they take (remembered until the book shows that level change); resting
/// orders join the queue behind the displayed quantity at their price and fill only once the
/// queue model says the quantity ahead of them is gone, or when the market trades through their
/// price. Requests and reports travel with latencies from a `LatencyModel`. Everything runs on
/// venue time from the events, so a replay is deterministic.
///
/// Call order per market event: `process(until:book:)` for requests due, then `onTrade` for each
/// trade or `onBook(book:now:)` after each applied depth update; collect reports with
/// `drainReports(until:_:)`.
public struct PaperVenue: ~Copyable {
    public let configuration: PaperVenueConfiguration
    public var fees: FeeSchedule
    public var latency: LatencyModel
    @usableFromInline let resting: UnsafeMutableBufferPointer<PaperOrder>
    @usableFromInline var restingCount: Int
    @usableFromInline let requests: UnsafeMutableBufferPointer<PaperRequest>
    @usableFromInline var requestHead: Int
    @usableFromInline var requestCount: Int
    @usableFromInline let reports: UnsafeMutableBufferPointer<ExecutionReport>
    @usableFromInline var reportHead: Int
    @usableFromInline var reportCount: Int
    /// Liquidity our own fills took at a price, valid while the book still shows `bookQuantity` there.
    @usableFromInline let consumed: UnsafeMutableBufferPointer<ConsumedLevel>
    @usableFromInline var consumedCount: Int
    @usableFromInline var nextVenueOrderId: UInt64
    /// Reports dropped because the report queue was full (must stay 0; sized at 8 × capacity).
    public private(set) var droppedReports: Int

    public init(configuration: PaperVenueConfiguration, fees: FeeSchedule = .binanceUsdmVip0, latency: consuming LatencyModel) {
        self.configuration = configuration
        self.fees = fees
        self.latency = latency
        let n = configuration.capacity
        resting = .allocate(capacity: n)
        requests = .allocate(capacity: n)
        reports = .allocate(capacity: n * 8)
        consumed = .allocate(capacity: 64)
        restingCount = 0
        requestHead = 0
        requestCount = 0
        reportHead = 0
        reportCount = 0
        consumedCount = 0
        nextVenueOrderId = 1
        droppedReports = 0
    }

    deinit {
        resting.deallocate()
        requests.deallocate()
        reports.deallocate()
        consumed.deallocate()
    }

    /// Resting orders (for inspection and tests).
    public var restingOrders: UnsafeBufferPointer<PaperOrder> { UnsafeBufferPointer(rebasing: resting[0..<restingCount]) }

    /// Reports waiting to be delivered.
    public var pendingReports: Int { reportCount }

    // MARK: Requests

    /// Reads the request slot the next `submit` fills (nothing changes): keeps it warm between orders.
    @inlinable
    public func touchNextRequest() -> Int64 {
        requests[RingIndex.wrap(requestHead &+ requestCount, requests.count)].arrivesAt.raw
    }

    /// Sends a new order at venue time `now`; it arrives after the entry latency.
    public mutating func submit(_ order: Order, now: Nanos) -> PaperSubmitResult {
        let p = PaperOrder(clientOrderId: order.clientOrderId, side: order.side, kind: order.kind, timeInForce: order.timeInForce,
                           price: order.price, quantity: order.quantity)
        return enqueue(.new, p, now: now)
    }

    /// Sends a cancel for `clientOrderId` at venue time `now`.
    public mutating func cancel(_ clientOrderId: ClientOrderId, side: Side, now: Nanos) -> PaperSubmitResult {
        var p = PaperOrder(clientOrderId: clientOrderId, side: side, kind: .limit, timeInForce: .gtc, price: .zero, quantity: .zero)
        p.venueOrderId = VenueOrderId(raw: 0)
        return enqueue(.cancel, p, now: now)
    }

    mutating func enqueue(_ kind: PaperRequest.Kind, _ order: PaperOrder, now: Nanos) -> PaperSubmitResult {
        guard requestCount < requests.count else { return .backPressured }
        let (entry, response) = latency.next()
        // Requests keep FIFO order: one never overtakes an earlier one.
        var arrives = now + entry
        if requestCount > 0 {
            let last = requests[RingIndex.wrap(requestHead &+ requestCount &- 1, requests.count)]
            if arrives < last.arrivesAt { arrives = last.arrivesAt }
        }
        requests[RingIndex.wrap(requestHead &+ requestCount, requests.count)] = PaperRequest(kind: kind, order: order, arrivesAt: arrives, response: response)
        requestCount &+= 1
        return .accepted
    }

    /// Acts on every request that has reached the venue by `now`, against `book`.
    public mutating func process(until now: Nanos, book: borrowing OrderBook) {
        while requestCount > 0 {
            let r = requests[requestHead]
            guard r.arrivesAt <= now else { break }
            requestHead = RingIndex.wrap(requestHead &+ 1, requests.count)
            requestCount &-= 1
            switch r.kind {
            case .new: accept(r.order, at: r.arrivesAt, response: r.response, book: book)
            case .cancel: cancelResting(r.order.clientOrderId, side: r.order.side, at: r.arrivesAt, response: r.response)
            }
        }
    }

    mutating func accept(_ incoming: PaperOrder, at t: Nanos, response: Nanos, book: borrowing OrderBook) {
        var order = incoming
        order.venueOrderId = VenueOrderId(raw: nextVenueOrderId)
        nextVenueOrderId &+= 1
        let deliver = t + response
        let opposite = order.side.opposite
        let bestOpposite = order.side == .buy ? book.bestAsk : book.bestBid
        let marketable: Bool
        if order.kind == .market {
            marketable = true
        } else if let best = bestOpposite {
            marketable = order.side == .buy ? order.price.raw >= best.price.raw : order.price.raw <= best.price.raw
        } else {
            marketable = false
        }
        if marketable && order.timeInForce == .postOnly {
            report(ExecutionReport(clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, kind: .rejected, side: order.side,
                                   code: configuration.postOnlyRejectCode, venueTime: t, deliverAt: deliver))
            return
        }
        if order.timeInForce == .fok && !canFill(order, book: book) {
            report(ExecutionReport(clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, kind: .ack, side: order.side, venueTime: t, deliverAt: deliver))
            report(ExecutionReport(clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, kind: .expired, side: order.side, venueTime: t, deliverAt: deliver))
            return
        }
        report(ExecutionReport(clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, kind: .ack, side: order.side, venueTime: t, deliverAt: deliver))
        if marketable {
            // Walk the opposite side up to the limit (or all of it for a market order).
            var levels = 0
            book.forEachLevel(opposite) { level in
                guard order.remaining > 0, levels < 1_000 else { return false }
                levels &+= 1
                if order.kind == .limit {
                    let crosses = order.side == .buy ? level.price.raw <= order.price.raw : level.price.raw >= order.price.raw
                    guard crosses else { return false }
                }
                let available = level.quantity.raw &- consumedQuantity(side: opposite, price: level.price, bookQuantity: level.quantity.raw)
                guard available > 0 else { return true }
                let take = min(available, order.remaining)
                addConsumed(side: opposite, price: level.price, bookQuantity: level.quantity.raw, quantity: take)
                fill(&order, price: level.price, quantity: take, isMaker: false, at: t, deliver: deliver)
                return true
            }
        }
        guard order.remaining > 0 else { return }
        if order.kind == .market || order.timeInForce == .ioc || order.timeInForce == .fok {
            report(ExecutionReport(clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, kind: .expired, side: order.side, venueTime: t, deliverAt: deliver))
            return
        }
        // Rest: join the queue behind what is displayed at our price now.
        let displayed = book.quantity(side: order.side, at: order.price).raw
        order.queue = configuration.queueModel.join(displayed: Double(displayed))
        order.lastLevelQuantity = displayed
        guard restingCount < resting.count else {
            report(ExecutionReport(clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, kind: .expired, side: order.side, venueTime: t, deliverAt: deliver))
            return
        }
        resting[restingCount] = order
        restingCount &+= 1
    }

    func canFill(_ order: PaperOrder, book: borrowing OrderBook) -> Bool {
        var need = order.remaining
        book.forEachLevel(order.side.opposite) { level in
            if order.kind == .limit {
                let crosses = order.side == .buy ? level.price.raw <= order.price.raw : level.price.raw >= order.price.raw
                guard crosses else { return false }
            }
            need &-= level.quantity.raw &- consumedQuantity(side: order.side.opposite, price: level.price, bookQuantity: level.quantity.raw)
            return need > 0
        }
        return need <= 0
    }

    mutating func cancelResting(_ id: ClientOrderId, side: Side, at t: Nanos, response: Nanos) {
        for i in 0..<restingCount where resting[i].clientOrderId == id {
            let o = resting[i]
            removeResting(at: i)
            report(ExecutionReport(clientOrderId: id, venueOrderId: o.venueOrderId, kind: .canceled, side: o.side, venueTime: t, deliverAt: t + response))
            return
        }
        report(ExecutionReport(clientOrderId: id, venueOrderId: VenueOrderId(raw: 0), kind: .cancelRejected, side: side,
                               code: configuration.unknownOrderCode, venueTime: t, deliverAt: t + response))
    }

    mutating func removeResting(at i: Int) {
        // Keep arrival order (time priority among our own orders).
        var j = i
        while j &+ 1 < restingCount { resting[j] = resting[j &+ 1]; j &+= 1 }
        restingCount &-= 1
    }

    // MARK: Market events

    /// A public trade at venue time `now`: resting orders at its price move up the queue; orders
    /// the trade went through (a sell print below our bid, a buy print above our ask) fill.
    public mutating func onTrade(_ trade: TradeEvent, now: Nanos) {
        var i = 0
        while i < restingCount {
            var o = resting[i]
            // A buy aggressor lifts asks: it reaches our sells; a sell aggressor hits our bids.
            if o.side != trade.aggressor {
                let through = o.side == .buy ? trade.price.raw < o.price.raw : trade.price.raw > o.price.raw
                if through {
                    fill(&o, price: o.price, quantity: o.remaining, isMaker: true, at: now, deliver: now + latency.next().response)
                } else if trade.price == o.price {
                    configuration.queueModel.trade(&o.queue, quantity: Double(trade.quantity.raw))
                    fillReached(&o, at: now)
                }
            }
            if o.remaining == 0 { removeResting(at: i); continue }
            resting[i] = o
            i &+= 1
        }
    }

    /// After a depth update at venue time `now`: queue estimates follow the displayed quantity at
    /// each resting order's price; an order the opposite side now crosses fills as maker.
    public mutating func onBook(_ book: borrowing OrderBook, now: Nanos) {
        // Consumed liquidity is forgotten once the book shows that level changed.
        var c = 0
        while c < consumedCount {
            let e = consumed[c]
            if book.quantity(side: e.side, at: e.price).raw != e.bookQuantity {
                consumed[c] = consumed[consumedCount &- 1]
                consumedCount &-= 1
            } else {
                c &+= 1
            }
        }
        let bestBid = book.bestBid?.price.raw ?? .min
        let bestAsk = book.bestAsk?.price.raw ?? .max
        var i = 0
        while i < restingCount {
            var o = resting[i]
            let q = book.quantity(side: o.side, at: o.price).raw
            if q != o.lastLevelQuantity {
                configuration.queueModel.depth(&o.queue, previous: Double(o.lastLevelQuantity), current: Double(q))
                o.lastLevelQuantity = q
                fillReached(&o, at: now)
            }
            let crossed = o.side == .buy ? bestAsk <= o.price.raw : bestBid >= o.price.raw
            if crossed && o.remaining > 0 {
                fill(&o, price: o.price, quantity: o.remaining, isMaker: true, at: now, deliver: now + latency.next().response)
            }
            if o.remaining == 0 { removeResting(at: i); continue }
            resting[i] = o
            i &+= 1
        }
    }

    mutating func fillReached(_ o: inout PaperOrder, at now: Nanos) {
        let reached = min(o.queue.reached(lot: configuration.spec.lot), o.quantity.raw)
        let add = reached &- o.filled.raw
        if add > 0 {
            fill(&o, price: o.price, quantity: add, isMaker: true, at: now, deliver: now + latency.next().response)
        }
    }

    mutating func fill(_ o: inout PaperOrder, price: Price, quantity: Int64, isMaker: Bool, at t: Nanos, deliver: Nanos) {
        let q = Quantity(raw: quantity)
        o.filled = Quantity(raw: o.filled.raw &+ quantity)
        let fee = fees.fee(price: price, quantity: q, isMaker: isMaker, spec: configuration.spec)
        report(ExecutionReport(clientOrderId: o.clientOrderId, venueOrderId: o.venueOrderId, kind: .fill, side: o.side, isMaker: isMaker,
                               price: price, quantity: q, fee: fee, venueTime: t, deliverAt: deliver))
    }

    // MARK: Consumed liquidity

    func consumedQuantity(side: Side, price: Price, bookQuantity: Int64) -> Int64 {
        for i in 0..<consumedCount where consumed[i].side == side && consumed[i].price == price {
            return consumed[i].bookQuantity == bookQuantity ? consumed[i].quantity : 0
        }
        return 0
    }

    mutating func addConsumed(side: Side, price: Price, bookQuantity: Int64, quantity: Int64) {
        for i in 0..<consumedCount where consumed[i].side == side && consumed[i].price == price {
            if consumed[i].bookQuantity != bookQuantity { consumed[i].quantity = 0; consumed[i].bookQuantity = bookQuantity }
            consumed[i].quantity &+= quantity
            return
        }
        if consumedCount == consumed.count { consumedCount &-= 1 }   // forget the oldest-placed entry's slot
        consumed[consumedCount] = ConsumedLevel(side: side, price: price, bookQuantity: bookQuantity, quantity: quantity)
        consumedCount &+= 1
    }

    // MARK: Reports

    mutating func report(_ r: ExecutionReport) {
        guard reportCount < reports.count else { droppedReports &+= 1; return }
        reports[RingIndex.wrap(reportHead &+ reportCount, reports.count)] = r
        reportCount &+= 1
    }

    /// Hands every report that has reached us by `now` to `body`, in venue order.
    public mutating func drainReports(until now: Nanos, _ body: (ExecutionReport) -> Void) {
        while reportCount > 0 {
            let r = reports[reportHead]
            guard r.deliverAt <= now else { break }
            reportHead = RingIndex.wrap(reportHead &+ 1, reports.count)
            reportCount &-= 1
            body(r)
        }
    }
}

/// Liquidity taken by our own paper fills at one price, valid while the book shows `bookQuantity` there.
@frozen
public struct ConsumedLevel: BitwiseCopyable, Sendable {
    public var side: Side
    public var price: Price
    public var bookQuantity: Int64
    public var quantity: Int64
}
