import CSystemShims
import Execution
import HFTPrimitives
import HFTRuntime
import StrategyABI

extension ExecutionStage {
    /// Whether `id` was sent to the live venue (ids are monotonic, live sessions are id ranges).
    @inline(__always)
    func isLiveOrder(_ id: ClientOrderId) -> Bool { id.raw >= liveFrom && id.raw < liveTo }

    /// Hands an admitted, journaled (`.sent`) order to the live venue. A full ring rejects it locally
    /// (it never left the process) with code -5 and a counted reason. Hot path: no allocation.
    @inline(__always)
    func submitLive(_ order: Order, tag: UInt32, riskDone r1: Int64, origin: Nanos) {
        let id = order.clientOrderId
        if liveFrom == .max { liveFrom = id.raw }
        let published = liveRequests?.push(LiveOrderRequest(placing: order)) == .published
        let s1 = hft_monotonic_ns()
        recorder.record(hops.send, Int64(s1 &- r1))
        recorder.record(hops.tickToOrder, Int64(s1) &- origin.raw)
        if published {
            orderCount &+= 1
            recorder.increment(counters.orders)
        } else {
            liveBackPressure &+= 1
            recorder.increment(counters.venueRejects)
            _ = oms.apply(.rejected(code: -5), to: id, now: clock)
            push(update(kind: UInt8(HFT_FILL_REJECTED), id: id, tag: tag, side: order.side, code: -5))
        }
    }

    /// Journals a cancel request and sends it to the venue that holds the order.
    @inline(__always)
    func cancelRouted(_ id: ClientOrderId, side: Side) {
        _ = oms.apply(.cancelRequested, to: id, now: clock)
        recorder.increment(counters.cancels)
        if isLiveOrder(id) {
            if liveRequests?.push(LiveOrderRequest(.cancel, clientOrderId: id, side: side)) != .published {
                // Not sent: the order is still working at the venue, as before the request.
                liveBackPressure &+= 1
                if let o = oms.order(id) { _ = oms.apply(.reconciled(status: o.previousStatus, filled: o.filled), to: id, now: clock) }
            }
        } else {
            _ = venue.cancel(id, side: side, now: clock)
        }
    }

    /// Applies up to 64 live reports, and deferred ones that are due. Returns the reports taken.
    @inline(__always)
    func pollLive(_ reports: RingConsumer<LiveVenueReport>) -> Int {
        var n = 0
        while n < 64, backlogCount < backlogCapacity / 2, let r = reports.pop() {
            n &+= 1
            applyLive(r, deferring: true)
        }
        if liveDeferCount > 0 { retryDeferred() }
        return n
    }

    /// One live report → order-manager events (journal first) → ledger → the strategy.
    func applyLive(_ r: LiveVenueReport, deferring: Bool) {
        let id = r.clientOrderId
        guard let order = oms.order(id) else {
            recorder.increment(counters.unknownOrders)
            return
        }
        switch r.kind {
        case .acked:
            if applied(.acked(VenueOrderId(raw: r.venueOrderId)), id) { notifyAck(order) }
        case .rejected:
            if applied(.rejected(code: r.code), id) {
                recorder.increment(counters.venueRejects)
                push(update(kind: UInt8(HFT_FILL_REJECTED), id: id, tag: order.tag, side: order.side, code: r.code))
            }
        case .outcomeUnknown:
            _ = applied(.outcomeUnknown, id)
        case .reconciled:
            // The reply may run ahead of the user-data stream's fills: wait (bounded) for them so that
            // each fill reaches the ledger and the strategy with its price.
            if deferring, r.cumulative.raw > order.filled.raw, liveDeferCount < liveDeferCapacity {
                liveDeferred[liveDeferCount] = (r, hft_monotonic_ns())
                liveDeferCount &+= 1
                return
            }
            if order.status == .sent || order.status == .outcomeUnknown, r.venueOrderId != 0, r.status != .rejected {
                if applied(.acked(VenueOrderId(raw: r.venueOrderId)), id) { notifyAck(order) }
            }
            reconcile(id, status: r.status, filled: r.cumulative)
        case .cancelRefused:
            if order.status == .cancelPending { _ = applied(.reconciled(status: order.previousStatus, filled: order.filled), id) }
        case .notFound:
            // -2013: a place that never arrived is rejected; an order the venue acked and no longer
            // knows ended without fills (Binance archives those).
            if order.venueOrderId.raw == 0 {
                reconcile(id, status: .rejected, filled: .zero)
            } else if !order.status.isTerminal {
                reconcile(id, status: .canceled, filled: order.filled)
            }
        case .update:
            switch r.execution {
            case .new:
                if applied(.acked(VenueOrderId(raw: r.venueOrderId)), id) { notifyAck(order) }
            case .trade:
                if order.status == .sent || order.status == .outcomeUnknown {
                    if applied(.acked(VenueOrderId(raw: r.venueOrderId)), id) { notifyAck(order) }
                }
                let filled = oms.order(id)?.filled.raw ?? order.filled.raw
                let add = r.cumulative.raw &- filled
                if add > 0, applied(.fill(price: r.price, quantity: Quantity(raw: add), fee: r.fee, isMaker: r.isMaker), id) {
                    notifyFill(order, price: r.price, quantity: Quantity(raw: add), fee: r.fee, isMaker: r.isMaker)
                }
            case .canceled:
                if applied(.canceled, id) {
                    push(update(kind: UInt8(HFT_FILL_CANCELED), id: id, tag: order.tag, side: order.side, code: 0))
                }
            case .other:
                break
            }
        }
    }

    /// Applies deferred reconciliations whose fills arrived, or that waited `liveDeferLimit`.
    func retryDeferred() {
        let now = hft_monotonic_ns()
        var k = 0
        while k < liveDeferCount {
            let (r, since) = liveDeferred[k]
            let filled = oms.order(r.clientOrderId)?.filled.raw ?? Int64.max
            if filled >= r.cumulative.raw || now &- since > liveDeferLimit {
                liveDeferCount &-= 1
                liveDeferred[k] = liveDeferred[liveDeferCount]
                applyLive(r, deferring: false)
            } else {
                k &+= 1
            }
        }
    }

    /// Applies the venue's state; a terminal state is told to the strategy.
    func reconcile(_ id: ClientOrderId, status: OrderStatus, filled: Quantity) {
        guard let before = oms.order(id), applied(.reconciled(status: status, filled: filled), id) else { return }
        switch status {
        case .canceled:
            push(update(kind: UInt8(HFT_FILL_CANCELED), id: id, tag: before.tag, side: before.side, code: 0))
        case .rejected:
            push(update(kind: UInt8(HFT_FILL_REJECTED), id: id, tag: before.tag, side: before.side, code: -2013))
        default:
            break
        }
    }

    @inline(__always)
    func applied(_ event: OrderEvent, _ id: ClientOrderId) -> Bool {
        let u = oms.apply(event, to: id, now: clock)
        if case .journalFailed = u { recorder.increment(counters.journalFailures) }
        return u.isApplied
    }

    func notifyAck(_ order: Order) {
        recorder.increment(counters.acks)
        let now = hft_monotonic_ns()
        if order.createdAt.raw > 0 && now > order.createdAt.raw { recorder.record(hops.orderToAck, now &- order.createdAt.raw) }
        var f = update(kind: UInt8(HFT_FILL_ACK), id: order.clientOrderId, tag: order.tag, side: order.side, code: 0)
        f.quantity = order.quantity.raw
        f.price = order.price.raw
        push(f)
    }

    func notifyFill(_ order: Order, price: Price, quantity: Quantity, fee: Int64, isMaker: Bool) {
        var f = update(kind: UInt8(HFT_FILL_TRADE), id: order.clientOrderId, tag: order.tag, side: order.side, code: 0)
        f.price = price.raw
        f.quantity = quantity.raw
        // Venue fees are at the price scale; the ledger and the ABI use price × quantity units.
        f.fee = fee &* spec.quantityScale.multiplier
        f.is_maker = isMaker ? 1 : 0
        ledger.apply(side: order.side, price: price.raw, quantity: quantity.raw, fee: f.fee)
        accounting.onFill(strategy: StrategyId(raw: 1), instrument: traded, side: order.side, price: price, quantity: quantity,
                          fee: fee, at: clock)
        fillCount &+= 1
        recorder.increment(counters.fills)
        f.position_after = ledger.position
        push(f)
    }

    // MARK: Control plane

    /// Routes new orders to the live venue. `includingJournal`: orders rebuilt from the journal are
    /// live ones too (a restart in live mode). False when the engine has no live venue.
    public func enterLive(includingJournal: Bool) -> Bool {
        guard liveRequests != nil else { return false }
        live = true
        liveFrom = includingJournal ? 1 : oms.nextClientOrderId.raw
        liveTo = .max
        return true
    }

    /// Stops routing new orders to the live venue and cancels every live working order. Returns the
    /// cancels sent; their answers keep arriving and are applied.
    public func leaveLive() -> Int {
        live = false
        paperAllowed = true
        if liveFrom == .max { return 0 }
        liveTo = oms.nextClientOrderId.raw
        var ids: [(ClientOrderId, Side)] = []
        oms.forEachOrder { o in
            if isLiveOrder(o.clientOrderId) && o.status.isWorking && o.status != .cancelPending { ids.append((o.clientOrderId, o.side)) }
        }
        for (id, side) in ids { cancelRouted(id, side: side) }
        return ids.count
    }

    /// Live orders still working (including cancel-pending and outcome-unknown ones).
    public func liveWorkingOrders() -> Int {
        var n = 0
        oms.forEachOrder { o in if isLiveOrder(o.clientOrderId) && (o.status.isWorking || o.status == .outcomeUnknown) { n += 1 } }
        return n
    }

    /// Asks the live venue for the state of every order the journal left unsettled (restart).
    /// Returns how many status requests were sent; trading stays blocked until they are settled.
    public func requestReconciliation() -> Int {
        guard let liveRequests else { return 0 }
        var n = 0
        for o in oms.ordersAwaitingReconciliation() where liveRequests.push(LiveOrderRequest(.status, clientOrderId: o.clientOrderId, side: o.side)) == .published {
            n += 1
        }
        return n
    }

    /// Orders the journal left unsettled, still awaiting reconciliation.
    public var awaitingReconciliation: Int { oms.awaitingReconciliation }
}
