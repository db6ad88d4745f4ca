import Testing
import HFTPrimitives
@testable import Execution

@Suite struct OrderStateTests {
    func makeOrder(qty: Int64 = 10) -> Order {
        let intent = Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 1), side: .buy,
                            price: Price(raw: 100), quantity: Quantity(raw: qty))
        return Order(intent: intent, clientOrderId: ClientOrderId(raw: 7))
    }

    @Test func happyPathToFilled() {
        var o = makeOrder()
        #expect(o.apply(.sent) == .applied(from: .new, to: .sent))
        #expect(o.apply(.acked(VenueOrderId(raw: 99))) == .applied(from: .sent, to: .acked))
        #expect(o.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 4), fee: 1, isMaker: true)) == .applied(from: .acked, to: .partiallyFilled))
        #expect(o.apply(.fill(price: Price(raw: 101), quantity: Quantity(raw: 6), fee: 1, isMaker: true)) == .applied(from: .partiallyFilled, to: .filled))
        #expect(o.filled.raw == 10 && o.filledNotional == 400 + 606 && o.fees == 2)
        #expect(o.checkInvariants() == nil)
        #expect(o.status.isTerminal)
    }

    @Test func duplicatesAndInvalidsAreNamed() {
        var o = makeOrder()
        #expect(o.apply(.acked(VenueOrderId(raw: 1))) == .invalid(from: .new))
        _ = o.apply(.sent)
        #expect(o.apply(.sent) == .duplicate)
        _ = o.apply(.acked(VenueOrderId(raw: 1)))
        #expect(o.apply(.acked(VenueOrderId(raw: 1))) == .duplicate)
        #expect(o.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 11), fee: 0, isMaker: false)) == .overfill)
        #expect(o.filled.raw == 0)
        _ = o.apply(.canceled)
        #expect(o.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 1), fee: 0, isMaker: false)) == .invalid(from: .canceled))
        #expect(o.apply(.canceled) == .duplicate)
    }

    @Test func unknownOutcomeIsKeptUntilReconciled() {
        var o = makeOrder()
        _ = o.apply(.sent)
        #expect(o.apply(.outcomeUnknown) == .applied(from: .sent, to: .outcomeUnknown))
        #expect(o.status.isWorking)
        // A fill that arrives while unknown is recorded; the status stays unknown.
        _ = o.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 3), fee: 0, isMaker: true))
        #expect(o.status == .outcomeUnknown && o.filled.raw == 3)
        #expect(o.apply(.reconciled(status: .partiallyFilled, filled: Quantity(raw: 3))) == .applied(from: .outcomeUnknown, to: .partiallyFilled))
        #expect(o.checkInvariants() == nil)
    }

    @Test func cancelPendingThenFilled() {
        var o = makeOrder()
        _ = o.apply(.sent)
        _ = o.apply(.acked(VenueOrderId(raw: 5)))
        #expect(o.apply(.cancelRequested) == .applied(from: .acked, to: .cancelPending))
        // The cancel lost the race: the order filled.
        #expect(o.apply(.fill(price: Price(raw: 100), quantity: Quantity(raw: 10), fee: 0, isMaker: true)) == .applied(from: .cancelPending, to: .filled))
        #expect(o.apply(.canceled) == .invalid(from: .filled))
    }

    @Test func rejectOnlyFromSent() {
        var o = makeOrder()
        _ = o.apply(.sent)
        #expect(o.apply(.rejected(code: -2010)) == .applied(from: .sent, to: .rejected))
        #expect(o.apply(.rejected(code: -2010)) == .duplicate)
    }
}
