import Testing
import HFTPrimitives
@testable import Execution
import HFTTestSupport

@Suite struct RiskGateTests {
    static let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceUsdm, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3))

    static func limits() throws -> RiskLimits {
        RiskLimits(maxOrderQuantity: try Quantity("2", scale: spec.quantityScale),
                   maxOrderNotional: try RiskLimits.notional("6000", spec: spec),
                   maxPosition: try Quantity("5", scale: spec.quantityScale),
                   maxNotional: try RiskLimits.notional("15000", spec: spec),
                   priceBandBps: 50, maxOrdersPerWindow: 3, rateWindow: .seconds(1), maxOpenOrders: 4,
                   capital: 1_000_000, // 10 000.00 quote
                   maxTickToOrderP99: .microseconds(50))
    }

    static func state(mid: Int64 = 250_000) -> RiskState {
        var s = RiskState()
        s.mid = Price(raw: mid)     // 2500.00
        s.equity = 1_000_000
        s.peakEquity = 1_000_000
        return s
    }

    static func intent(_ side: Side, px: Int64 = 250_000, qty: Int64 = 1_000, reduceOnly: Bool = false, kind: OrderKind = .limit) -> Intent {
        Intent(instrument: spec.id, strategy: StrategyId(raw: 0), side: side, kind: kind, reduceOnly: reduceOnly, price: Price(raw: px), quantity: Quantity(raw: qty))
    }

    @Test func eachReasonIsNamedAndCounted() throws {
        var g = RiskGate(limits: try Self.limits())
        let t = Nanos.seconds(100)
        #expect(g.check(Self.intent(.buy), state: Self.state(), now: t) == .accept)
        #expect(g.check(Self.intent(.buy, qty: 0), state: Self.state(), now: t) == .reject(.invalidQuantity))
        #expect(g.check(Self.intent(.buy, qty: 2_001), state: Self.state(), now: t) == .reject(.maxOrderQuantity))
        #expect(g.check(Self.intent(.buy, px: 251_300), state: Self.state(), now: t) == .reject(.priceBand))
        #expect(g.check(Self.intent(.buy, px: 251_250), state: Self.state(), now: t) == .accept)   // exactly 50 bps
        var s = Self.state()
        s.workingBuy = Quantity(raw: 4_500)
        #expect(g.check(Self.intent(.buy), state: s, now: t) == .reject(.maxPosition))
        s = Self.state()
        s.ownBestAsk = Price(raw: 250_000)
        #expect(g.check(Self.intent(.buy), state: s, now: t) == .reject(.selfTrade))
        s = Self.state()
        s.openOrders = 4
        #expect(g.check(Self.intent(.buy), state: s, now: t) == .reject(.maxOpenOrders))
        #expect(g.check(Self.intent(.sell), state: Self.state(), now: t) == .accept)
        #expect(g.check(Self.intent(.sell), state: Self.state(), now: t) == .reject(.orderRate))   // 3 per second
        #expect(g.check(Self.intent(.sell), state: Self.state(), now: t + .seconds(1)) == .accept)
        s = Self.state()
        s.feedStale = true
        #expect(g.check(Self.intent(.buy), state: s, now: t + .seconds(5)) == .reject(.feedStale))
        s = Self.state()
        s.tickToOrderP99 = .microseconds(51)
        #expect(g.check(Self.intent(.buy), state: s, now: t + .seconds(5)) == .reject(.latencyTrip))
        #expect(g.check(Self.intent(.buy, reduceOnly: true), state: Self.state(), now: t + .seconds(5)) == .reject(.reduceOnlyWouldIncrease))
        #expect(g.check(Self.intent(.buy), state: RiskState(), now: t + .seconds(5)) == .reject(.noReferencePrice))
        g.killSwitch = true
        #expect(g.check(Self.intent(.buy), state: Self.state(), now: t + .seconds(5)) == .reject(.killSwitch))
        #expect(g.rejections(for: .priceBand) == 1 && g.rejections(for: .orderRate) == 1 && g.rejections(for: .killSwitch) == 1)
    }

    @Test func drawdownBreakers() throws {
        var g = RiskGate(limits: try Self.limits())
        var s = Self.state()
        s.position = Quantity(raw: 2_000)
        s.equity = 1_000_000 - 100_000                      // exactly 10 %: stop opening
        #expect(g.check(Self.intent(.buy), state: s, now: .seconds(1)) == .reject(.drawdownOpeningBlocked))
        #expect(g.check(Self.intent(.sell, qty: 1_000), state: s, now: .seconds(1)) == .accept)   // reducing passes
        s.equity = 1_000_000 - 150_000                      // 15 %: halt
        #expect(g.check(Self.intent(.sell, qty: 1_000), state: s, now: .seconds(2)) == .reject(.halted))
        s.equity = 1_000_000
        #expect(g.check(Self.intent(.sell, qty: 1_000), state: s, now: .seconds(3)) == .reject(.halted))   // sticky until resumed
        g.resume()
        #expect(g.check(Self.intent(.sell, qty: 1_000), state: s, now: .seconds(3)) == .accept)
    }

    /// A dry run (the engine's order-path warming) gives the decision `check` would and records
    /// nothing: no rate entry, no count, no halt.
    @Test func dryRunDecidesLikeCheckAndRecordsNothing() throws {
        var g = RiskGate(limits: try Self.limits())
        let t = Nanos.seconds(100)
        for _ in 0..<10 { #expect(g.dryRun(Self.intent(.buy), state: Self.state(), now: t) == .accept) }
        #expect(g.accepted == 0)
        // Three real accepts fill the 3-per-second window; the dry run then sees the rate limit.
        for _ in 0..<3 { #expect(g.check(Self.intent(.buy), state: Self.state(), now: t) == .accept) }
        #expect(g.dryRun(Self.intent(.buy), state: Self.state(), now: t) == .reject(.orderRate))
        #expect(g.rejections(for: .orderRate) == 0)
        #expect(g.check(Self.intent(.buy), state: Self.state(), now: t) == .reject(.orderRate))
        #expect(g.rejections(for: .orderRate) == 1)
        // A drawdown at the halt threshold: the dry run says halted but does not halt the gate.
        var s = Self.state()
        s.equity = 1_000_000 - 150_000
        #expect(g.dryRun(Self.intent(.sell), state: s, now: t + .seconds(2)) == .reject(.halted))
        #expect(!g.halted)
        #expect(g.check(Self.intent(.sell), state: s, now: t + .seconds(2)) == .reject(.halted))
        #expect(g.halted)
    }

    /// Property: whatever the intent and state, an accepted intent breaks no limit (checked by an
    /// independent, plainly written re-statement of each limit).
    @Test func noAcceptedIntentBreaksALimit() throws {
        let limits = try Self.limits()
        var g = RiskGate(limits: limits)
        var rng = SplitMix64(seed: 42)
        var accepted = 0
        var now = Nanos.seconds(1)
        for _ in 0..<200_000 {
            now += Nanos(raw: Int64(rng.next() % 400_000_000))
            var s = RiskState()
            s.mid = Price(raw: Int64(rng.next() % 3) == 0 ? 0 : 240_000 + Int64(rng.next() % 20_000))
            s.position = Quantity(raw: Int64(rng.next() % 12_001) - 6_000)
            s.workingBuy = Quantity(raw: Int64(rng.next() % 3_000))
            s.workingSell = Quantity(raw: Int64(rng.next() % 3_000))
            s.openOrders = Int(rng.next() % 6)
            s.ownBestBid = Price(raw: rng.next() % 2 == 0 ? 0 : 240_000 + Int64(rng.next() % 20_000))
            s.ownBestAsk = Price(raw: rng.next() % 2 == 0 ? 0 : 240_000 + Int64(rng.next() % 20_000))
            s.peakEquity = 1_000_000
            s.equity = 1_000_000 - Int64(rng.next() % 120_000)
            s.feedStale = rng.next() % 10 == 0
            s.tickToOrderP99 = Nanos(raw: Int64(rng.next() % 60_000))
            let side: Side = rng.next() % 2 == 0 ? .buy : .sell
            let kind: OrderKind = rng.next() % 5 == 0 ? .market : .limit
            let i = Self.intent(side, px: 235_000 + Int64(rng.next() % 30_000), qty: Int64(rng.next() % 2_600) - 50,
                                reduceOnly: rng.next() % 7 == 0, kind: kind)
            let d = g.check(i, state: s, now: now)
            guard d == .accept else { continue }
            accepted += 1
            let qty = i.quantity.raw
            let px = kind == .market ? s.mid.raw : i.price.raw
            #expect(qty > 0 && qty <= limits.maxOrderQuantity.raw)
            #expect(s.mid.raw > 0)
            #expect(Int128(px) * Int128(qty) <= limits.maxOrderNotional)
            if kind == .limit {
                #expect(abs(Double(px - s.mid.raw)) / Double(s.mid.raw) <= Double(limits.priceBandBps) / 10_000 + 1e-12)
            }
            let after = side == .buy ? s.position.raw + s.workingBuy.raw + qty : s.position.raw - s.workingSell.raw - qty
            let reducing = abs(after) < abs(s.position.raw) && (after == 0 || (after > 0) == (s.position.raw > 0))
            if !reducing {
                #expect(abs(after) <= limits.maxPosition.raw)
                #expect(!s.feedStale && s.tickToOrderP99 <= limits.maxTickToOrderP99)
                #expect((s.peakEquity - s.equity) * 10_000 < limits.drawdownStopOpeningBps * limits.capital)
            }
            if i.reduceOnly { #expect(reducing) }
            #expect(s.openOrders < limits.maxOpenOrders)
            if side == .buy { #expect(s.ownBestAsk.raw == 0 || (kind == .limit && px < s.ownBestAsk.raw)) }
            else { #expect(s.ownBestBid.raw == 0 || (kind == .limit && px > s.ownBestBid.raw)) }
            if g.halted { g.resume() }
        }
        #expect(accepted > 1_000, "the property must be exercised: \(accepted) accepted")
    }
}

