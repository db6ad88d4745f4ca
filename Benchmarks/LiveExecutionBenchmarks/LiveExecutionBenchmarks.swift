import Benchmark
import Engine
import Foundation
import HFTPrimitives

/// The Execution thread's live path, one order round trip per iteration on the benchmark thread
/// (`LiveExecutionHarness`): intent → risk gate → journal (`admit`, `.sent`) → `LiveOrderRequest`
/// into the gateway ring; then the venue's ack and fill as `LiveVenueReport`s → order manager
/// (journal) → ledger, accounting → two strategy updates. Two duty cycles per iteration. The
/// gateway's own work (signing, the socket) is on the cold thread and not in this loop.
/// 0 mallocs (p99) and 0 retains/releases (p100) per round trip are enforced by thresholds.
let benchmarks: @Sendable () -> Void = {
    let journal = NSTemporaryDirectory() + "hft-live-exec-bench-\(getpid()).journal"
    let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceUsdm, priceScale: DecimalScale(places: 2),
                              quantityScale: DecimalScale(places: 3), tick: 1, lot: 1)
    let harness: LiveExecutionHarness
    do {
        harness = try LiveExecutionHarness(journalPath: journal, spec: spec, mid: Price(raw: 250_000), quantity: Quantity(raw: 10))
        for _ in 0..<100 { _ = harness.roundTrip() }
    } catch {
        fatalError("LiveExecutionBenchmarks setup: \(error)")
    }
    let hot = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .retainCount, .releaseCount, .throughput],
        timeUnits: .nanoseconds, warmupIterations: 100, maxDuration: .seconds(3), maxIterations: 20_000,
        thresholds: [.mallocCountTotal: .init(absolute: [.p99: 0]), .retainCount: .init(absolute: [.p100: 0]),
                     .releaseCount: .init(absolute: [.p100: 0])])
    Benchmark("Execution.LiveOrderRoundTrip", configuration: hot) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(harness.roundTrip()) }
    }
}
