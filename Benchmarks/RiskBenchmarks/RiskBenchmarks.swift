import Benchmark
import Execution
import HFTPrimitives
#if canImport(Glibc)
import Glibc
#endif

/// `RiskGate.check` per intent. Prices at 2 places, quantities at 3 (a BTCUSDT-like instrument).
/// Each scaled iteration checks one intent from a pre-built set of 1 024 (buys and sells at
/// varying prices and sizes), so branch history does not collapse onto one intent.
let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceUsdm, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3))

func limits() -> RiskLimits {
    RiskLimits(maxOrderQuantity: Quantity(raw: 5_000), maxOrderNotional: Int128(50_000) * 100 * 1_000,
               maxPosition: Quantity(raw: 50_000), maxNotional: Int128(500_000) * 100 * 1_000,
               priceBandBps: 100, maxOrdersPerWindow: 64, rateWindow: Nanos(raw: 1), maxOpenOrders: 50,
               capital: 10_000_000, maxTickToOrderP99: .microseconds(50))
}

func state() -> RiskState {
    var s = RiskState()
    s.mid = Price(raw: 5_000_000)
    s.position = Quantity(raw: 1_000)
    s.workingBuy = Quantity(raw: 2_000)
    s.workingSell = Quantity(raw: 1_000)
    s.openOrders = 3
    s.ownBestBid = Price(raw: 4_999_000)
    s.ownBestAsk = Price(raw: 5_001_000)
    s.equity = 10_000_000
    s.peakEquity = 10_200_000
    s.tickToOrderP99 = .microseconds(10)
    return s
}

/// Intents that pass every check (buys below our best ask, sells above our best bid, in the band).
func intents() -> [Intent] {
    (0..<1_024).map { i in
        let side: Side = i % 2 == 0 ? .buy : .sell
        let offset = Int64(i % 37) * 100
        let px = side == .buy ? 4_990_000 - offset : 5_010_000 + offset
        return Intent(instrument: spec.id, strategy: StrategyId(raw: 1), side: side, price: Price(raw: px), quantity: Quantity(raw: 1 + Int64(i % 997)))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(3)
    let zero: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: [.p100: 0]),
        .retainCount: .init(absolute: [.p100: 0]),
        .releaseCount: .init(absolute: [.p100: 0]),
    ]
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .retainCount, .releaseCount, .throughput]

    // Every check runs and the intent is accepted (the rate window is 1 ns and time advances).
    Benchmark("RiskGate.check.acceptAllChecks", configuration: .init(metrics: metrics, scalingFactor: .kilo, thresholds: zero)) { benchmark in
        let batch = intents()
        var gate = RiskGate(limits: limits())
        let s = state()
        var now = Nanos.seconds(1)
        var accepted = 0
        batch.withUnsafeBufferPointer { b in
            var k = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                now.raw &+= 2
                if gate.check(b[k], state: s, now: now) == .accept { accepted &+= 1 }
                k = (k &+ 1) & 1_023
            }
            benchmark.stopMeasurement()
        }
        precondition(accepted == benchmark.scaledIterations.count, "every intent must pass: \(accepted)")
        blackHole(gate.accepted)
    }

    // Every check runs and the last one (order rate) rejects: the longest rejecting path.
    Benchmark("RiskGate.check.rejectAtRate", configuration: .init(metrics: metrics, scalingFactor: .kilo, thresholds: zero)) { benchmark in
        let batch = intents()
        var l = limits()
        l.maxOrdersPerWindow = 1
        l.rateWindow = .seconds(3_600)
        var gate = RiskGate(limits: l)
        let s = state()
        let now = Nanos.seconds(1)
        _ = gate.check(batch[0], state: s, now: now)
        var rejected = 0
        batch.withUnsafeBufferPointer { b in
            var k = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                if gate.check(b[k], state: s, now: now) == .reject(.orderRate) { rejected &+= 1 }
                k = (k &+ 1) & 1_023
            }
            benchmark.stopMeasurement()
        }
        precondition(rejected == benchmark.scaledIterations.count, "every intent must hit the rate limit: \(rejected)")
        blackHole(gate.rejections(for: .orderRate))
    }

    orderManagerBenchmarks()
}

/// One order's life through the journaled `OrderManager`: admit (intent record), sent, ack, fill
/// — four 80-byte journal records (encoded into the memory-mapped journal, fsync policy `none`)
/// per iteration. Proves the OMS path allocates and retains nothing. Each fill ends the order at
/// our own best bid, so the own best price is recomputed: from the working-order list since
/// `WorkingSlotList` (p50 637 / 659 ns → 171 / 166 ns per iteration, 2 runs each, the table
/// scan of 1 024 slots before it against the list after it).
let orderManagerBenchmarks: @Sendable () -> Void = {
    let zero: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: [.p100: 0]),
        .retainCount: .init(absolute: [.p100: 0]),
        .releaseCount: .init(absolute: [.p100: 0]),
    ]
    Benchmark("OrderManager.admitSentAckFill.journaled", configuration: .init(metrics: [.wallClock, .mallocCountTotal, .retainCount, .releaseCount, .throughput],
                                                                               scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 20, thresholds: zero)) { benchmark in
        let path = "/tmp/hft-risk-bench-journal-\(getpid()).log"
        unlink(path)
        defer { unlink(path) }
        guard var m = try? OrderManager.open(OrderManagerConfiguration(journalPath: path, fsync: .none, capacity: 1_024)) else {
            fatalError("cannot open the benchmark journal at \(path)")
        }
        let batch = intents()
        var k = 0
        var filled = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let i = batch[k]
            k = (k &+ 1) & 1_023
            guard case .admitted(let id) = m.admit(i, now: .zero) else { continue }
            _ = m.apply(.sent, to: id, now: .zero)
            _ = m.apply(.acked(VenueOrderId(raw: id.raw)), to: id, now: .zero)
            if m.apply(.fill(price: i.price, quantity: i.quantity, fee: 1, isMaker: true), to: id, now: .zero).isApplied { filled &+= 1 }
        }
        benchmark.stopMeasurement()
        precondition(filled == benchmark.scaledIterations.count, "every order must fill: \(filled)")
        blackHole(m.journalSequence)
    }
}
