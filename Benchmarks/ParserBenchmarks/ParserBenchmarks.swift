import Benchmark
import CSimdjson
import HFTPrimitives
import MarketData

/// Decoding real Binance depth diffs: our `BinanceParser` (decimal strings → fixed point, header,
/// every level into the preallocated buffer) against simdjson On-Demand walking the same fields
/// (U, u, E and every price and quantity string via get_string) over the same bytes, same run.
/// One sample = one pass over the whole capture's diffs; divide by the message / level counts
/// printed at start-up for per-message and per-level cost.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(4)
    Benchmark.defaultConfiguration.maxIterations = 2_000

    let corpora = [
        DepthCorpus(name: "Spot", relativePath: "binance/spot/hftbacktest_spot_ethusdt_20240808.gz", venue: .binanceSpot),
        DepthCorpus(name: "UsdM", relativePath: "binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz", venue: .binanceUsdm),
    ]
    let zeroAllocations: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: [.p100: 0]),
        .retainCount: .init(absolute: [.p100: 0]),
        .releaseCount: .init(absolute: [.p100: 0]),
    ]
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .retainCount, .releaseCount]

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
        }
    }
}
