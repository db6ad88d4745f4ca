import Analytics
import CSystemShims
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
import MarketData
import StrategyABI

/// The Signals stage: Book events in (trades, and commits naming the `BookSnapshotSlots` slot that
/// holds the book's top levels) → `FeatureEngine` (features, order flow, volume profile) → models →
/// a market view in a `SignalSlots` slot → `SignalTick` out.
///
/// Signals → Strategy may conflate (DESIGN.md): when the ring is full the newest view replaces the
/// staged one and the conflation is counted. With `conflate == false` (replay) the stage stops
/// reading instead, so the strategy sees every tick.
///
/// `doWork` allocates, retains, locks and logs nothing; the feature engines and models are
/// allocated in `init`.
public actor SignalStage: Agent {
    public nonisolated let pinnedExecutor: PinnedExecutor
    let input: RingConsumer<BookEvent>
    let output: RingProducer<SignalTick>
    let slots: SignalSlots
    /// The top levels at each commit (written by the Book stage; the ring's commits name them).
    let books: BookSnapshotSlots
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let engines: UnsafeMutablePointer<FeatureEngine>
    let specs: [InstrumentSpec]
    let venue: VenueId
    let models: SignalModels
    let runTabNet: Bool
    let conflate: Bool
    /// Replay: receive times are capture times, so the feed-side hops are not recorded.
    let replay: Bool
    /// Whether exchange times are this session's (live data), so that wall clock minus exchange time
    /// is the wire latency; false for frames from a capture (replay, bench), whose exchange times
    /// are the recording's: then no `CLOCK_REALTIME` read per commit and no hop.
    let measuresWire: Bool
    let recorder: HopRecorder
    let hops: StandardHopIds
    let queueBookToSignals: HopId
    /// A trade's state updates (`FeatureEngine.absorbTrade`); `features` is the vector's per book commit.
    let tradeFeatures: HopId
    /// The vectors' rewrite after absorbed trades, on an idle duty cycle (`refreshVectors`).
    let vectorRefresh: HopId
    /// A trade was absorbed since the last idle refresh.
    var vectorsPending = false
    let counters: EngineCounters
    let schemaValue: UInt64
    let instrumentCount: Int
    var nextSlot = 0
    /// A tick the full ring did not take yet (its slot is not in the ring).
    var pending: SignalTick?
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) var sequences: UnsafeMutablePointer<UInt64>
    /// Processed events, ticks published, conflated ticks.
    public private(set) var events: UInt64 = 0
    public private(set) var ticks: UInt64 = 0
    public private(set) var conflations: UInt64 = 0

    /// - Parameter books: the slots the input ring's commits name (`BookEventOutput(ring:snapshots:)`),
    ///   at least as deep as the features read.
    init(on thread: PinnedThread, input: RingConsumer<BookEvent>, books: BookSnapshotSlots, output: RingProducer<SignalTick>, slots: SignalSlots,
         venue: VenueId, specs: [InstrumentSpec], analytics: AnalyticsConfig, microPrice: MicroPriceTable?, schemaId: String,
         models: SignalModels, runTabNet: Bool, conflate: Bool, replay: Bool, measuresWire: Bool, recorder: consuming HopRecorder,
         hops: StandardHopIds, queueBookToSignals: HopId, tradeFeatures: HopId, vectorRefresh: HopId, counters: EngineCounters) throws {
        pinnedExecutor = thread.executor
        self.input = input
        self.output = output
        self.slots = slots
        self.venue = venue
        self.specs = specs
        instrumentCount = specs.count
        self.books = books
        engines = .allocate(capacity: specs.count)
        var made = 0
        do {
            for (i, spec) in specs.enumerated() {
                (engines + i).initialize(to: try FeatureEngine(config: analytics, instrument: spec, microPrice: microPrice))
                made = i + 1
            }
        } catch {
            engines.deinitialize(count: made)
            engines.deallocate()
            throw error
        }
        sequences = .allocate(capacity: specs.count)
        sequences.initialize(repeating: 0, count: specs.count)
        self.models = models
        self.runTabNet = runTabNet
        self.conflate = conflate
        self.replay = replay
        self.measuresWire = measuresWire && !replay
        self.recorder = recorder
        self.hops = hops
        self.queueBookToSignals = queueBookToSignals
        self.tradeFeatures = tradeFeatures
        self.vectorRefresh = vectorRefresh
        self.counters = counters
        schemaValue = hft_strategy_schema_id_value(schemaId)
        precondition(books.depth >= engines[0].levelsConsumed, "snapshots shallower than the features read")
    }

    deinit {
        engines.deinitialize(count: instrumentCount)
        engines.deallocate()
        sequences.deallocate()
    }

    /// A commit's hop values, recorded at the next `doWork` or commit (`onClose` flushes the
    /// last): on a thread that runs Strategy and Execution after Signals, the tick and the order
    /// it leads to go out before those histogram lines are touched. -1: nothing to record.
    struct PendingHops {
        /// A commit's values are waiting.
        var waiting = false
        var queueFeedToBook: Int64 = -1
        var decode: Int64 = -1
        var book: Int64 = -1
        var queueBookToSignals: Int64 = -1
        var features: Int64 = -1
        var tcn: Int64 = -1
        var tabnet: Int64 = -1
    }
    var pendingHops = PendingHops()

    @inline(__always)
    func flushHops() {
        let p = pendingHops
        guard p.waiting else { return }
        if p.queueFeedToBook >= 0 { recorder.record(hops.queueFeedToBook, p.queueFeedToBook) }
        if p.decode > 0 { recorder.record(hops.decode, p.decode) }
        recorder.record(hops.book, p.book)
        recorder.record(queueBookToSignals, p.queueBookToSignals)
        if p.features >= 0 { recorder.record(hops.features, p.features) }
        if p.tcn >= 0 { recorder.record(hops.inferenceTCN, p.tcn) }
        if p.tabnet >= 0 { recorder.record(hops.inferenceTabNet, p.tabnet) }
        pendingHops = PendingHops()
    }

    public func onClose() { flushHops() }

    public func doWork() -> Int {
        flushHops()
        if let p = pending {
            if output.push(p) == .published {
                pending = nil
            } else if !conflate {
                return 0
            }
        }
        var done = 0
        while done < 256 {
            if !conflate && pending != nil { break }
            guard let e = input.pop() else { break }
            done &+= 1
            events &+= 1
            switch e.kind {
            case .level:
                // A snapshot ring carries none: a wiring error, counted.
                recorder.increment(counters.unroutable)
            case .trade:
                let i = Int(e.instrument.raw)
                guard i < instrumentCount else { recorder.increment(counters.unroutable); continue }
                // No view is published per trade: the vector's rewrite waits for an idle cycle or the next commit.
                let t0 = hft_monotonic_ns()
                engines[i].absorbTrade(e.trade(venue: venue))
                recorder.record(tradeFeatures, Int64(hft_monotonic_ns() &- t0))
                vectorsPending = true
            case .commit:
                commit(e)
            }
        }
        if done == 0 && vectorsPending { refreshVectors() }
        return done
    }

    /// On an idle duty cycle after trades (nothing to take, so no tick of this cycle waits
    /// behind it): the vectors' rewrite that `absorbTrade` left for later, so that the next book
    /// event's `onBook` does not take it on the tick's path. The values are the same whenever it
    /// runs (`FeatureEngineAbsorbedTradeTests`); a commit that comes first does it itself.
    func refreshVectors() {
        let t0 = hft_monotonic_ns()
        for i in 0..<instrumentCount where engines[i].vectorPending { engines[i].refreshVector() }
        vectorsPending = false
        recorder.record(vectorRefresh, Int64(hft_monotonic_ns() &- t0))
    }

    /// One instrument's book change is complete: features, models, a view for the strategy.
    @inline(__always)
    func commit(_ e: BookEvent) {
        let i = Int(e.instrument.raw)
        guard i < instrumentCount else { recorder.increment(counters.unroutable); return }
        // Recorded later (`PendingHops`); a second commit in one `doWork` flushes the first's, outside its features hop.
        flushHops()
        let t0 = hft_monotonic_ns()
        if !replay { pendingHops.queueFeedToBook = e.startTime.raw &- e.receiveTime.raw }
        let decode = e.quantity.raw
        pendingHops.waiting = true
        pendingHops.decode = decode
        pendingHops.book = e.publishTime.raw &- e.startTime.raw &- decode
        pendingHops.queueBookToSignals = t0 &- e.publishTime.raw
        if measuresWire && e.exchangeTime.raw > 0 {
            // Wall clock at receive minus exchange time; a recorded or skewed clock (beyond ±10 s) is counted, not recorded.
            let wire = hft_realtime_ns() &- e.exchangeTime.raw &- (t0 &- e.receiveTime.raw)
            if wire > -10_000_000_000 && wire < 10_000_000_000 { recorder.record(hops.wire, wire) } else { recorder.increment(counters.wireOutOfRange) }
        }
        guard !e.isStale else { recorder.increment(counters.staleCommits); return }
        let bids = books.levels(e.slot, .buy), asks = books.levels(e.slot, .sell)
        let update = engines[i].onBook(bids: bids, asks: asks, exchangeTime: e.exchangeTime, receiveTime: e.receiveTime)
        let t1 = hft_monotonic_ns()
        pendingHops.features = Int64(t1 &- t0)
        guard update == .updated else { recorder.increment(counters.ignoredBooks); return }

        // The slot: the staged one when conflating over it, else the next in ring order.
        let k: Int
        if let p = pending {
            k = Int(p.slot)
            conflations &+= 1
            recorder.increment(counters.conflations)
        } else {
            k = nextSlot
            nextSlot = nextSlot &+ 1 == slots.count ? 0 : nextSlot &+ 1
        }
        let features = engines[i].features
        let dst = slots.features(k)
        for f in 0..<slots.featureCount { dst[f] = f < features.count ? features[f] : .nan }
        let view = slots.view(k)
        sequences[i] &+= 1
        view.pointee.sequence = sequences[i]
        view.pointee.instrument = e.instrument.raw
        view.pointee.price_places = Int32(specs[i].priceScale.places)
        view.pointee.quantity_places = Int32(specs[i].quantityScale.places)
        view.pointee.tick = specs[i].tick
        view.pointee.exchange_time_ns = e.exchangeTime.raw
        view.pointee.receive_time_ns = e.receiveTime.raw
        view.pointee.now_ns = engines[i].clock
        view.pointee.feature_schema_id = schemaValue
        view.setLevels(bids: bids, asks: asks)
        var valid: UInt32 = 0
        var outputs: (Float, Float, Float, Float) = (0, 0, 0, 0)
        // The clock read that ends the last model is also the tick's publish time (0: none ran).
        var last: Int64 = 0
        if (models.tcn != nil || (runTabNet && models.tabnet != nil)) && models.load(UnsafePointer(dst)) {
            if models.tcn != nil {
                let m0 = hft_monotonic_ns()
                let v = models.stepTCN(i)
                last = hft_monotonic_ns()
                pendingHops.tcn = Int64(last &- m0)
                if v.isFinite { outputs.0 = v; valid |= 1 << UInt32(HFT_MODEL_TCN) }
            }
            if runTabNet && models.tabnet != nil {
                let m0 = last != 0 ? last : hft_monotonic_ns()
                let v = models.predictTabNet()
                last = hft_monotonic_ns()
                pendingHops.tabnet = Int64(last &- m0)
                if v.isFinite { outputs.1 = v; valid |= 1 << UInt32(HFT_MODEL_TABNET) }
            }
        }
        view.pointee.model_valid = valid
        view.pointee.model_outputs = outputs
        let tick = SignalTick(slot: Int32(k), instrument: e.instrument, receiveTime: e.receiveTime,
                              originTime: replay ? e.startTime : e.receiveTime, publishTime: Nanos(raw: last != 0 ? last : hft_monotonic_ns()))
        if output.push(tick) == .published {
            pending = nil
            ticks &+= 1
        } else {
            pending = tick
            recorder.increment(counters.signalBackPressure)
        }
    }

    /// Whether no tick is staged (control plane).
    public var isIdle: Bool { pending == nil }
}
