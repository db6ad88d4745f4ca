import Analytics
import CSystemShims
import Execution
import Foundation
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
import Inference
import MarketData
import StrategyABI
import Synchronization
import Venues

/// The whole pipeline of DESIGN.md built from an `EngineConfig`:
///
/// ```
///  venue ws ─► Feed ══ByteRing══► Book ══Ring══► Signals ══Ring══► Strategy ══Ring══► Execution ─► paper venue
///  (or ReplaySource)              └═══════════════Ring (book events)════════════════►┘    ◄══Ring══ order updates
/// ```
/// Live and paper: a `FeedHandler` (websocket service thread → Book stage on its pinned thread);
/// replay: a `ReplaySource` agent writes the capture into the same Book stage. Threads and cores
/// come from `config.topology`; in replay every stage shares one thread, so the same capture gives
/// the same decisions byte for byte.
///
/// Lifecycle: `init` (allocates everything; loads plugin and models) → `start` → (`waitForReplay`)
/// → `shutdown` (stop intents, cancel working orders, settle, flush the journal, stop threads).
public final class TradingEngine: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): the rings and stages are created in init and never replaced;
    // rings are used by exactly one producer and one consumer thread each (the stages'); the
    // mutable lifecycle state is guarded by `lifecycle`.
    public let config: EngineConfig
    public let telemetry: TelemetryRegistry
    public let hops: StandardHopIds
    public let counters: EngineCounters
    public let schema: FeatureSchema
    public let instruments: [(symbol: String, spec: InstrumentSpec)]
    public let traded: InstrumentId
    let bookToSignals: Ring<BookEvent>
    let bookToExecution: Ring<BookEvent>
    let signalsToStrategy: Ring<SignalTick>
    let strategyToExecution: Ring<StrategyCommand>
    let executionToStrategy: Ring<hft_fill>
    let slots: SignalSlots
    public let signals: SignalStage
    public let strategy: StrategyStage
    public let execution: ExecutionStage
    /// The live venue (Binance USD-M with credentials); nil when the engine can only trade on paper.
    public let liveVenue: LiveVenue?
    /// Live and paper.
    public let feed: FeedHandler?
    /// Replay.
    let replayRing: ByteRing?
    public let replaySource: ReplaySource?
    public let replayBook: BookStage?
    let replayStatus: FeedStatus?
    let threads: [PinnedThread]
    /// Warnings of the topology (busy-spin downgraded to backoff when cores are short, …).
    public let topologyWarnings: [String]
    public let effectiveTopology: Topology
    let lifecycle = Mutex<(started: Bool, stopped: Bool)>((false, false))
    let modeState: Mutex<TradingModeSwitch>

    /// Builds the engine. `captures` (replay) are read now; live and paper connect in `start`.
    ///   - pacedRate: benchmark: replay `captures` at this fixed rate (frames/s) through the configured
    ///     topology, each frame stamped with its intended send time (see `ReplaySource`).
    ///   - closedLoop: benchmark: replay `captures` one frame per duty cycle of the source's thread,
    ///     each stamped with its write time (`ReplaySource.closedLoop`; `pacedRate` is then unused).
    public init(config: EngineConfig, captures: [String] = [], pacedRate: Int? = nil, closedLoop: Bool = false) throws {
        self.config = config
        let validation = try config.topology.validate(knownStages: Set(Topology.pipelineStages))
        topologyWarnings = validation.warnings.map { "\($0)" }
        let fromCapture = config.mode == .replay || pacedRate != nil || closedLoop
        let deterministic = config.mode == .replay && pacedRate == nil && !closedLoop
        let topology = deterministic ? Self.replayTopology(validation.effective) : validation.effective
        effectiveTopology = topology
        telemetry = TelemetryRegistry()
        hops = telemetry.registerStandardHops()
        let qBookToSignals = telemetry.registerHop("queue.book→signals")
        let tradeFeatures = telemetry.registerHop("features.trade")
        let vectorRefresh = telemetry.registerHop("features.refresh")
        let qSignalsToStrategy = telemetry.registerHop("queue.signals→strategy")
        let orderTickToSignal = telemetry.registerHop("order.tick→signal")
        let orderTickToDecision = telemetry.registerHop("order.tick→decision")
        let orderTickToRisk = telemetry.registerHop("order.tick→risk")
        counters = EngineCounters(telemetry)
        let (_, schema) = FeatureLayout.make(imbalanceLevels: config.analytics.imbalanceLevels, ofiLevels: config.analytics.ofiLevels,
                                             hmmStates: config.analytics.hmm?.states ?? 0)
        self.schema = schema

        // Instruments: the config's, or in replay the ones the capture holds (scales inferred from it).
        var frames: FrameSequence? = nil
        if fromCapture {
            guard !captures.isEmpty else { throw EngineError.noCapture }
            let f = try RecordingImporter.load(paths: captures)
            guard f.venue != nil else { throw EngineError.captureWithoutVenue }
            frames = f
            // Scales come from the capture; the tick and lot from the config when it names the symbol
            // (a capture only shows prices, not the venue's tick), expressed at the capture's scales.
            instruments = BookReplay.instruments(for: f, venue: f.venue!).map { entry in
                var spec = entry.spec
                if let c = config.instruments.first(where: { $0.symbol == entry.symbol })?.spec {
                    let dp = spec.priceScale.places - c.priceScale.places
                    let dq = spec.quantityScale.places - c.quantityScale.places
                    if dp >= 0 && dq >= 0 {
                        spec.tick = c.tick * DecimalScale.pow10(dp)
                        spec.lot = c.lot * DecimalScale.pow10(dq)
                    }
                }
                return (entry.symbol, spec)
            }
        } else {
            instruments = config.instruments.map { ($0.symbol, $0.spec) }
        }
        guard let t = instruments.firstIndex(where: { $0.symbol == config.strategy.symbol }) else {
            throw EngineError.symbolNotInFeed(config.strategy.symbol, instruments.map(\.symbol))
        }
        traded = InstrumentId(raw: UInt32(t))
        let spec = instruments[t].spec
        let venueId = fromCapture ? frames!.venue! : config.venue
        // The config states limits at its own scales; a capture's inferred scales may differ.
        var limits = config.limits
        var positionLimit = config.positionLimit
        if fromCapture, let configured = config.instruments.first(where: { $0.symbol == config.strategy.symbol }) {
            (limits, positionLimit) = Self.rescale(limits, positionLimit, from: configured.spec, to: spec)
        }

        // Models and plugin (cold; every mismatch is an error here, never later).
        let expected = ExpectedFeatureSchema(id: schema.id, version: schema.version, names: schema.names)
        let tcnBundle = try config.models.tcn.map { try ModelBundle(directory: $0, expecting: expected) }
        let tabnetBundle = try config.models.tabnet.map { try ModelBundle(directory: $0, expecting: expected) }
        // TabNet runs in Signals on every tick only with `tabnetEveryTick`; otherwise the strategy
        // pulls it through `model_evaluate` on the ticks whose decision uses it (DESIGN.md).
        let models = try SignalModels(tcnBundle: tcnBundle, tabnetBundle: config.models.tabnetEveryTick ? tabnetBundle : nil,
                                      instruments: instruments.count, featureCount: schema.count,
                                      classReturnScale: Float(config.models.classReturnScale))
        let onDemand = try tabnetBundle.map {
            try SignalModels(tcnBundle: nil, tabnetBundle: $0, instruments: 1, featureCount: schema.count,
                             classReturnScale: Float(config.models.classReturnScale))
        }
        var policy: PPOPolicy? = nil
        if let ppo = config.models.ppo { policy = try PPOPolicy(bundle: try ModelBundle(directory: ppo)) }
        let services = StrategyHostServices(featureNames: schema.names, policy: policy, onDemand: onDemand,
                                            schemaId: hft_strategy_schema_id_value(schema.id))
        let plugin = try StrategyPlugin(path: Self.resolvePlugin(config.strategy.plugin), featureSchemaId: schema.id)
        let instance = try StrategyInstance(plugin: plugin, config: config.strategy.configJSON, services: services)

        // Rings and slots.
        let capacity = config.ringCapacity
        bookToSignals = Ring(capacity: capacity)
        bookToExecution = Ring(capacity: capacity)
        signalsToStrategy = Ring(capacity: capacity)
        strategyToExecution = Ring(capacity: capacity)
        executionToStrategy = Ring(capacity: capacity)
        slots = SignalSlots(ringCapacity: capacity, featureCount: schema.count)
        // Signals reads, at each commit, the slot holding the levels its features and the
        // strategy's view use; Execution, the slot holding the top `bookDepth` levels it mirrors
        // for the paper venue (a copy per commit instead of a level event per changed level: the
        // Book stage's publication is on every tick's path, Execution's catching up is not, as it
        // takes commands before book events). The commits are the same on both rings.
        let signalsDepth = min(config.bookDepth, max(Int(HFT_STRATEGY_MAX_LEVELS), config.analytics.imbalanceLevels,
                                                     config.analytics.ofiLevels, config.analytics.wallLevels))
        let books = BookSnapshotSlots(ringCapacity: capacity, depth: signalsDepth)
        let executionBooks = BookSnapshotSlots(ringCapacity: capacity, depth: config.bookDepth)
        let downstream = [BookEventOutput(ring: bookToSignals.producer, snapshots: books),
                          BookEventOutput(ring: bookToExecution.producer, snapshots: executionBooks)]

        // Threads: one per topology thread; the Book stage's thread is the feed handler's own (live).
        func thread(for stage: String) -> Topology.Thread {
            topology.thread(running: stage) ?? topology.threads[topology.threads.count - 1]
        }
        let bookThread = thread(for: "book")
        var pinned: [String: PinnedThread] = [:]
        let feedHandler: FeedHandler?
        if fromCapture {
            feedHandler = nil
            let ring = ByteRing(capacity: 1 << 24, maxRecordLength: 1 << 20)
            let t = try PinnedThread(name: "hft-\(bookThread.name)", core: bookThread.core, idle: bookThread.idle)
            pinned[bookThread.name] = t
            let sourceThread: PinnedThread
            let feedThread = thread(for: "feed")
            if let existing = pinned[feedThread.name] {
                sourceThread = existing
            } else {
                sourceThread = try PinnedThread(name: "hft-\(feedThread.name)", core: feedThread.core, idle: feedThread.idle)
                pinned[feedThread.name] = sourceThread
            }
            let status = FeedStatus(instrumentCount: instruments.count)
            let routes = BookReplay.symbolRoutes(frames!, instruments: instruments)
            replaySource = ReplaySource(on: sourceThread, frames: frames!, routes: routes, writer: ring.writer, rate: pacedRate, closedLoop: closedLoop)
            replayBook = BookStage(venue: venueId, instruments: instruments, reader: ring.reader, status: status, on: t,
                                   downstream: downstream, captureChannels: true)
            replayStatus = status
            replayRing = consume ring
        } else {
            let feedThread = thread(for: "feed")
            var feedConfig = VenueFeedConfig(venue: venueId, instruments: instruments, streamBaseOverride: config.streamURL,
                                             restBaseOverride: config.restURL, allowInsecureLoopbackTLS: config.insecureLoopbackTLS,
                                             bookCore: bookThread.core, serviceCore: feedThread.core)
            feedConfig.sendSchedule = config.sendSchedule
            let handler = try FeedHandler(config: feedConfig, idle: bookThread.idle,
                                          downstream: downstream)
            feedHandler = handler
            pinned[bookThread.name] = handler.thread
            replaySource = nil
            replayBook = nil
            replayStatus = nil
            replayRing = nil
        }
        feed = feedHandler
        func pinnedThread(for stage: String) throws -> PinnedThread {
            let t = thread(for: stage)
            if let existing = pinned[t.name] { return existing }
            let made = try PinnedThread(name: "hft-\(t.name)", core: t.core, idle: t.idle)
            pinned[t.name] = made
            return made
        }
        let signalsThread = try pinnedThread(for: "signals")
        let strategyThread = try pinnedThread(for: "strategy")
        let executionThread = try pinnedThread(for: "execution")

        signals = try SignalStage(on: signalsThread, input: bookToSignals.consumer, books: books, output: signalsToStrategy.producer, slots: slots,
                                  venue: venueId, specs: instruments.map(\.spec), analytics: config.analytics, microPrice: nil,
                                  schemaId: schema.id, models: models, runTabNet: config.models.tabnetEveryTick,
                                  conflate: !deterministic, replay: deterministic, measuresWire: !fromCapture,
                                  recorder: telemetry.makeRecorder(name: "signals"), hops: hops, queueBookToSignals: qBookToSignals,
                                  tradeFeatures: tradeFeatures, vectorRefresh: vectorRefresh, counters: counters)
        strategy = StrategyStage(on: strategyThread, input: signalsToStrategy.consumer, updates: executionToStrategy.consumer,
                                 output: strategyToExecution.producer, slots: slots, strategy: instance, services: services,
                                 instrumentCount: instruments.count, positionLimit: positionLimit,
                                 timerInterval: .milliseconds(Int64(config.strategy.timerMillis)),
                                 recorder: telemetry.makeRecorder(name: "strategy"), hops: hops, queueSignalsToStrategy: qSignalsToStrategy,
                                 orderTickToSignal: orderTickToSignal, orderTickToDecision: orderTickToDecision,
                                 counters: counters, warmModelsAfterIdlePolls: config.warmModels ? StrategyStage.warmModelsIdlePolls : 0)
        if config.journalPath.contains("/") {
            try FileManager.default.createDirectory(atPath: (config.journalPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        if fromCapture { try? FileManager.default.removeItem(atPath: config.journalPath) }
        // Replays number orders from 1 (byte-identical journals); everything else from a wall-clock
        // base, so a fresh journal never reuses a wire id an earlier run left at the venue.
        let firstId = config.mode == .replay ? 1 : OrderManagerConfiguration.sessionBase(unixSeconds: hft_realtime_ns() / 1_000_000_000)
        let oms = try OrderManager.open(OrderManagerConfiguration(journalPath: config.journalPath, fsync: config.fsync,
                                                                  maxInstruments: max(16, instruments.count), firstClientOrderId: firstId))
        var fees = FeeSchedule(tiers: [FeeTier(minimumVolume: 0, makerRate: config.paper.makerRatePpm, takerRate: config.paper.takerRatePpm)])
        _ = fees.fee(price: .zero, quantity: .zero, isMaker: true, spec: spec)
        let venue = PaperVenue(configuration: PaperVenueConfiguration(spec: spec, queueModel: config.paper.queueModel), fees: fees,
                               latency: LatencyModel(entry: config.paper.entryLatency, response: config.paper.responseLatency))
        let live = fromCapture ? nil : try Self.makeLiveVenue(config: config, spec: spec)
        liveVenue = live
        execution = ExecutionStage(on: executionThread, commands: strategyToExecution.consumer, book: bookToExecution.consumer,
                                   bookSlots: executionBooks,
                                   output: executionToStrategy.producer, instrumentTicks: instruments.map(\.spec.tick), traded: traded, spec: spec,
                                   venueId: venueId, venue: venue, limits: limits, oms: oms, realtimeClock: !deterministic,
                                   recorder: telemetry.makeRecorder(name: "execution"), hops: hops, counters: counters,
                                   instrumentSpecs: instruments.map(\.spec), capital: config.accountingCapital,
                                   liveRequests: live?.requestProducer, liveReports: live?.reportConsumer,
                                   paperAllowed: config.mode != .live, orderTickToRisk: orderTickToRisk,
                                   warmOrderPath: config.warmOrderPath)

        // Attach in path order (within a thread, agents are polled in attach order).
        if let replaySource, let replayBook {
            try replaySource.pinnedExecutor === pinned[bookThread.name]!.executor
                ? pinned[bookThread.name]!.attach(replaySource) : pinned[thread(for: "feed").name]!.attach(replaySource)
            try pinned[bookThread.name]!.attach(replayBook)
        }
        try signalsThread.attach(signals)
        try strategyThread.attach(strategy)
        try executionThread.attach(execution)
        var ordered: [PinnedThread] = []
        for t in topology.threads { if let p = pinned[t.name], !ordered.contains(where: { $0 === p }) { ordered.append(p) } }
        threads = ordered
        var modes = TradingModeSwitch()
        if config.mode == .live {
            try modes.arm(hasCredentials: true, hasRiskLimits: true)
        }
        modeState = Mutex(modes)
    }

    /// `limits` and `positionLimit` stated at `from`'s scales, expressed at `to`'s.
    static func rescale(_ limits: RiskLimits, _ positionLimit: Int64, from: InstrumentSpec, to: InstrumentSpec) -> (RiskLimits, Int64) {
        let dq = to.quantityScale.places - from.quantityScale.places
        let dn = dq + to.priceScale.places - from.priceScale.places
        func scale(_ v: Int64, _ d: Int) -> Int64 {
            d >= 0 ? v.multipliedReportingOverflow(by: DecimalScale.pow10(d)).partialValue : v / DecimalScale.pow10(-d)
        }
        func scale(_ v: Int128, _ d: Int) -> Int128 {
            guard v != .max else { return .max }
            return d >= 0 ? v * Int128(DecimalScale.pow10(d)) : v / Int128(DecimalScale.pow10(-d))
        }
        var l = limits
        l.maxOrderQuantity = Quantity(raw: scale(l.maxOrderQuantity.raw, dq))
        l.maxPosition = Quantity(raw: scale(l.maxPosition.raw, dq))
        l.maxOrderNotional = scale(l.maxOrderNotional, dn)
        l.maxNotional = scale(l.maxNotional, dn)
        l.capital = scale(l.capital, dn)
        return (l, scale(positionLimit, dq))
    }

    /// In replay every stage runs on one thread (deterministic duty-cycle order).
    static func replayTopology(_ t: Topology) -> Topology {
        let last = t.thread(running: "execution") ?? t.threads[t.threads.count - 1]
        return Topology(threads: [Topology.Thread(name: "replay", core: last.core, idle: .backoff(), stages: Topology.pipelineStages)])
    }

    /// A plugin path, or a bare product name (`RegimeScalper`) looked up as `lib<Name>.so` next to
    /// the running executable, then in the build directories.
    public static func resolvePlugin(_ name: String) -> String {
        if name.contains("/") { return name }
        let file = "lib\(name).so"
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let dir = (exe as NSString).deletingLastPathComponent
        for candidate in [dir + "/" + file, ".build/release/" + file, ".build/debug/" + file] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return dir + "/" + file
    }

    /// Starts the threads (downstream first), then the feed (live) or the replay.
    public func start() throws {
        try lifecycle.withLock { (s) throws in
            precondition(!s.started, "an engine starts once")
            s.started = true
            for t in threads.reversed() where t !== feed?.thread { try t.start() }
            if let feed { try feed.start() }
        }
        if config.mode == .live { Task.detached { await self.startLiveSession() } }
    }

    /// Deterministic replay driven by the caller instead of `start`: binds the replay thread's
    /// executor to the calling thread; then each `step()` is one duty cycle (source, book,
    /// signals, strategy, execution, in that order). For benchmarks and single-stepping tests.
    public func adoptCallingThread() throws {
        guard config.mode == .replay, threads.count == 1 else { throw EngineError.modeRefused("only a deterministic replay can be stepped") }
        try lifecycle.withLock { (s) throws in
            precondition(!s.started, "an engine starts once")
            s.started = true
            try threads[0].adoptCallingThread()
        }
    }

    /// One duty cycle on the calling thread (after `adoptCallingThread`). Returns the work done (0: idle).
    /// - Complexity: up to 64 frames in, and everything they cause downstream; allocates nothing.
    @inline(__always)
    public func step() -> Int {
        var n = replaySource?.withPinnedIsolation { $0.doWork() } ?? 0
        n &+= replayBook?.withPinnedIsolation { $0.doWork() } ?? 0
        n &+= signals.withPinnedIsolation { $0.doWork() }
        n &+= strategy.withPinnedIsolation { $0.doWork() }
        n &+= execution.withPinnedIsolation { $0.doWork() }
        return n
    }

    /// Replay: returns once every frame went through every stage and the venue's last reports were delivered.
    public func waitForReplay(timeout: Duration = .seconds(600)) async throws {
        guard let source = replaySource else { return }
        let deadline = ContinuousClock.now + timeout
        var settled = false
        while true {
            // ORDERING: acquiring pairs with the source's releasing store.
            if source.finished.load(ordering: .acquiring), await isQuiescent() {
                try await Task.sleep(for: .milliseconds(5))
                if await isQuiescent() {
                    if settled { return }
                    // Let the paper venue deliver what is still in flight (acks of the last orders), once.
                    await execution.settle(after: Nanos(raw: config.paper.entryLatency.raw + config.paper.responseLatency.raw + 1))
                    settled = true
                    continue
                }
            }
            guard ContinuousClock.now < deadline else { throw EngineError.replayTimeout }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func isQuiescent() async -> Bool {
        guard let replayBook, let source = replaySource else { return true }
        let written = await source.written
        let consumed = await replayBook.withFeed { $0.counters.frames }
        guard consumed >= written else { return false }
        let blocked = await replayBook.downstreamBlocked
        guard !blocked else { return false }
        guard bookToSignals.consumer.isEmpty, bookToExecution.consumer.isEmpty, signalsToStrategy.consumer.isEmpty,
              strategyToExecution.consumer.isEmpty, executionToStrategy.consumer.isEmpty else { return false }
        return await signals.isIdle
    }

    /// Graceful stop: no new intents, cancel working orders, let the cancels settle, flush the
    /// journal, stop the threads. Returns the run's report. Idempotent (later calls return the same state).
    public func shutdown() async -> EngineReport {
        let first = lifecycle.withLock { s -> Bool in
            guard s.started, !s.stopped else { return false }
            s.stopped = true
            return true
        }
        if first {
            await strategy.halt()
            _ = await execution.kill()
            await stopLiveVenue()
            if config.mode != .replay { try? await Task.sleep(for: .milliseconds(20)) }
            await execution.settle(after: Nanos(raw: config.paper.entryLatency.raw + config.paper.responseLatency.raw + 1))
            _ = await execution.flushJournal()
            feed?.stop()
            for t in threads { t.stop() }
        }
        return await report()
    }

    /// The run's report (control plane; while running the numbers move).
    public func report() async -> EngineReport {
        let summary = await execution.summary()
        let (checked, matched, parseErrors, gaps, frames, bookEvents): (Int, Int, Int, Int, Int, UInt64)
        if let replayBook {
            (checked, matched, parseErrors, gaps, frames, bookEvents) = await replayBook.withFeed { f in
                (f.oracle(self.traded).checked, f.oracle(self.traded).matched, f.counters.parseErrors, 0, f.counters.frames, 0)
            }
        } else if let feed {
            let s = feed.statistics
            (checked, matched) = await feed.stage.withFeed { f in (f.oracle(self.traded).checked, f.oracle(self.traded).matched) }
            (parseErrors, gaps, frames, bookEvents) = (s.parseErrors, s.gaps, s.frames, 0)
        } else {
            (checked, matched, parseErrors, gaps, frames, bookEvents) = (0, 0, 0, 0, 0, 0)
        }
        let spec = instruments[Int(traded.raw)].spec
        return EngineReport(mode: config.mode.rawValue, venue: (feed?.config.venue ?? instruments[0].spec.venue).name, symbol: config.strategy.symbol,
                            plugin: "\(await strategy.manifest.name) \(await strategy.manifest.version)", frames: frames,
                            bookEvents: bookEvents &+ (await signals.events), ticks: await strategy.ticks, conflations: await signals.conflations,
                            intents: telemetry.value(of: counters.intents), invalidIntents: telemetry.value(of: counters.invalidIntents),
                            riskRejects: telemetry.value(of: counters.riskRejects), execution: summary,
                            journalDigest: fnv1a64(path: config.journalPath), oracleChecked: checked, oracleMatched: matched,
                            parseErrors: parseErrors, gaps: gaps, priceDecimals: spec.priceScale.places, quantityDecimals: spec.quantityScale.places)
    }

    /// Each pipeline thread's name, core, idle strategy and run statistics, the idle-cycle
    /// jitter of spinning threads included (`ThreadJitter`). Final once the threads stopped
    /// (`shutdown()`); zeros before.
    public var threadStatistics: [(name: String, core: Int, idle: IdleStrategyConfig, statistics: PinnedThread.RunStatistics)] {
        threads.map { ($0.name, $0.core, $0.idleStrategy, $0.runStatistics) }
    }

    /// The per-hop latency report, with the machine, topology, idle strategy and clock stated.
    public func latencyReport(title: String) -> TelemetryReport {
        telemetry.report(title: title)
    }

    // MARK: Control plane

    /// The current trading mode.
    public var mode: TradingMode { modeState.withLock { $0.mode } }

    /// Kill switch: stop intents, halt the risk gate, cancel every working order. Returns the cancels sent.
    public func kill() async -> Int {
        await strategy.halt()
        return await execution.kill()
    }

    /// Hot-swaps the strategy plugin between two ticks.
    public func swapPlugin(path: String, config json: String) async throws -> StrategySwapReport {
        let plugin = try StrategyPlugin(path: Self.resolvePlugin(path), featureSchemaId: schema.id)
        return try await strategy.swap(to: plugin, config: json)
    }
}

/// Why the engine could not be built or run.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// Replay needs at least one capture.
    case noCapture
    /// The capture's format names no venue (pass a capture of a known venue).
    case captureWithoutVenue
    /// The strategy's symbol is not one the feed carries.
    case symbolNotInFeed(String, [String])
    /// A replay did not drain in time.
    case replayTimeout
    /// The requested mode switch is not possible now.
    case modeRefused(String)

    public var description: String {
        switch self {
        case .noCapture: return "replay needs at least one capture file"
        case .captureWithoutVenue: return "the capture names no venue"
        case .symbolNotInFeed(let s, let all): return "strategy.symbol \(s) is not among the feed's symbols \(all)"
        case .replayTimeout: return "the replay did not drain in time"
        case .modeRefused(let why): return "mode switch refused: \(why)"
        }
    }
}
