import CSystemShims
import Execution
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
import MarketData
import StrategyABI

/// The Execution stage: `StrategyCommand`s and Book events in → risk gate → order manager
/// (journal first) → paper venue filling on the mirrored live book → order updates out to the
/// Strategy stage. Execution → Strategy never drops: updates the ring cannot take wait in a
/// fixed backlog (and the stage stops taking commands while it is non-empty).
///
/// Clock: the venue and the journal run on event time (the frames' receive times), so a replay is
/// deterministic; with `realtimeClock` (live data) the clock also follows the monotonic clock, so
/// acks and fills are delivered when no market data arrives. `doWork` allocates, retains, locks and
/// logs nothing; the journal's write is the only system call.
///
/// Live (`enterLive`): admitted orders are journaled and handed to the `LiveVenue` through a
/// preallocated ring instead of the paper venue; its reports (replies, user-data fills) come back
/// through another ring and are applied like paper reports (see `ExecutionStage+Live.swift`).
public actor ExecutionStage: Agent {
    public nonisolated let pinnedExecutor: PinnedExecutor
    let commands: RingConsumer<StrategyCommand>
    let book: RingConsumer<BookEvent>
    /// The slots the book ring's commits name, when it carries snapshots instead of level events
    /// (`readsSlots`; the engine's wiring: the Book stage then copies `bookDepth` levels per side
    /// into a slot instead of pushing each changed level, and the mirror catches up after the
    /// commands).
    let bookSlots: BookSnapshotSlots
    let readsSlots: Bool
    let output: RingProducer<hft_fill>
    let mirror: BookMirror
    let traded: InstrumentId
    let spec: InstrumentSpec
    let venueId: VenueId
    var venue: PaperVenue
    var gate: RiskGate
    var oms: OrderManager
    let realtimeClock: Bool
    let recorder: HopRecorder
    let hops: StandardHopIds
    let counters: EngineCounters
    /// Updates waiting for room in Execution → Strategy (bounded; see type doc).
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let backlog: UnsafeMutablePointer<hft_fill>
    let backlogCapacity = 4096
    var backlogHead = 0
    var backlogCount = 0
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let cancelScratch: UnsafeMutablePointer<(ClientOrderId, Side)>
    let cancelCapacity = 256
    var clock = Nanos.zero
    var ledger = PaperLedger()
    /// PnL, win rate, profit factor, Sharpe/Sortino and drawdown per strategy (running statistics, no allocation per fill).
    var accounting: PerformanceAccounting
    var mid: Int64 = 0
    /// Orders sent, fills, and the latest venue report time.
    public internal(set) var orderCount: UInt64 = 0
    public internal(set) var fillCount: UInt64 = 0
    public private(set) var killed = false
    /// Live routing (nil: this engine has no live venue).
    let liveRequests: RingProducer<LiveOrderRequest>?
    let liveReports: RingConsumer<LiveVenueReport>?
    /// New orders go to the live venue.
    public internal(set) var live = false
    /// While not live, new orders may go to the paper venue (false in a live-mode run until it is
    /// live: intents are refused with code -6 rather than traded on paper by mistake).
    var paperAllowed = true
    /// Client ids in `liveFrom..<liveTo` were sent to the live venue (ids grow monotonically).
    var liveFrom = UInt64.max
    var liveTo = UInt64.max
    /// Live reports whose cumulative fill is ahead of the fills the user-data stream delivered so
    /// far, held (bounded) until the stream catches up or `liveDeferLimit` passes.
    // SAFETY: allocated in init, freed in deinit; used only on this actor's pinned thread.
    nonisolated(unsafe) let liveDeferred: UnsafeMutablePointer<(report: LiveVenueReport, since: Int64)>
    let liveDeferCapacity = 64
    var liveDeferCount = 0
    let liveDeferLimit: Int64 = 2_000_000_000
    /// Live requests the ring could not take (the order was rejected locally or left for reconciliation).
    public internal(set) var liveBackPressure: UInt64 = 0
    /// Origin → the risk check of an order's intent (with `StrategyStage`'s `order.tick→decision`,
    /// the time an intent waits between the strategy and the gate).
    let orderTickToRisk: HopId?
    /// Whether the order path runs dry after each commit of the traded book (`engine.warmOrderPath`).
    let warmOrderPath: Bool
    /// Keeps the dry run's reads (never read otherwise).
    var warmSink: UInt64 = 0

    /// - Parameter bookSlots: the snapshot slots `book`'s commits name (its level events are then
    ///   an error, counted as unroutable); nil for a ring of level events.
    init(on thread: PinnedThread, commands: RingConsumer<StrategyCommand>, book: RingConsumer<BookEvent>, bookSlots: BookSnapshotSlots? = nil,
         output: RingProducer<hft_fill>,
         instrumentTicks: [Int64], traded: InstrumentId, spec: InstrumentSpec, venueId: VenueId, venue: consuming PaperVenue,
         limits: RiskLimits, oms: consuming OrderManager, realtimeClock: Bool, recorder: consuming HopRecorder, hops: StandardHopIds,
         counters: EngineCounters, instrumentSpecs: [InstrumentSpec], capital: Double,
         liveRequests: RingProducer<LiveOrderRequest>? = nil, liveReports: RingConsumer<LiveVenueReport>? = nil,
         paperAllowed: Bool = true, orderTickToRisk: HopId? = nil, warmOrderPath: Bool = false) {
        self.orderTickToRisk = orderTickToRisk
        self.warmOrderPath = warmOrderPath
        self.paperAllowed = paperAllowed
        self.liveRequests = liveRequests
        self.liveReports = liveReports
        liveDeferred = .allocate(capacity: 64)
        accounting = PerformanceAccounting(specs: instrumentSpecs, capital: capital)
        pinnedExecutor = thread.executor
        self.commands = commands
        self.book = book
        self.bookSlots = bookSlots ?? BookSnapshotSlots(ringCapacity: 1, depth: 1)
        readsSlots = bookSlots != nil
        self.output = output
        mirror = BookMirror(ticks: instrumentTicks, snapshotDepth: bookSlots?.depth ?? 0)
        self.traded = traded
        self.spec = spec
        self.venueId = venueId
        self.venue = venue
        gate = RiskGate(limits: limits)
        self.oms = oms
        self.realtimeClock = realtimeClock
        self.recorder = recorder
        self.hops = hops
        self.counters = counters
        backlog = .allocate(capacity: backlogCapacity)
        cancelScratch = .allocate(capacity: cancelCapacity)
    }

    deinit {
        backlog.deallocate()
        cancelScratch.deallocate()
        liveDeferred.deallocate()
    }

    public func doWork() -> Int {
        var done = flushBacklog()
        if realtimeClock {
            let now = Nanos(raw: hft_monotonic_ns())
            if now > clock { clock = now }
        }
        // Commands first: an order waits for nothing but the gate. The book events queued behind
        // it (usually the frame the strategy decided on, which the paper venue sees next) do not
        // change its checks: the gate's price band uses the mid the strategy saw, and a paper
        // order reaches the venue only after its entry latency, at a later `process(until:)`.
        var c = 0
        while c < 64, backlogCount == 0, let command = commands.pop() {
            c &+= 1
            onCommand(command)
        }
        done &+= c
        var n = 0
        while n < 256, let e = book.pop() {
            n &+= 1
            onBook(e)
        }
        done &+= n
        if venue.pendingReports > 0 { deliver() }
        if let liveReports { done &+= pollLive(liveReports) }
        return done
    }

    @inline(__always)
    func onBook(_ e: BookEvent) {
        if e.receiveTime > clock { clock = e.receiveTime }
        switch e.kind {
        case .level:
            if readsSlots || !mirror.apply(e) { recorder.increment(counters.unroutable) }
        case .trade:
            guard e.instrument == traded else { return }
            venue.onTrade(e.trade(venue: venueId), now: clock)
            deliver()
        case .commit:
            let i = Int(e.instrument.raw)
            guard i < mirror.count else { return }
            if readsSlots {
                mirror.replace(i, .buy, with: bookSlots.levels(e.slot, .buy))
                mirror.replace(i, .sell, with: bookSlots.levels(e.slot, .sell))
            }
            mirror.stale[i] = e.isStale
            guard e.instrument == traded, !e.isStale else { return }
            let b = mirror.books[i].bestBid, a = mirror.books[i].bestAsk
            if let b, let a { mid = (b.price.raw &+ a.price.raw) / 2 }
            if mid > 0 { accounting.mark(instrument: traded, price: Price(raw: mid), now: clock) }
            venue.onBook(mirror.books[i], now: clock)
            venue.process(until: clock, book: mirror.books[i])
            deliver()
            if warmOrderPath { runOrderPathDry() }
        }
    }

    /// The order path without an order: the order manager's risk state, the risk gate's own check
    /// code on a one-lot probe at the mid (nothing recorded), the order manager's next slot and its
    /// admit code (journal records encoded into a stack frame), and the paper venue's next request
    /// slot. Between orders the pipeline's other work evicts all of these; an order after a quiet
    /// spell then pays the cache misses on its tick→order. Runs after a commit, off the order path;
    /// changes no state.
    @inline(never)
    func runOrderPathDry() {
        guard mid > 0 else { return }
        var state = RiskState()
        oms.updateRiskState(&state, instrument: traded)
        state.mid = Price(raw: mid)
        state.feedStale = mirror.stale[Int(traded.raw)]
        let probe = Intent(instrument: traded, strategy: StrategyId(raw: 1), side: .buy, price: Price(raw: mid),
                           quantity: Quantity(raw: spec.lot), createdAt: clock)
        let decision = gate.dryRun(probe, state: state, now: clock)
        warmSink &+= (decision == .accept ? 1 : 0) &+ oms.touchNextSlot() &+ oms.touchAdmitPath(probe, now: clock)
            &+ UInt64(bitPattern: venue.touchNextRequest())
    }

    @inline(__always)
    func onCommand(_ command: StrategyCommand) {
        switch command {
        case .new(let intent, let origin, let viewMid):
            if intent.createdAt > clock { clock = intent.createdAt }
            guard intent.instrument == traded else {
                recorder.increment(counters.riskRejects)
                reject(intent, code: -1)
                return
            }
            let r0 = hft_monotonic_ns()
            var state = RiskState()
            oms.updateRiskState(&state, instrument: traded)
            state.mid = viewMid.raw > 0 ? viewMid : Price(raw: mid)
            state.feedStale = mirror.stale[Int(traded.raw)]
            let decision = gate.check(intent, state: state, now: clock)
            let r1 = hft_monotonic_ns()
            // Hops are recorded once the order is out (or refused): their histograms are cold lines
            // between orders, and an order's path does not wait for them.
            guard decision == .accept else {
                recordRisk(r0, r1, origin: origin)
                recorder.increment(counters.riskRejects)
                reject(intent, code: -2)
                return
            }
            guard live || paperAllowed else {
                recordRisk(r0, r1, origin: origin)
                recorder.increment(counters.venueRejects)
                reject(intent, code: -6)
                return
            }
            guard case .admitted(let id) = oms.admit(intent, now: clock) else {
                recordRisk(r0, r1, origin: origin)
                recorder.increment(counters.journalFailures)
                reject(intent, code: -3)
                return
            }
            let order = Order(intent: intent, clientOrderId: id)
            _ = oms.apply(.sent, to: id, now: clock)
            if live {
                submitLive(order, tag: intent.tag, riskDone: r1, origin: origin)
                recordRisk(r0, r1, origin: origin)
                return
            }
            let result = venue.submit(order, now: clock)
            let s1 = hft_monotonic_ns()
            recorder.record(hops.send, Int64(s1 &- r1))
            recorder.record(hops.tickToOrder, Int64(s1) &- origin.raw)
            recordRisk(r0, r1, origin: origin)
            if result == .accepted {
                orderCount &+= 1
                recorder.increment(counters.orders)
            } else {
                recorder.increment(counters.venueRejects)
                _ = oms.apply(.rejected(code: -4), to: id, now: clock)
                push(update(kind: UInt8(HFT_FILL_REJECTED), id: id, tag: intent.tag, side: intent.side, code: -4))
            }
        case .cancelTag(let instrument, let tag, _):
            var n = 0
            oms.forEachOrder { o in
                if n < cancelCapacity && o.instrument == instrument && o.tag == tag && o.status.isWorking && o.status != .cancelPending {
                    cancelScratch[n] = (o.clientOrderId, o.side)
                    n &+= 1
                }
            }
            for k in 0..<n {
                let (id, side) = cancelScratch[k]
                cancelRouted(id, side: side)
            }
        }
    }

    /// The risk hop of an intent checked from `r0` to `r1`, and its origin → risk check.
    @inline(__always)
    func recordRisk(_ r0: Int64, _ r1: Int64, origin: Nanos) {
        recorder.record(hops.risk, Int64(r1 &- r0))
        if let orderTickToRisk { recorder.record(orderTickToRisk, Int64(r0) &- origin.raw) }
    }

    /// Venue reports due by `clock` → order manager (journal) → ledger → the strategy.
    @inline(__always)
    func deliver() {
        venue.drainReports(until: clock) { report in
            let update = oms.apply(report: report, now: clock)
            if case .unknownOrder = update { recorder.increment(counters.unknownOrders) }
            if case .journalFailed = update { recorder.increment(counters.journalFailures) }
            let order = oms.order(report.clientOrderId)
            var f = hft_fill()
            f.client_order_id = report.clientOrderId.raw
            f.instrument = traded.raw
            f.tag = order?.tag ?? 0
            f.side = report.side.rawValue
            f.code = report.code
            f.time_ns = report.venueTime.raw
            switch report.kind {
            case .ack:
                f.kind = UInt8(HFT_FILL_ACK)
                f.quantity = order?.quantity.raw ?? 0
                f.price = order?.price.raw ?? 0
                recorder.increment(counters.acks)
                if let order, order.tickReceiveTime.raw > 0 {
                    recorder.record(hops.orderToAck, report.venueTime.raw &- order.createdAt.raw)
                }
            case .fill:
                f.kind = UInt8(HFT_FILL_TRADE)
                f.price = report.price.raw
                f.quantity = report.quantity.raw
                // The venue reports fees at the price scale; the ledger and the ABI use price × quantity units.
                f.fee = report.fee &* spec.quantityScale.multiplier
                f.is_maker = report.isMaker ? 1 : 0
                ledger.apply(side: report.side, price: report.price.raw, quantity: report.quantity.raw, fee: f.fee)
                accounting.onFill(strategy: StrategyId(raw: 1), instrument: traded, side: report.side, price: report.price,
                                  quantity: report.quantity, fee: report.fee, at: report.venueTime)
                fillCount &+= 1
                recorder.increment(counters.fills)
            case .canceled, .expired:
                f.kind = UInt8(HFT_FILL_CANCELED)
            case .rejected:
                f.kind = UInt8(HFT_FILL_REJECTED)
            case .cancelRejected:
                return
            }
            f.position_after = ledger.position
            push(f)
        }
    }

    @inline(__always)
    func update(kind: UInt8, id: ClientOrderId, tag: UInt32, side: Side, code: Int32) -> hft_fill {
        var f = hft_fill()
        f.client_order_id = id.raw
        f.instrument = traded.raw
        f.tag = tag
        f.kind = kind
        f.side = side.rawValue
        f.code = code
        f.time_ns = clock.raw
        f.position_after = ledger.position
        return f
    }

    /// A refused intent, told to the strategy as a rejected update with client order id 0.
    @inline(__always)
    func reject(_ intent: Intent, code: Int32) {
        push(update(kind: UInt8(HFT_FILL_REJECTED), id: ClientOrderId(raw: 0), tag: intent.tag, side: intent.side, code: code))
    }

    @inline(__always)
    func push(_ f: hft_fill) {
        if backlogCount == 0 && output.push(f) == .published { return }
        recorder.increment(counters.fillBackPressure)
        precondition(backlogCount < backlogCapacity, "order-update backlog full: the strategy stage stopped consuming")
        backlog[RingIndex.wrap(backlogHead &+ backlogCount, backlogCapacity)] = f
        backlogCount &+= 1
    }

    @inline(__always)
    func flushBacklog() -> Int {
        var n = 0
        while backlogCount > 0, output.push(backlog[backlogHead]) == .published {
            backlogHead = RingIndex.wrap(backlogHead &+ 1, backlogCapacity)
            backlogCount &-= 1
            n &+= 1
        }
        return n
    }

    // MARK: Control plane

    /// Kill: halt the risk gate (no new orders) and cancel every working order. Returns the cancels sent.
    public func kill() -> Int {
        killed = true
        gate.halt()
        var ids: [(ClientOrderId, Side)] = []
        oms.forEachOrder { o in if o.status.isWorking && o.status != .cancelPending { ids.append((o.clientOrderId, o.side)) } }
        for (id, side) in ids { cancelRouted(id, side: side) }
        return ids.count
    }

    /// Lets the gate accept orders again after a kill.
    public func resume() {
        killed = false
        gate.resume()
    }

    /// Lets the venue act on its queued requests and drains its reports as if `extra` ns had passed
    /// (shutdown: the kill's cancels arrive and are acknowledged even when no book event follows).
    public func settle(after extra: Nanos) {
        clock = Nanos(raw: clock.raw &+ extra.raw)
        let i = Int(traded.raw)
        if i < mirror.count { venue.process(until: clock, book: mirror.books[i]) }
        deliver()
    }

    /// A summary for /status and the report (control plane).
    public func summary() -> ExecutionSummary {
        var working = 0
        oms.forEachOrder { if $0.status.isWorking { working += 1 } }
        return ExecutionSummary(orders: orderCount, fills: fillCount, workingOrders: working, position: ledger.position,
                                entryPrice: ledger.entryPrice, realizedPnL: ledger.realized &- ledger.fees, fees: ledger.fees,
                                unrealizedPnL: ledger.position &* (mid &- ledger.entryPrice), mid: mid, journalRecords: oms.journalAppended,
                                journalSequence: oms.journalSequence, riskAccepted: gate.accepted, halted: gate.halted || killed,
                                duplicates: oms.duplicates, lateCancelRejects: oms.lateCancelRejects, invalidEvents: oms.invalidEvents,
                                overfills: oms.overfills,
                                unknownOrders: oms.unknownOrders, journalFailures: oms.journalFailures, droppedReports: venue.droppedReports,
                                performance: accounting.report(),
                                riskRejections: Dictionary(uniqueKeysWithValues: RiskRejectReason.allCases.compactMap { r in
                                    gate.rejections(for: r) > 0 ? (r.description, gate.rejections(for: r)) : nil
                                }))
    }

    /// Forces the journal to disk (shutdown).
    public func flushJournal() -> Bool { oms.syncJournal() }
}

/// What Execution did (control plane, `/status`, the run report).
public struct ExecutionSummary: Sendable, Codable, Equatable {
    public var orders: UInt64
    public var fills: UInt64
    public var workingOrders: Int
    public var position: Int64
    public var entryPrice: Int64
    public var realizedPnL: Int64
    public var fees: Int64
    public var unrealizedPnL: Int64
    public var mid: Int64
    public var journalRecords: UInt64
    public var journalSequence: UInt64
    public var riskAccepted: UInt64
    public var halted: Bool
    public var duplicates: UInt64
    /// Cancels the venue refused because the order had already ended (filled before the cancel
    /// arrived): the cancel/fill race, not an error.
    public var lateCancelRejects: UInt64
    public var invalidEvents: UInt64
    public var overfills: UInt64
    public var unknownOrders: UInt64
    public var journalFailures: UInt64
    public var droppedReports: Int
    /// Round trips, win rate, profit factor, Sharpe and Sortino (per-minute returns), drawdown.
    public var performance: PerformanceReport
    /// Risk-gate refusals by reason (only reasons that occurred).
    public var riskRejections: [String: UInt64]
}
