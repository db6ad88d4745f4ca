import Benchmark
import CSimdjson
import HFTPrimitives
import MarketData

#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in ns (vDSO, ≈ 20 ns per call; read once per block of 16 messages).
@inline(__always)
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Decoding real Binance depth diffs: our `BinanceParser` (decimal strings → fixed point, header,
/// every level into the preallocated buffer) against simdjson On-Demand walking the same fields
/// (U, u, E and every price and quantity string via get_string) over the same bytes, same run.
/// One sample = one pass over the whole capture's diffs (3,434 spot / 6,586 USD-M messages); divide
/// by the message / level counts printed at start-up for per-message and per-level cost. Malloc and
/// retain counts per sample equal `Baseline.EmptySample`'s: none come from the thousands of parses.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(4)
    Benchmark.defaultConfiguration.maxIterations = 2_000

    let corpora = [
        DepthCorpus(name: "Spot", relativePath: "binance/spot/hftbacktest_spot_ethusdt_20240808.gz", venue: .binanceSpot),
        DepthCorpus(name: "UsdM", relativePath: "binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz", venue: .binanceUsdm),
    ]
    // Every sample of this harness, even an empty one, counts 16 mallocs and 2 retains around the
    // measured loop (see Baseline.EmptySample). A parse that allocated or retained even once would add
    // 3,434 / 6,586 per sample, so anything above the empty sample's counts fails `thresholds check`.
    let zeroAllocations: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: [.p100: 16]),
        .retainCount: .init(absolute: [.p100: 2]),
    ]
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .retainCount, .releaseCount]

    // The harness's own per-sample cost (its counters include a constant number of mallocs and
    // retains around every sample): subtract it from the rows below; parse adds nothing to it.
    Benchmark("Baseline.EmptySample", configuration: .init(metrics: metrics, timeUnits: .microseconds)) { benchmark in
        let table = corpora[0].table
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(table.count)
        }
        benchmark.stopMeasurement()
    }

    for corpus in corpora {
        print(corpus.describe())

        Benchmark("BinanceDepthDiff.\(corpus.name).Swift",
                  configuration: .init(metrics: metrics, timeUnits: .microseconds, thresholds: zeroAllocations)) { benchmark in
            let parser = BinanceParser(symbols: SymbolTable([(symbol: corpus.symbol, spec: corpus.spec)]))
            var levels = DepthLevelBuffer(capacityPerSide: 5_000)
            var trades = TradeBuffer(capacity: 16)
            let arena = corpus.arena
            let table = corpus.table
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var sum: Int64 = 0
                for i in 0..<table.count {
                    let (offset, length) = table[i]
                    let result = parser.parse(UnsafeRawBufferPointer(start: arena + offset, count: length), receiveTime: .zero,
                                              levels: &levels, trades: &trades)
                    if case .depth(let h) = result { sum &+= Int64(h.bidCount) &+ Int64(h.finalUpdateId & 1) }
                    if levels.bidCount > 0 { sum &+= levels.bids[0].price.raw }
                }
                blackHole(sum)
            }
            // Teardown (buffers, symbol table) is not part of the measurement.
            benchmark.stopMeasurement()
        }

        // Both decoders interleaved over the same bytes in the same sample: blocks of 16 messages,
        // each block parsed by one decoder then the other (which goes first alternates per block),
        // so machine noise hits both alike. Reports ns per message for each and the throughput
        // ratio Swift / simdjson ×1000 (≥ 1000 meets the budget) per sample.
        let swiftNs = BenchmarkMetric.custom("Swift ns/msg")
        let simdjsonNs = BenchmarkMetric.custom("simdjson ns/msg")
        let ratio = BenchmarkMetric.custom("ratio x1000 (Swift/simdjson thrpt)", polarity: .prefersLarger, useScalingFactor: false)
        Benchmark("BinanceDepthDiff.\(corpus.name).Interleaved",
                  configuration: .init(metrics: [swiftNs, simdjsonNs, ratio], maxDuration: .seconds(6), maxIterations: 40)) { benchmark in
            let parser = BinanceParser(symbols: SymbolTable([(symbol: corpus.symbol, spec: corpus.spec)]))
            var levels = DepthLevelBuffer(capacityPerSide: 5_000)
            var trades = TradeBuffer(capacity: 16)
            guard let sj = hft_simdjson_parser_create(1 << 20) else { fatalError("simdjson parser") }
            defer { hft_simdjson_parser_destroy(sj) }
            let padding = hft_simdjson_padding()
            let arena = corpus.arena
            let table = corpus.table
            var out = hft_simdjson_depth()
            for _ in benchmark.scaledIterations {
                var swiftTotal: UInt64 = 0
                var simdjsonTotal: UInt64 = 0
                var sum: UInt64 = 0
                var block = 0
                while block < table.count {
                    let blockEnd = min(block + 16, table.count)
                    for turn in 0..<2 {
                        let runSwift = (turn == 0) == ((block >> 4) & 1 == 0)
                        let t0 = monotonicNanos()
                        for i in block..<blockEnd {
                            let (offset, length) = table[i]
                            if runSwift {
                                let r = parser.parse(UnsafeRawBufferPointer(start: arena + offset, count: length), receiveTime: .zero,
                                                     levels: &levels, trades: &trades)
                                if case .depth(let h) = r { sum &+= UInt64(h.bidCount) }
                            } else {
                                let code = hft_simdjson_parse_depth(sj, (arena + offset).assumingMemoryBound(to: CChar.self), length,
                                                                    length + padding, &out)
                                sum &+= UInt64(code) &+ out.bid_count
                            }
                        }
                        let t1 = monotonicNanos()
                        if runSwift { swiftTotal &+= t1 &- t0 } else { simdjsonTotal &+= t1 &- t0 }
                    }
                    block = blockEnd
                }
                blackHole(sum)
                let n = UInt64(table.count)
                benchmark.measurement(swiftNs, Int(swiftTotal / n))
                benchmark.measurement(simdjsonNs, Int(simdjsonTotal / n))
                benchmark.measurement(ratio, Int(simdjsonTotal &* 1000 / max(swiftTotal, 1)))
            }
        }

        Benchmark("BinanceDepthDiff.\(corpus.name).simdjson",
                  configuration: .init(metrics: metrics, timeUnits: .microseconds)) { benchmark in
            guard let parser = hft_simdjson_parser_create(1 << 20) else { fatalError("simdjson parser") }
            defer { hft_simdjson_parser_destroy(parser) }
            let padding = hft_simdjson_padding()
            let arena = corpus.arena
            let table = corpus.table
            var out = hft_simdjson_depth()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                var sum: UInt64 = 0
                for i in 0..<table.count {
                    let (offset, length) = table[i]
                    let code = hft_simdjson_parse_depth(parser, (arena + offset).assumingMemoryBound(to: CChar.self), length,
                                                        length + padding, &out)
                    sum &+= UInt64(code) &+ out.bid_count &+ out.string_bytes
                }
                blackHole(sum)
            }
            benchmark.stopMeasurement()
        }
    }
}
