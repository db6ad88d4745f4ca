import Benchmark
import HFTPrimitives
import HFTRuntime
import HFTTestSupport
import MarketData

#if canImport(Glibc)
import Glibc
#endif

/// Book benchmarks (see DESIGN.md budgets):
/// - `OrderBookApplyDiff`: one real USD-M depth diff applied to the book (pre-decoded levels), per diff.
/// - `ReplayUSDM.*`: a whole capture from raw frames through parser + sync + book on one thread,
///   frames loaded in memory first; only the replay is timed. Custom metric: level updates per second.
/// - `BookStagePerFrameUSDM.TSC`: the Book stage's two steps per USD-M depth frame, each timed
///   with the TSC (`EventTimer`): decode + sync + apply (`BookFeed.ingest`), then the publication
///   four ways: the engine's (Signals reads a snapshot slot of 10 levels per commit, Execution one
///   of 20), the engine's before session 10 (Execution got level events to 20), level events to
///   10 and 20, and level events to 20 on both rings (the publisher before per-ring depths); the
///   rings are read, untimed, after each frame.
/// Data: `$HFT_MARKET_DATA`, else `<package>/../shared/data/market`.

let marketData = MarketDataDirectory.path

/// A recording and its instruments, loaded once (cold).
struct Recording: Sendable {
    var frames: FrameSequence
    var venue: VenueId
    var instruments: [(symbol: String, spec: InstrumentSpec)]
    var routes: [Int]

    init(_ relative: [String], depthOnly: Bool = false) {
        let all = try! RecordingImporter.load(paths: relative.map { marketData + "/" + $0 })
        venue = all.venue!
        instruments = BookReplay.instruments(for: all, venue: venue)
        if depthOnly {
            let marker = Array("depthUpdate".utf8)
            let keep = all.frames.indices.filter { i in
                let f = all.frames[i]
                if f.channel.kind == .restDepthSnapshot { return true }
                return all.frameBytes(i).withUnsafeBytes { b in
                    (0...(b.count - marker.count)).contains { j in (0..<marker.count).allSatisfy { b[j + $0] == marker[$0] } }
                }
            }
            frames = all.selecting(keep)
        } else {
            frames = all
        }
        routes = BookReplay.symbolRoutes(frames, instruments: instruments)
    }
}

/// Replays `r` once on a fresh feed; the feed's construction is outside the measured region.
func replay(_ r: Recording, _ benchmark: Benchmark, rates: Bool) {
    var feed = BookFeed(venue: r.venue, instruments: r.instruments,
                        book: OrderBookConfiguration(invariantCheckInterval: 0))
    let clock = ContinuousClock()
    benchmark.startMeasurement()
    let start = clock.now
    let counters = BookReplay.run(r.frames, routes: r.routes, feed: &feed)
    let elapsed = clock.now - start
    benchmark.stopMeasurement()
    guard rates else { blackHole(counters); return }
    var levels = 0
    for i in 0..<r.instruments.count { levels += feed.syncCounters(InstrumentId(raw: UInt32(i))).appliedLevels }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(.custom("level updates/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(levels) / seconds))
    benchmark.measurement(.custom("frames/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(counters.frames) / seconds))
    blackHole(counters)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(5)
    let zero: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: [.p100: 0]),
        .retainCount: .init(absolute: [.p100: 0]),
        .releaseCount: .init(absolute: [.p100: 0]),
    ]

    Benchmark("OrderBookApplyDiff",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .retainCount, .releaseCount, .throughput],
                                   scalingFactor: .kilo, thresholds: zero)) { benchmark in
        let f = applyFixture
        let (flat, starts, bidCounts, n) = (f.flat, f.starts, f.bidCounts, f.count)
        var book = OrderBook(configuration: OrderBookConfiguration(invariantCheckInterval: 0))
        f.snapshot.0.withUnsafeBufferPointer { b in f.snapshot.1.withUnsafeBufferPointer { a in
            book.replace(tick: TickInference.tick(bids: b, asks: a), bids: b, asks: a)
        } }
        var k = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let s = starts[k], m = bidCounts[k], e = starts[k + 1]
            book.apply(bids: UnsafeBufferPointer(rebasing: flat[s..<(s + m)]), asks: UnsafeBufferPointer(rebasing: flat[(s + m)..<e]))
            k = k + 1 == n ? 0 : k + 1
        }
        benchmark.stopMeasurement()
        blackHole(book.bestBid)
    }

    let ingestMetric = BenchmarkMetric.custom("decode + apply per depth frame (TSC) (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let publishMetrics = [BenchmarkMetric.custom("publish, snapshot 10 + snapshot 20 (TSC) (ns)", polarity: .prefersSmaller, useScalingFactor: false),
                          BenchmarkMetric.custom("publish, snapshot 10 + levels 20 (TSC) (ns)", polarity: .prefersSmaller, useScalingFactor: false),
                          BenchmarkMetric.custom("publish, levels 10 + 20 (TSC) (ns)", polarity: .prefersSmaller, useScalingFactor: false),
                          BenchmarkMetric.custom("publish, levels 20 + 20 (TSC) (ns)", polarity: .prefersSmaller, useScalingFactor: false)]
    Benchmark("BookStagePerFrameUSDM.TSC", configuration: .init(metrics: [ingestMetric] + publishMetrics,
                                                                warmupIterations: 1, maxIterations: 6)) { benchmark in
        bookStagePerFrame(usdm, benchmark, ingest: ingestMetric, publish: publishMetrics)
    }

    // ARC/malloc counting and custom metrics cannot share a benchmark here (the ARC hook crashes the
    // runner's metric comparison), so each recording has a counted run and a rate run.
    let counted: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .retainCount, .releaseCount]
    let rate: [BenchmarkMetric] = [.wallClock,
                                   .custom("level updates/s", polarity: .prefersLarger, useScalingFactor: false),
                                   .custom("frames/s", polarity: .prefersLarger, useScalingFactor: false)]
    Benchmark("ReplayUSDM.depthOnly.parseOnly.rate", configuration: .init(metrics: rate, maxIterations: 20)) { benchmark in
        parseOnly(usdmDepth, benchmark)
    }
    for (name, recording) in [("ReplayUSDM.allFrames", usdm), ("ReplayUSDM.depthOnly", usdmDepth), ("ReplaySpot2Files.allFrames", spot)] {
        Benchmark("\(name).counted", configuration: .init(metrics: counted, maxIterations: 10, thresholds: zero)) { benchmark in
            replay(recording, benchmark, rates: false)
        }
        Benchmark("\(name).rate", configuration: .init(metrics: rate, maxIterations: 20)) { benchmark in
            replay(recording, benchmark, rates: true)
        }
    }
}

/// One pass over `r` as the Book stage runs it, timing each depth frame's ingest and its publication
/// three ways (see the file's header; `publish` in that order).
func bookStagePerFrame(_ r: Recording, _ benchmark: Benchmark, ingest: BenchmarkMetric, publish: [BenchmarkMetric]) {
    let timer = EventTimer.shared
    var feed = BookFeed(venue: r.venue, instruments: r.instruments, book: OrderBookConfiguration(invariantCheckInterval: 0))
    let r0 = Ring<BookEvent>(capacity: 4096), r1 = Ring<BookEvent>(capacity: 4096), r2 = Ring<BookEvent>(capacity: 4096)
    let r3 = Ring<BookEvent>(capacity: 4096), r4 = Ring<BookEvent>(capacity: 4096), r5 = Ring<BookEvent>(capacity: 4096)
    let r6 = Ring<BookEvent>(capacity: 4096), r7 = Ring<BookEvent>(capacity: 4096)
    let slots = BookSnapshotSlots(ringCapacity: 4096, depth: 10)
    let executionSlots = BookSnapshotSlots(ringCapacity: 4096, depth: 20), beforeSlots = BookSnapshotSlots(ringCapacity: 4096, depth: 10)
    let n = r.instruments.count
    var engine = BookEventPublisher(instrumentCount: n, outputs: [BookEventOutput(ring: r0.producer, snapshots: slots),
                                                                  BookEventOutput(ring: r1.producer, snapshots: executionSlots)])
    var before = BookEventPublisher(instrumentCount: n, outputs: [BookEventOutput(ring: r6.producer, snapshots: beforeSlots),
                                                                  BookEventOutput(ring: r7.producer, depth: 20)])
    var levels = BookEventPublisher(instrumentCount: n, outputs: [BookEventOutput(ring: r2.producer, depth: 10),
                                                                  BookEventOutput(ring: r3.producer, depth: 20)])
    var deep = BookEventPublisher(instrumentCount: n, depth: 20, outputs: [r4.producer, r5.producer])
    let consumers = [r0.consumer, r1.consumer, r2.consumer, r3.consumer, r4.consumer, r5.consumer, r6.consumer, r7.consumer]
    var previousEnd = timer.start()
    benchmark.startMeasurement()
    _ = BookReplay.run(r.frames, routes: r.routes, feed: &feed) { result, f, feed in
        let ingested = timer.nanos(since: previousEnd)
        let timed: Bool
        if case .depth(_, let outcome) = result, outcome == .applied { timed = true } else { timed = false }
        if timed { benchmark.measurement(ingest, ingested) }
        var t = timer.start()
        _ = engine.publish(result, feed: feed, startTime: f.receiveTime)
        if timed { benchmark.measurement(publish[0], timer.nanos(since: t)) }
        t = timer.start()
        _ = before.publish(result, feed: feed, startTime: f.receiveTime)
        if timed { benchmark.measurement(publish[1], timer.nanos(since: t)) }
        t = timer.start()
        _ = levels.publish(result, feed: feed, startTime: f.receiveTime)
        if timed { benchmark.measurement(publish[2], timer.nanos(since: t)) }
        t = timer.start()
        _ = deep.publish(result, feed: feed, startTime: f.receiveTime)
        if timed { benchmark.measurement(publish[3], timer.nanos(since: t)) }
        for c in consumers { _ = c.consume(max: 4096) { blackHole($0.price) } }
        previousEnd = timer.start()
    }
    benchmark.stopMeasurement()
}

/// The same frames through the parser alone (no sync, no book): the share of the replay that is decoding.
func parseOnly(_ r: Recording, _ benchmark: Benchmark) {
    let parser = VenueParser(venue: r.venue, symbols: SymbolTable(r.instruments))!
    var levels = DepthLevelBuffer(capacityPerSide: 5000)
    var trades = TradeBuffer(capacity: 1024)
    var parsedLevels = 0
    let clock = ContinuousClock()
    benchmark.startMeasurement()
    let start = clock.now
    r.frames.withFrames { table, base in
        for f in table where f.channel.kind != .restDepthSnapshot {
            let b = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset &+ f.length)])
            if case .depth = parser.parse(b, receiveTime: f.receiveTime, levels: &levels, trades: &trades) {
                parsedLevels &+= levels.bidCount &+ levels.askCount
            }
        }
    }
    let elapsed = clock.now - start
    benchmark.stopMeasurement()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(.custom("level updates/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(parsedLevels) / seconds))
}

let usdm = Recording(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"])
let usdmDepth = Recording(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"], depthOnly: true)
let spot = Recording(["binance/spot/hftbacktest_spot_ethusdt_20240808.gz", "binance/spot/hftbacktest_spot_ethusdt_20240809.gz"])

/// Every USD-M diff pre-decoded into one flat level buffer (cold, once), plus the snapshot.
// SAFETY: the buffers are written once in `init`, then only read by the single benchmark thread.
struct ApplyFixture: @unchecked Sendable {
    let flat: UnsafeMutableBufferPointer<DepthLevel>
    let starts: UnsafeMutableBufferPointer<Int>
    let bidCounts: UnsafeMutableBufferPointer<Int>
    let count: Int
    let snapshot: ([DepthLevel], [DepthLevel])

    init() {
        // Pre-decode every USD-M diff (cold), load the snapshot, then apply diffs in order, cycling.
        let r = Recording(["binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz"], depthOnly: true)
        var feed = BookFeed(venue: r.venue, instruments: r.instruments, book: OrderBookConfiguration(invariantCheckInterval: 0))
        var diffLevels: [[DepthLevel]] = []
        var diffBidCounts: [Int] = []
        var snap: ([DepthLevel], [DepthLevel]) = ([], [])
        r.frames.withFrames { table, base in
            for f in table {
                let b = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)])
                let result = f.channel.kind == .restDepthSnapshot
                    ? feed.ingestSnapshot(b, instrument: InstrumentId(raw: 0), receiveTime: .zero)
                    : feed.ingest(b, receiveTime: .zero)
                guard case .depth = result else { continue }
                if feed.lastDepthHeader.kind == .snapshot {
                    snap = (Array(feed.levels.bids), Array(feed.levels.asks))
                } else {
                    diffLevels.append(Array(feed.levels.bids) + Array(feed.levels.asks))
                    diffBidCounts.append(feed.levels.bidCount)
                }
            }
        }
        // Flatten into one buffer so the loop touches no Array (no retain/release).
        let total = diffLevels.reduce(0) { $0 + $1.count }
        let flat = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: total)
        let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: diffLevels.count + 1)
        let bidCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: diffLevels.count)
        var o = 0
        for (i, d) in diffLevels.enumerated() {
            starts[i] = o
            bidCounts[i] = diffBidCounts[i]
            for l in d { flat[o] = l; o += 1 }
        }
        starts[diffLevels.count] = o
        self.flat = flat
        self.starts = starts
        self.bidCounts = bidCounts
        self.count = diffLevels.count
        self.snapshot = snap
    }
}

let applyFixture = ApplyFixture()
