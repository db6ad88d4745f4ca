import Testing
import Foundation
import HFTPrimitives
@testable import Execution
import HFTTestSupport

@Suite struct OrderManagerTests {
    static let btc = InstrumentId(raw: 1)

    static func intent(_ side: Side, px: Int64, qty: Int64, strategy: UInt16 = 1) -> Intent {
        Intent(instrument: btc, strategy: StrategyId(raw: strategy), side: side, price: Price(raw: px), quantity: Quantity(raw: qty))
    }

    static func admit(_ m: inout OrderManager, _ i: Intent) throws -> ClientOrderId {
        guard case .admitted(let id) = m.admit(i, now: .zero) else { Issue.record("not admitted"); throw CancellationError() }
        return id
    }

    @Test func eventsAreJournaledBeforeTheyApplyAndDuplicatesAreNot() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8))
        let a = try Self.admit(&m, Self.intent(.buy, px: 100, qty: 10))
        let b = try Self.admit(&m, Self.intent(.sell, px: 105, qty: 4))
        #expect(a.raw == 1 && b.raw == 2)
        #expect(m.apply(.sent, to: a, now: .zero).isApplied)
        #expect(m.apply(.sent, to: b, now: .zero).isApplied)
        #expect(m.apply(.acked(VenueOrderId(raw: 500)), to: a, now: .zero).isApplied)
        #expect(m.apply(.acked(VenueOrderId(raw: 500)), to: a, now: .zero) == .transition(.duplicate))
        var e = m.exposure(Self.btc)
        #expect(e.openOrders == 2 && e.workingBuy.raw == 10 && e.workingSell.raw == 4 && e.ownBestBid.raw == 100 && e.ownBestAsk.raw == 105)
        #expect(m.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 3), fee: 1, isMaker: true), to: a, now: .zero).isApplied)
        #expect(m.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 8), fee: 1, isMaker: true), to: a, now: .zero) == .transition(.overfill))
        #expect(m.apply(.rejected(code: -2010), to: b, now: .zero).isApplied)
        #expect(m.apply(.canceled, to: ClientOrderId(raw: 77), now: .zero) == .unknownOrder)
        e = m.exposure(Self.btc)
        #expect(e.position.raw == 3 && e.workingBuy.raw == 7 && e.workingSell.raw == 0 && e.openOrders == 1 && e.ownBestAsk.raw == 0)
        #expect(m.checkInvariants() == nil)
        #expect(m.duplicates == 1 && m.overfills == 1 && m.unknownOrders == 1)
        // Only the applied events are in the journal: 2 intents + sent, sent, ack, fill, reject.
        let kinds = try JournalScan.read(path: path).records.map(\.kind)
        #expect(kinds == [.intent, .intent, .sent, .sent, .ack, .fill, .reject])
        var s = RiskState()
        m.updateRiskState(&s, instrument: Self.btc)
        #expect(s.position.raw == 3 && s.workingBuy.raw == 7 && s.openOrders == 1 && s.ownBestBid.raw == 100)
    }

    /// A fresh journal numbers from its session base; a reopened one continues after its last id
    /// whatever base the new run brings, so wire ids never repeat across runs.
    /// The order-path warming runs admit's and apply(.sent)'s code on frames in a stack buffer: it
    /// changes nothing, and its frames are exactly the ones the next admit and sent then write.
    @Test func touchingTheAdmitPathChangesNothingAndEncodesTheNextFrames() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8))
        _ = try Self.admit(&m, Self.intent(.sell, px: 105, qty: 4))
        let now = Nanos(raw: 1_234_567)
        let intent = Self.intent(.buy, px: 100, qty: 10)
        let (next, appended, sequence) = (m.nextClientOrderId, m.journalAppended, m.journalSequence)
        let touched = m.touchAdmitPath(intent, now: now)
        #expect(m.touchAdmitPath(intent, now: now) == touched)
        #expect(m.nextClientOrderId == next && m.journalAppended == appended && m.journalSequence == sequence)
        #expect(m.checkInvariants() == nil)
        guard case .admitted(let id) = m.admit(intent, now: now) else { Issue.record("not admitted"); return }
        #expect(id == next)
        #expect(m.apply(.sent, to: id, now: now).isApplied)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try #require(bytes.count >= 3 * JournalRecord.size)
        let crc = { (k: Int) -> UInt64 in
            UInt64(bytes[k * JournalRecord.size ..< k * JournalRecord.size + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        #expect(touched == crc(1) &+ crc(2) &+ 1)
    }

    @Test func freshJournalsStartAtTheSessionBaseAndReopenedOnesContinue() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        let base = OrderManagerConfiguration.sessionBase(unixSeconds: 1_763_750_000)
        #expect(base == 1_763_750_000 << 24 && "hft-\(base)".count <= 36)
        do {
            var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8, firstClientOrderId: base))
            let a = try Self.admit(&m, Self.intent(.buy, px: 100, qty: 10))
            let b = try Self.admit(&m, Self.intent(.sell, px: 105, qty: 4))
            #expect(a.raw == base && b.raw == base + 1)
        }
        do {
            let earlier = OrderManagerConfiguration.sessionBase(unixSeconds: 1_700_000_000)
            let r = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8, firstClientOrderId: earlier))
            #expect(r.nextClientOrderId.raw == base + 2)
        }
        let later = OrderManagerConfiguration.sessionBase(unixSeconds: 1_763_760_000)
        let s = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8, firstClientOrderId: later))
        #expect(s.nextClientOrderId.raw == later)
        #expect(OrderManagerConfiguration(journalPath: path, firstClientOrderId: 0).firstClientOrderId == 1)
    }

    @Test func restartRebuildsOrdersPositionsAndHoldsTradingUntilReconciled() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var ids: [ClientOrderId] = []
        do {
            var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 16))
            for k in 0..<5 {
                let id = try Self.admit(&m, Self.intent(k % 2 == 0 ? .buy : .sell, px: 100 + Int64(k), qty: 10))
                ids.append(id)
            }
            for id in ids.prefix(4) { _ = m.apply(.sent, to: id, now: .zero) }   // ids[4] never sent
            _ = m.apply(.acked(VenueOrderId(raw: 1)), to: ids[0], now: .zero)
            _ = m.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 10), fee: 2, isMaker: false), to: ids[0], now: .zero)  // filled
            _ = m.apply(.acked(VenueOrderId(raw: 2)), to: ids[1], now: .zero)
            _ = m.apply(.fill(price: Price(raw: 101), quantity: Quantity(raw: 4), fee: 1, isMaker: true), to: ids[1], now: .zero)   // partial
            _ = m.apply(.acked(VenueOrderId(raw: 3)), to: ids[2], now: .zero)
            _ = m.apply(.outcomeUnknown, to: ids[3], now: .zero)                                                                      // unknown
            #expect(m.checkInvariants() == nil)
        }
        var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 16))
        #expect(m.recoveredRecords == 5 + 4 + 6)
        #expect(m.order(ids[0])?.status == .filled)
        #expect(m.order(ids[1])?.status == .partiallyFilled && m.order(ids[1])?.filled.raw == 4)
        #expect(m.order(ids[2])?.status == .acked && m.order(ids[2])?.venueOrderId.raw == 3)
        #expect(m.order(ids[3])?.status == .outcomeUnknown)
        #expect(m.order(ids[4])?.status == .new && m.neverSent == 1)
        #expect(m.exposure(Self.btc).position.raw == 10 - 4)
        #expect(m.checkInvariants() == nil)
        #expect(m.nextClientOrderId.raw == 6)
        #expect(m.ordersAwaitingReconciliation().map(\.clientOrderId) == [ids[1], ids[2], ids[3]])
        #expect(m.isTradingAllowed == false)
        #expect(m.admit(Self.intent(.buy, px: 99, qty: 1), now: .zero) == .awaitingReconciliation)
        // The venue settles each one.
        #expect(m.apply(.reconciled(status: .partiallyFilled, filled: Quantity(raw: 4)), to: ids[1], now: .zero).isApplied)
        #expect(m.apply(.canceled, to: ids[2], now: .zero).isApplied)
        #expect(m.isTradingAllowed == false)
        #expect(m.apply(.reconciled(status: .filled, filled: Quantity(raw: 10)), to: ids[3], now: .zero).isApplied)
        #expect(m.isTradingAllowed == true)
        #expect(m.ordersAwaitingReconciliation().isEmpty)
        #expect(m.exposure(Self.btc).position.raw == 10 - 4 - 10)   // ids[3] is a sell
        #expect(m.admit(Self.intent(.buy, px: 99, qty: 1), now: .zero) == .admitted(ClientOrderId(raw: 6)))
        #expect(m.checkInvariants() == nil)
    }

    @Test func slotsAreReusedOnlyAfterTheirOrderEnded() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 2))
        let a = try Self.admit(&m, Self.intent(.buy, px: 100, qty: 1))
        let b = try Self.admit(&m, Self.intent(.buy, px: 99, qty: 1))
        _ = m.apply(.sent, to: a, now: .zero)
        #expect(m.admit(Self.intent(.buy, px: 98, qty: 1), now: .zero) == .tableFull)     // id 3 maps onto working id 1
        _ = m.apply(.rejected(code: -2019), to: a, now: .zero)
        let c = try Self.admit(&m, Self.intent(.buy, px: 98, qty: 1))
        #expect(c.raw == 3 && m.order(a) == nil && m.order(b) != nil)
    }

    @Test func cancelRejectReturnsToThePreviousState() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8))
        let a = try Self.ackedSell(&m, px: 100, venueId: 9)
        _ = m.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 2), fee: 0, isMaker: true), to: a, now: .zero)
        _ = m.apply(.cancelRequested, to: a, now: .zero)
        #expect(m.apply(report: Self.cancelRejected(a, venueId: 9), now: .zero).isApplied)
        #expect(m.order(a)?.status == .partiallyFilled && m.order(a)?.filled.raw == 2)
        #expect(m.exposure(InstrumentId(raw: 1)).position.raw == -2)
        #expect(m.checkInvariants() == nil)
    }

    /// The cancel/fill race: the order fills before the cancel reaches the venue, which refuses the
    /// cancel (Binance -2011). Late news, counted apart; a refusal for a working order that was not
    /// being cancelled is still a duplicate.
    @Test func aCancelRejectAfterTheFillIsLateNotADuplicate() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var m = try OrderManager.open(OrderManagerConfiguration(journalPath: path, capacity: 8))
        let a = try Self.ackedSell(&m, px: 100, venueId: 9)
        _ = m.apply(.cancelRequested, to: a, now: .zero)
        _ = m.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 5), fee: 0, isMaker: true), to: a, now: .zero)
        #expect(m.order(a)?.status == .filled)
        #expect(!m.apply(report: Self.cancelRejected(a, venueId: 9), now: .zero).isApplied)
        #expect(m.lateCancelRejects == 1 && m.duplicates == 0)
        #expect(m.order(a)?.status == .filled && m.checkInvariants() == nil)

        let b = try Self.ackedSell(&m, px: 101, venueId: 10)
        #expect(!m.apply(report: Self.cancelRejected(b, venueId: 10), now: .zero).isApplied)
        #expect(m.lateCancelRejects == 1 && m.duplicates == 1)
    }

    /// A 5-lot sell at `px`, admitted, sent and acked as venue order `venueId`.
    static func ackedSell(_ m: inout OrderManager, px: Int64, venueId: UInt64) throws -> ClientOrderId {
        let id = try admit(&m, intent(.sell, px: px, qty: 5))
        _ = m.apply(.sent, to: id, now: .zero)
        _ = m.apply(.acked(VenueOrderId(raw: venueId)), to: id, now: .zero)
        return id
    }

    /// The venue's refusal of a cancel of `id` (Binance -2011, unknown order).
    static func cancelRejected(_ id: ClientOrderId, venueId: UInt64) -> ExecutionReport {
        ExecutionReport(clientOrderId: id, venueOrderId: VenueOrderId(raw: venueId), kind: .cancelRejected, side: .sell, code: -2011,
                        venueTime: .zero, deliverAt: .zero)
    }

    /// Own best prices come from the working-order list, not a table scan: thousands of orders on
    /// both sides, two instruments, filled (fully or in part) and cancelled (directly or after a
    /// request) in a seeded random order, with `checkInvariants` (exposures and the list against a
    /// scan of the table; the table is large enough not to wrap, as that check needs) after every
    /// event, and again after a restart rebuilds the list from the journal.
    @Test func ownBestPricesFollowTheWorkingOrdersThroughFillsCancelsAndRestart() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        let config = OrderManagerConfiguration(journalPath: path, capacity: 4_096)
        var m = try OrderManager.open(config)
        var rng = SplitMix64(seed: 0x5eed)
        var live: [ClientOrderId] = []
        for step in 0..<3_000 {
            if live.count < 40 && (live.isEmpty || rng.next() % 3 != 0) {
                let side: Side = rng.next() & 1 == 0 ? .buy : .sell
                let px = (side == .buy ? 990 : 1_010) + Int64(rng.next() % 21) - 10
                var i = Self.intent(side, px: px, qty: 1 + Int64(rng.next() % 5))
                if rng.next() % 4 == 0 { i.instrument = InstrumentId(raw: 2) }
                let admitted = m.admit(i, now: .zero)
                if admitted == .tableFull { continue }     // the id's slot still holds a working order
                guard case .admitted(let id) = admitted else { Issue.record("not admitted at step \(step)"); return }
                #expect(m.apply(.sent, to: id, now: .zero).isApplied)
                #expect(m.apply(.acked(VenueOrderId(raw: id.raw)), to: id, now: .zero).isApplied)
                live.append(id)
            } else {
                let k = Int(rng.next() % UInt64(live.count))
                let id = live[k]
                let found = m.order(id)
                guard let o = found else { Issue.record("order \(id) lost at step \(step)"); return }
                let event: OrderEvent
                switch rng.next() % 4 {
                case 0: event = .canceled
                case 1:
                    #expect(m.apply(.cancelRequested, to: id, now: .zero).isApplied)
                    event = .canceled
                case 2: event = .fill(price: o.price, quantity: o.remaining, fee: 0, isMaker: true)
                default: event = .fill(price: o.price, quantity: Quantity(raw: max(1, o.remaining.raw / 2)), fee: 0, isMaker: true)
                }
                #expect(m.apply(event, to: id, now: .zero).isApplied)
                if let after = m.order(id), !after.status.isWorking { live.remove(at: k) }
            }
            if let v = m.checkInvariants() { Issue.record("step \(step): \(v)"); return }
        }
        #expect(m.nextClientOrderId.raw > 1_000)
        let (bid, ask) = (m.exposure(Self.btc).ownBestBid, m.exposure(Self.btc).ownBestAsk)
        #expect(bid.raw != 0 || ask.raw != 0)
        m = try OrderManager.open(config)
        #expect(m.checkInvariants() == nil)
        #expect(m.exposure(Self.btc).ownBestBid == bid && m.exposure(Self.btc).ownBestAsk == ask)
    }
}
