import HFTPrimitives

/// Owns the orders of one execution stage, by client order id, in a fixed-capacity table, and
/// writes every intent and event to the journal before acting on it.
///
/// Life of an order: `admit` (journals the accepted intent, assigns the next client order id) →
/// `apply(.sent, …)` right before the bytes go to the venue → venue reports through `apply` or
/// `apply(report:)`. An event is journaled only when the state machine accepts it, so duplicates
/// and invalid events are counted, not written, and replay is idempotent.
///
/// Opening replays the journal: orders, positions and exposures are rebuilt, client order ids
/// continue after the highest journaled one, and every order that was still working is held for
/// reconciliation (`ordersAwaitingReconciliation`); `admit` refuses new orders until each of them
/// has been settled by a `.reconciled` event or a terminal venue event.
///
/// Invariant: each `InstrumentExposure` equals a scan of the table (working quantity, open orders,
/// own best prices) and the sum of journaled fills (position); see `checkInvariants`.
/// - Complexity: `admit` and `apply` are O(1) plus one journal `write`, no allocation; an order
///   leaving the book at our own best price rescans the working orders (O(open orders)).
public struct OrderManager: ~Copyable {
    public let configuration: OrderManagerConfiguration
    @usableFromInline var journal: OrderJournal
    @usableFromInline let slots: UnsafeMutableBufferPointer<Order>
    /// Per slot: the order was working when the journal was replayed and the venue has not confirmed it yet.
    @usableFromInline let pending: UnsafeMutableBufferPointer<Bool>
    /// The slots of working orders (what `rescanBest` reads).
    @usableFromInline var working: WorkingSlotList
    @usableFromInline let mask: UInt64
    @usableFromInline var nextId: UInt64
    @usableFromInline let exposures: UnsafeMutableBufferPointer<InstrumentExposure>
    @usableFromInline var exposureCount: Int
    /// Orders still awaiting restart reconciliation.
    public private(set) var awaitingReconciliation: Int
    /// Events refused by the state machine (not journaled), by kind.
    public private(set) var duplicates: UInt64
    public private(set) var invalidEvents: UInt64
    public private(set) var overfills: UInt64
    public private(set) var unknownOrders: UInt64
    public private(set) var journalFailures: UInt64
    /// Cancel refusals for orders that had already ended (filled or cancelled before the cancel
    /// reached the venue: the cancel/fill race). Expected news, not an error; not in `duplicates`.
    public private(set) var lateCancelRejects: UInt64
    /// Records replayed at open, bytes of torn tail cut off, and intents that were never sent.
    public let recoveredRecords: Int
    public let tornBytes: Int
    public private(set) var neverSent: Int
    @usableFromInline var replayError: JournalError?

    /// Opens the journal and rebuilds the state it records (the only way to make one).
    /// - Throws: `JournalError` if the journal cannot be read, is corrupt, or holds more working
    ///   orders than the table.
    public static func open(_ configuration: OrderManagerConfiguration) throws(JournalError) -> OrderManager {
        let opened = try OrderJournal(path: configuration.journalPath, policy: configuration.fsync)
        let m = OrderManager(journal: opened, configuration: configuration)
        if let e = m.replayError { throw e }
        return m
    }

    init(journal opened: consuming OrderJournal, configuration: OrderManagerConfiguration) {
        self.configuration = configuration
        journal = opened
        slots = .allocate(capacity: configuration.capacity)
        pending = .allocate(capacity: configuration.capacity)
        working = WorkingSlotList(capacity: configuration.capacity)
        exposures = .allocate(capacity: configuration.maxInstruments)
        let empty = Order(intent: Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 0), side: .buy, price: .zero, quantity: .zero),
                          clientOrderId: ClientOrderId(raw: 0))
        slots.initialize(repeating: empty)
        pending.initialize(repeating: false)
        exposures.initialize(repeating: InstrumentExposure(instrument: InstrumentId(raw: 0)))
        mask = UInt64(configuration.capacity - 1)
        nextId = configuration.firstClientOrderId
        exposureCount = 0
        awaitingReconciliation = 0
        duplicates = 0
        invalidEvents = 0
        overfills = 0
        unknownOrders = 0
        journalFailures = 0
        lateCancelRejects = 0
        recoveredRecords = journal.recovered.records.count
        tornBytes = journal.recovered.tornBytes
        neverSent = 0
        replayError = nil
        do throws(JournalError) {
            try replay(journal.recovered.records)
        } catch {
            replayError = error
        }
    }

    deinit {
        slots.deallocate()
        pending.deallocate()
        exposures.deallocate()
    }

    /// The id the next admitted intent gets (greater than every journaled id).
    public var nextClientOrderId: ClientOrderId { ClientOrderId(raw: nextId) }

    /// Reads the slot the next `admit` fills, without changing anything, so that an order after a
    /// quiet spell does not start from a cold line. Returns a value to keep the read.
    @inlinable
    public func touchNextSlot() -> UInt64 {
        // SAFETY: `nextId & mask` < capacity == slots.count.
        slots[Int(nextId & mask)].clientOrderId.raw
    }

    /// Runs the code `admit` and `apply(.sent, …)` run for a new order, changing nothing: both
    /// journal records are built and encoded, checksum included, into a stack frame instead of the
    /// journal, and the order is built and moved to `.sent` on a copy. Between orders the pipeline's
    /// other work evicts this code; an order after a quiet spell then fetches it from cold caches on
    /// its tick→order. Also reads the journal lines those two records will land on
    /// (`OrderJournal.touchNext`). Returns the sum of the two frames' checksums (+1 when `.sent`
    /// applies; the journal bytes read are zeros): the frames are the ones `admit(intent, now:)` and
    /// `apply(.sent, …, now:)` would write next.
    @inline(never)
    public func touchAdmitPath(_ intent: Intent, now: Nanos) -> UInt64 {
        var i = intent
        i.clientOrderId = ClientOrderId(raw: nextId)
        let before = Order(intent: i, clientOrderId: i.clientOrderId)
        var after = before
        let sent: UInt64 = if case .applied = after.apply(.sent) { 1 } else { 0 }
        return withUnsafeTemporaryAllocation(byteCount: 2 * JournalRecord.size, alignment: 16) { frame -> UInt64 in
            // SAFETY: the frame holds two records; `encode` writes exactly `JournalRecord.size` bytes.
            guard let base = frame.baseAddress else { return 0 }
            var first = JournalRecord(intent: i, time: now)
            first.sequence = journal.lastSequence &+ 1
            first.encode(into: base)
            var second = JournalRecord(event: .sent, order: before, time: now)
            second.sequence = journal.lastSequence &+ 2
            second.encode(into: base + JournalRecord.size)
            return UInt64(base.loadUnaligned(as: UInt32.self)) &+ UInt64((base + JournalRecord.size).loadUnaligned(as: UInt32.self)) &+ sent
                &+ journal.touchNext(records: 2)
        }
    }

    /// Whether new orders may be admitted (restart reconciliation finished).
    public var isTradingAllowed: Bool { awaitingReconciliation == 0 }

    /// Records appended since open, fsyncs done, and the last sequence number.
    public var journalAppended: UInt64 { journal.appended }
    public var journalFsyncs: UInt64 { journal.fsyncs }
    public var journalSequence: UInt64 { journal.lastSequence }

    // MARK: Lookup

    /// Forces the journal to disk (shutdown, or an `fsync: none` policy at a checkpoint). Cold.
    public mutating func syncJournal() -> Bool {
        if case .written = journal.sync() { return true }
        return false
    }

    /// The order with this client id, if it is still in the table.
    @inlinable
    public func order(_ id: ClientOrderId) -> Order? {
        // SAFETY: `id & mask` < capacity == slots.count (capacity is a power of two).
        let o = slots[Int(id.raw & mask)]
        return o.clientOrderId == id && id.raw != 0 ? o : nil
    }

    /// The exposure of `instrument` (all zero when it has no orders yet).
    @inlinable
    public func exposure(_ instrument: InstrumentId) -> InstrumentExposure {
        for i in 0..<exposureCount where exposures[i].instrument == instrument { return exposures[i] }
        return InstrumentExposure(instrument: instrument)
    }

    /// Writes `instrument`'s position, working quantities, open orders and own best prices into `state`.
    @inlinable
    public func updateRiskState(_ state: inout RiskState, instrument: InstrumentId) {
        exposure(instrument).update(&state)
    }

    /// Calls `body` with every order in the table (ended ones included), in slot order.
    public func forEachOrder(_ body: (Order) -> Void) {
        for o in slots where o.clientOrderId.raw != 0 { body(o) }
    }

    /// Orders the venue must settle before trading: working at restart and not yet confirmed, or
    /// `outcomeUnknown` now. Cold path (allocates).
    public func ordersAwaitingReconciliation() -> [Order] {
        var out: [Order] = []
        for i in 0..<slots.count where slots[i].clientOrderId.raw != 0 && (pending[i] || slots[i].status == .outcomeUnknown) {
            out.append(slots[i])
        }
        return out.sorted { $0.clientOrderId < $1.clientOrderId }
    }

    /// Working orders (sorted by client id). Cold path (allocates).
    public func workingOrders() -> [Order] {
        var out: [Order] = []
        for o in slots where o.clientOrderId.raw != 0 && o.status.isWorking { out.append(o) }
        return out.sorted { $0.clientOrderId < $1.clientOrderId }
    }

    // MARK: Hot path

    /// Journals a risk-accepted intent under the next client order id and stores it as `.new`.
    /// - Complexity: O(1) + one journal write; no allocation.
    public mutating func admit(_ intent: Intent, now: Nanos) -> OrderAdmission {
        guard awaitingReconciliation == 0 else { return .awaitingReconciliation }
        let id = ClientOrderId(raw: nextId)
        // SAFETY: `id & mask` < capacity == slots.count == pending.count.
        let slot = Int(id.raw & mask)
        if slots[slot].clientOrderId.raw != 0 && (slots[slot].status.isWorking) { return .tableFull }
        guard exposureIndex(intent.instrument) >= 0 else { return .tableFull }
        var i = intent
        i.clientOrderId = id
        switch journal.append(JournalRecord(intent: i, time: now)) {
        case .written: break
        case .failed(let e):
            journalFailures &+= 1
            return .journalFailed(errno: e)
        }
        nextId &+= 1
        slots[slot] = Order(intent: i, clientOrderId: id)
        pending[slot] = false
        return .admitted(id)
    }

    /// Journals `event` for order `id` if the state machine accepts it, then applies it and
    /// updates the exposure. Duplicates and invalid events are counted and not journaled.
    /// - Complexity: O(1) + one journal write; no allocation.
    public mutating func apply(_ event: OrderEvent, to id: ClientOrderId, now: Nanos) -> OrderUpdate {
        // SAFETY: `id & mask` < capacity == slots.count == pending.count.
        let slot = Int(id.raw & mask)
        guard id.raw != 0, slots[slot].clientOrderId == id else { unknownOrders &+= 1; return .unknownOrder }
        let before = slots[slot]
        var after = before
        let t = after.apply(event)
        guard case .applied = t else {
            count(t)
            return .transition(t)
        }
        switch journal.append(JournalRecord(event: event, order: before, time: now)) {
        case .written: break
        case .failed(let e):
            journalFailures &+= 1
            return .journalFailed(errno: e)
        }
        commit(slot: slot, before: before, after: after, event: event)
        return .transition(t)
    }

    /// Applies a venue report. A refused cancel returns the order to the state it had before the
    /// cancel request (its fills, if any, arrive as their own reports).
    public mutating func apply(report: ExecutionReport, now: Nanos) -> OrderUpdate {
        if report.kind == .cancelRejected {
            guard let o = order(report.clientOrderId) else { unknownOrders &+= 1; return .unknownOrder }
            guard o.status == .cancelPending else {
                if o.status.isTerminal { lateCancelRejects &+= 1 } else { duplicates &+= 1 }
                return .transition(.duplicate)
            }
            return apply(.reconciled(status: o.previousStatus, filled: o.filled), to: report.clientOrderId, now: now)
        }
        return apply(report.orderEvent, to: report.clientOrderId, now: now)
    }

    // MARK: State

    @usableFromInline
    mutating func count(_ t: OrderTransition) {
        switch t {
        case .applied: break
        case .duplicate: duplicates &+= 1
        case .invalid: invalidEvents &+= 1
        case .overfill: overfills &+= 1
        }
    }

    /// Index of `instrument`'s exposure, adding it if there is room; −1 when the table is full.
    @usableFromInline
    mutating func exposureIndex(_ instrument: InstrumentId) -> Int {
        for i in 0..<exposureCount where exposures[i].instrument == instrument { return i }
        guard exposureCount < exposures.count else { return -1 }
        exposures[exposureCount] = InstrumentExposure(instrument: instrument)
        exposureCount &+= 1
        return exposureCount &- 1
    }

    @usableFromInline
    mutating func commit(slot: Int, before: Order, after: Order, event: OrderEvent) {
        slots[slot] = after
        if after.status.isWorking != before.status.isWorking {
            if after.status.isWorking { working.insert(slot) } else { working.remove(slot) }
        }
        if pending[slot] {
            var settled = after.status.isTerminal
            if case .reconciled = event { settled = true }
            if settled {
                pending[slot] = false
                awaitingReconciliation &-= 1
            }
        }
        let x = exposureIndex(after.instrument)
        guard x >= 0 else { return }
        var e = exposures[x]
        let sign = after.side.sign
        e.position = Quantity(raw: e.position.raw &+ sign &* (after.filled.raw &- before.filled.raw))
        let wasWorking = before.status.isWorking
        let isWorking = after.status.isWorking
        let delta = (isWorking ? after.remaining.raw : 0) &- (wasWorking ? before.remaining.raw : 0)
        if after.side == .buy { e.workingBuy = Quantity(raw: e.workingBuy.raw &+ delta) } else { e.workingSell = Quantity(raw: e.workingSell.raw &+ delta) }
        e.openOrders &+= (isWorking ? 1 : 0) &- (wasWorking ? 1 : 0)
        if isWorking && !wasWorking && after.kind == .limit {
            if after.side == .buy {
                if e.ownBestBid.raw == 0 || after.price.raw > e.ownBestBid.raw { e.ownBestBid = after.price }
            } else {
                if e.ownBestAsk.raw == 0 || after.price.raw < e.ownBestAsk.raw { e.ownBestAsk = after.price }
            }
        } else if wasWorking && !isWorking {
            let best = after.side == .buy ? e.ownBestBid : e.ownBestAsk
            if after.price == best { rescanBest(&e, side: after.side) }
        }
        exposures[x] = e
    }

    /// The best price of `e`'s working limit orders on `side` (0 when none). O(working orders).
    @usableFromInline
    func rescanBest(_ e: inout InstrumentExposure, side: Side) {
        var best: Int64 = 0
        working.forEach { s in
            let o = slots[s]
            guard o.instrument == e.instrument && o.side == side && o.kind == .limit else { return }
            if best == 0 || (side == .buy ? o.price.raw > best : o.price.raw < best) { best = o.price.raw }
        }
        if side == .buy { e.ownBestBid = Price(raw: best) } else { e.ownBestAsk = Price(raw: best) }
    }

    // MARK: Recovery

    mutating func replay(_ records: [JournalRecord]) throws(JournalError) {
        for r in records {
            let slot = Int(r.clientOrderId.raw & mask)
            if r.kind == .intent {
                if slots[slot].clientOrderId.raw != 0 && slots[slot].clientOrderId != r.clientOrderId && slots[slot].status.isWorking {
                    throw .tableTooSmall(clientOrderId: r.clientOrderId.raw)
                }
                guard exposureIndex(r.instrument) >= 0 else { throw .tooManyInstruments }
                working.remove(slot)
                slots[slot] = Order(intent: r.intent, clientOrderId: r.clientOrderId)
                if r.clientOrderId.raw >= nextId { nextId = r.clientOrderId.raw &+ 1 }
                continue
            }
            guard let event = r.event, slots[slot].clientOrderId == r.clientOrderId else { unknownOrders &+= 1; continue }
            let before = slots[slot]
            var after = before
            let t = after.apply(event)
            guard case .applied = t else { count(t); continue }
            commit(slot: slot, before: before, after: after, event: event)
        }
        for i in 0..<slots.count where slots[i].clientOrderId.raw != 0 {
            if slots[i].status.isWorking {
                pending[i] = true
                awaitingReconciliation &+= 1
            } else if slots[i].status == .new {
                neverSent &+= 1
            }
        }
    }

    /// Checks every exposure against a scan of the table; returns the first violation.
    /// Positions are checked against the table's fills, so call it only while no ended order has
    /// been overwritten (tests).
    public func checkInvariants() -> String? {
        var workingSlots = 0
        for s in 0..<slots.count where slots[s].clientOrderId.raw != 0 && slots[s].status.isWorking {
            guard working.contains(s) else { return "working order \(slots[s].clientOrderId) missing from the working list" }
            workingSlots += 1
        }
        if working.size != workingSlots { return "working list holds \(working.size) slots, the table \(workingSlots) working orders" }
        for x in 0..<exposureCount {
            var e = InstrumentExposure(instrument: exposures[x].instrument)
            var bestBid: Int64 = 0
            var bestAsk: Int64 = 0
            for o in slots where o.clientOrderId.raw != 0 && o.instrument == e.instrument {
                if let v = o.checkInvariants() { return "order \(o.clientOrderId): \(v)" }
                e.position = Quantity(raw: e.position.raw &+ o.side.sign &* o.filled.raw)
                guard o.status.isWorking else { continue }
                e.openOrders += 1
                if o.side == .buy {
                    e.workingBuy = Quantity(raw: e.workingBuy.raw + o.remaining.raw)
                    if o.kind == .limit && (bestBid == 0 || o.price.raw > bestBid) { bestBid = o.price.raw }
                } else {
                    e.workingSell = Quantity(raw: e.workingSell.raw + o.remaining.raw)
                    if o.kind == .limit && (bestAsk == 0 || o.price.raw < bestAsk) { bestAsk = o.price.raw }
                }
            }
            let have = exposures[x]
            if have.position != e.position { return "\(e.instrument) position \(have.position.raw) != fills \(e.position.raw)" }
            if have.workingBuy != e.workingBuy || have.workingSell != e.workingSell { return "\(e.instrument) working quantities differ from the table" }
            if have.openOrders != e.openOrders { return "\(e.instrument) open orders \(have.openOrders) != \(e.openOrders)" }
            if have.ownBestBid.raw != bestBid || have.ownBestAsk.raw != bestAsk { return "\(e.instrument) own best prices differ from the table" }
        }
        return nil
    }
}
