// A paper-trading process for the crash test (`ExecutionTests/PaperCrashTests`): it recovers its
// order manager from the journal, settles what the journal left working, then trades a synthetic
// random-walk market on the paper venue until killed (the test sends SIGKILL at a random point).
//
// Usage: PaperCrashChild <journal path> <seed>
// Stdout (unbuffered, one line per fact, written only after the journal has the record):
//   READY <recovered records> <next client order id> <awaiting reconciliation>
//   ACK <client id>            FILL <client id> <side 0|1> <price raw> <quantity raw>
import Execution
import HFTPrimitives
import MarketData
#if canImport(Glibc)
import Glibc
#endif

func say(_ line: String) {
    var l = line + "\n"
    l.withUTF8 { b in
        var done = 0
        while done < b.count {
            let n = write(1, b.baseAddress! + done, b.count - done)
            if n <= 0 { exit(3) }
            done += n
        }
    }
}

/// The whole child: runs until killed.
func run() -> Never {
    let args = CommandLine.arguments
    guard args.count == 3, let seed = UInt64(args[2]) else {
        say("usage: PaperCrashChild <journal path> <seed>")
        exit(2)
    }
    let instrument = InstrumentId(raw: 1)
    let spec = InstrumentSpec(id: instrument, venue: .paper, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3), tick: 1, lot: 1)

    var manager: OrderManager
    do {
        manager = try OrderManager.open(OrderManagerConfiguration(journalPath: args[1], fsync: .none, capacity: 8192))
    } catch {
        say("ERROR \(error)")
        exit(1)
    }
    let awaiting = manager.ordersAwaitingReconciliation()
    say("READY \(manager.recoveredRecords) \(manager.nextClientOrderId.raw) \(awaiting.count)")
    // The paper venue died with the previous process: nothing it held can fill any more, so the
    // venue's answer for each order it knew is "canceled with what was already filled".
    for o in awaiting {
        let u = manager.apply(.reconciled(status: .canceled, filled: o.filled), to: o.clientOrderId, now: .zero)
        guard u.isApplied else { say("ERROR reconcile \(o.clientOrderId.raw) \(u)"); exit(1) }
    }
    guard manager.isTradingAllowed else { say("ERROR still awaiting reconciliation"); exit(1) }

    var rng = seed | 1
    func random() -> UInt64 {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
        return rng
    }

    var gate = RiskGate(limits: RiskLimits(maxOrderQuantity: Quantity(raw: 5_000), maxOrderNotional: Int128(1_000_000) * 100 * 1_000,
                                           maxPosition: Quantity(raw: 40_000), maxNotional: Int128(10_000_000) * 100 * 1_000,
                                           priceBandBps: 200, maxOrdersPerWindow: 64, rateWindow: .milliseconds(10), maxOpenOrders: 20,
                                           capital: 1_000_000_000))
    var venue = PaperVenue(configuration: PaperVenueConfiguration(spec: spec, queueModel: .probabilistic(.power(2))),
                           latency: LatencyModel(entry: .microseconds(200), response: .microseconds(100)))
    var book = OrderBook(configuration: OrderBookConfiguration(tick: 1))
    var mid: Int64 = 1_000_000
    var now = Nanos.seconds(1)
    var bids = [DepthLevel](repeating: DepthLevel(price: .zero, quantity: .zero), count: 10)
    var asks = bids


    while true {
        now += .microseconds(100)
        let r = random() % 10
        if r == 0 { mid += 1 } else if r == 1 { mid -= 1 }
        for k in 0..<10 {
            bids[k] = DepthLevel(price: Price(raw: mid - 1 - Int64(k)), quantity: Quantity(raw: 500 + Int64(random() % 4_000)))
            asks[k] = DepthLevel(price: Price(raw: mid + 1 + Int64(k)), quantity: Quantity(raw: 500 + Int64(random() % 4_000)))
        }
        bids.withUnsafeBufferPointer { b in asks.withUnsafeBufferPointer { a in book.replace(tick: 1, bids: b, asks: a) } }
        venue.process(until: now, book: book)
        venue.onBook(book, now: now)
        venue.drainReports(until: now) { report in
            let u = manager.apply(report: report, now: now)
            guard u.isApplied else { return }
            switch report.kind {
            case .ack: say("ACK \(report.clientOrderId.raw)")
            case .fill: say("FILL \(report.clientOrderId.raw) \(report.side.rawValue) \(report.price.raw) \(report.quantity.raw)")
            default: break
            }
        }
        // Strategy: now and then a limit order a few ticks around the mid (some marketable), or a cancel.
        let action = random() % 8
        if action < 3 {
            let side: Side = random() % 2 == 0 ? .buy : .sell
            let offset = Int64(random() % 7) - 2
            let px = side == .buy ? mid - offset : mid + offset
            let intent = Intent(instrument: instrument, strategy: StrategyId(raw: UInt16(1 + random() % 2)), side: side,
                                price: Price(raw: px), quantity: Quantity(raw: 100 + Int64(random() % 2_000)), createdAt: now)
            var state = RiskState()
            state.mid = Price(raw: mid)
            state.equity = 1_000_000_000
            state.peakEquity = 1_000_000_000
            manager.updateRiskState(&state, instrument: instrument)
            if gate.check(intent, state: state, now: now) == .accept, case .admitted(let id) = manager.admit(intent, now: now),
               let order = manager.order(id) {
                // Journal first, then hand it to the venue.
                if manager.apply(.sent, to: id, now: now).isApplied { _ = venue.submit(order, now: now) }
            }
        } else if action == 3 {
            let working = manager.workingOrders().filter { $0.status == .acked || $0.status == .partiallyFilled }
            if let victim = working.first, manager.apply(.cancelRequested, to: victim.clientOrderId, now: now).isApplied {
                _ = venue.cancel(victim.clientOrderId, side: victim.side, now: now)
            }
        }
        usleep(200)
    }
}

run()
