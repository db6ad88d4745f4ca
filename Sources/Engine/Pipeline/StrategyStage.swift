import CSystemShims
import Execution
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
import StrategyABI

/// The Strategy stage: `SignalTick`s and order updates in → the plugin (`on_tick`, `on_fill`) →
/// validated `StrategyCommand`s out. Strategy → Execution never drops: a full ring rejects the
/// intent with a counted reason. After `halt()` (kill) intents are dropped and counted.
///
/// Order updates are handed to the plugin before new ticks; `on_timer` runs every `timerInterval`
/// of event time, before the first tick past it (so a quiet market fires no timer). `doWork` allocates, retains, locks and
/// logs nothing (the plugin is called through C pointers with host-owned buffers).
public actor StrategyStage: Agent {
    public nonisolated let pinnedExecutor: PinnedExecutor
    let input: RingConsumer<SignalTick>
    let updates: RingConsumer<hft_fill>
    let output: RingProducer<StrategyCommand>
    let slots: SignalSlots
    var strategy: StrategyInstance
    let services: StrategyHostServices
    let validator: IntentValidator
    let recorder: HopRecorder
    let hops: StandardHopIds
    let queueSignalsToStrategy: HopId
    /// For ticks that led to an intent: origin → tick published by Signals, origin → decision made
    /// (where their `tick→order` goes, next to `risk` and `send`).
    let orderTickToSignal: HopId
    let orderTickToDecision: HopId
    let counters: EngineCounters
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let view: UnsafeMutablePointer<hft_market_view>
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let fill: UnsafeMutablePointer<hft_fill>
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let intents: UnsafeMutablePointer<hft_intent>
    // SAFETY: allocated in init, freed in deinit; used only on this actor\'s pinned thread.
    nonisolated(unsafe) let buffer: UnsafeMutablePointer<hft_intent_buffer>
    let positionLimit: Int64
    // SAFETY: its storage is freed in deinit; used only on this actor's pinned thread.
    nonisolated(unsafe) var working: WorkingOrders
    var ledger = PaperLedger()
    var lastMid: Int64 = 0
    /// The instrument of `lastMid` (the last view with both sides).
    var lastMidInstrument = UInt32.max
    var lastPPOCalls: UInt64 = 0
    var lastTabNetCalls: UInt64 = 0
    /// Idle polls in a row after which the on-demand models run once on their last input, result
    /// discarded (0: never), and the polls counted since the last work (`engine.warmModels`).
    let warmModelsAfterIdlePolls: Int
    /// The idle polls `engine.warmModels` waits for (tens of µs with `busySpin`).
    public static let warmModelsIdlePolls = 256
    var idlePolls = 0
    /// Idle spells in which the models were warmed.
    public private(set) var modelWarmups: UInt64 = 0
    /// `on_timer` period on the event clock (ns; 0: never) and when it fires next.
    let timerInterval: Int64
    var nextTimer: Int64 = 0
    /// False after a kill: intents are dropped.
    public private(set) var trading = true
    public private(set) var ticks: UInt64 = 0
    public private(set) var swaps: [StrategySwapReport] = []
    public static let intentCapacity = 16

    init(on thread: PinnedThread, input: RingConsumer<SignalTick>, updates: RingConsumer<hft_fill>, output: RingProducer<StrategyCommand>,
         slots: SignalSlots, strategy: consuming StrategyInstance, services: StrategyHostServices, instrumentCount: Int,
         positionLimit: Int64, timerInterval: Nanos, recorder: consuming HopRecorder, hops: StandardHopIds, queueSignalsToStrategy: HopId,
         orderTickToSignal: HopId, orderTickToDecision: HopId, counters: EngineCounters, warmModelsAfterIdlePolls: Int = 0) {
        self.timerInterval = timerInterval.raw
        self.warmModelsAfterIdlePolls = warmModelsAfterIdlePolls
        pinnedExecutor = thread.executor
        self.input = input
        self.updates = updates
        self.output = output
        self.slots = slots
        self.strategy = strategy
        self.services = services
        validator = IntentValidator(instrumentCount: instrumentCount, strategy: StrategyId(raw: 1))
        self.recorder = recorder
        self.hops = hops
        self.queueSignalsToStrategy = queueSignalsToStrategy
        self.orderTickToSignal = orderTickToSignal
        self.orderTickToDecision = orderTickToDecision
        self.counters = counters
        self.positionLimit = positionLimit
        view = .allocate(capacity: 1)
        view.initialize(to: hft_market_view())
        fill = .allocate(capacity: 1)
        fill.initialize(to: hft_fill())
        intents = .allocate(capacity: Self.intentCapacity)
        buffer = .allocate(capacity: 1)
        buffer.initialize(to: hft_intent_buffer(items: intents, capacity: UInt32(Self.intentCapacity), count: 0))
        working = WorkingOrders(capacity: 256)
    }

    deinit {
        view.deallocate()
        fill.deallocate()
        intents.deallocate()
        buffer.deallocate()
        working.free()
    }

    public func doWork() -> Int {
        flushRecords()
        var done = 0
        while done < 64, let f = updates.pop() {
            done &+= 1
            onUpdate(f)
        }
        var n = 0
        while n < 64, let t = input.pop() {
            n &+= 1
            onTick(t)
        }
        done &+= n
        if done > 0 {
            idlePolls = 0
        } else if warmModelsAfterIdlePolls > 0 {
            idlePolls &+= 1
            if idlePolls == warmModelsAfterIdlePolls {
                services.warmModels()
                modelWarmups &+= 1
            }
        }
        return done
    }

    @inline(__always)
    func onUpdate(_ f: hft_fill) {
        working.apply(f)
        if Int32(f.kind) == Int32(HFT_FILL_TRADE) {
            ledger.apply(side: f.side == UInt8(HFT_SIDE_BUY) ? .buy : .sell, price: f.price, quantity: f.quantity, fee: f.fee)
        }
        fill.pointee = f
        fill.pointee.position_after = ledger.position
        buffer.pointee.count = 0
        if strategy.onFill(fill, buffer) != 0 { recorder.increment(counters.strategyErrors) }
        let now = Nanos(raw: f.time_ns)
        emit(now: now, tickReceiveTime: now, origin: Nanos(raw: hft_monotonic_ns()))
    }

    /// The last tick's hops and the intents counted since, recorded at the next `doWork` (or tick):
    /// on a thread that runs Execution after this stage, its order then goes out before these
    /// histograms and counters, cold lines between orders, are touched.
    struct PendingRecords {
        var queueSignalsToStrategy: Int64 = -1
        var ticks: UInt64 = 0
        var strategyNanos: Int64 = -1
        var orderTickToSignal: Int64 = -1
        var orderTickToDecision: Int64 = -1
        var ppoNanos: Int64 = -1
        var tabnetNanos: Int64 = -1
        var intents: UInt64 = 0
    }
    var pendingRecords = PendingRecords()

    @inline(__always)
    func flushRecords() {
        let p = pendingRecords
        guard p.strategyNanos >= 0 || p.intents > 0 || p.ticks > 0 else { return }
        if p.queueSignalsToStrategy >= 0 { recorder.record(queueSignalsToStrategy, p.queueSignalsToStrategy) }
        if p.ticks > 0 { recorder.increment(counters.ticks, by: p.ticks) }
        if p.strategyNanos >= 0 { recorder.record(hops.strategy, p.strategyNanos) }
        if p.orderTickToSignal >= 0 {
            recorder.record(orderTickToSignal, p.orderTickToSignal)
            recorder.record(orderTickToDecision, p.orderTickToDecision)
        }
        if p.ppoNanos >= 0 { recorder.record(hops.inferencePPO, p.ppoNanos) }
        if p.tabnetNanos >= 0 { recorder.record(hops.inferenceTabNet, p.tabnetNanos) }
        if p.intents > 0 { recorder.increment(counters.intents, by: p.intents) }
        pendingRecords = PendingRecords()
    }

    @inline(__always)
    func onTick(_ t: SignalTick) {
        flushRecords()
        let t0 = hft_monotonic_ns()
        pendingRecords.queueSignalsToStrategy = t0 &- t.publishTime.raw
        view.pointee = slots.view(Int(t.slot)).pointee
        ticks &+= 1
        pendingRecords.ticks = 1
        if view.pointee.bid_count > 0 && view.pointee.ask_count > 0 {
            lastMid = (view.pointee.bids.0.price &+ view.pointee.asks.0.price) / 2
            lastMidInstrument = view.pointee.instrument
        }
        view.pointee.position = ledger.position
        view.pointee.entry_price = ledger.entryPrice
        view.pointee.realized_pnl = ledger.realized &- ledger.fees
        view.pointee.unrealized_pnl = ledger.position &* (lastMid &- ledger.entryPrice)
        view.pointee.working_buy = working.buy
        view.pointee.working_sell = working.sell
        view.pointee.position_limit = positionLimit
        services.setNow(view.pointee.now_ns)
        // Timers run on the event clock (deterministic in replay), before the tick that crossed them.
        if timerInterval > 0 && t.receiveTime.raw >= nextTimer {
            if nextTimer != 0 {
                buffer.pointee.count = 0
                if strategy.onTimer(t.receiveTime.raw, buffer) != 0 { recorder.increment(counters.strategyErrors) }
                recorder.increment(counters.timers)
                emit(now: t.receiveTime, tickReceiveTime: t.receiveTime, origin: t.originTime)
            }
            nextTimer = t.receiveTime.raw &+ timerInterval
        }
        buffer.pointee.count = 0
        let s0 = hft_monotonic_ns()
        if strategy.onTick(view, buffer) != 0 { recorder.increment(counters.strategyErrors) }
        let s1 = hft_monotonic_ns()
        // The intents leave first; the hops are recorded at the next `doWork` (`PendingRecords`).
        emit(now: t.receiveTime, tickReceiveTime: t.receiveTime, origin: t.originTime)
        pendingRecords.strategyNanos = Int64(s1 &- s0)
        if buffer.pointee.count > 0 {
            pendingRecords.orderTickToSignal = t.publishTime.raw &- t.originTime.raw
            pendingRecords.orderTickToDecision = Int64(s1) &- t.originTime.raw
        }
        let calls = services.ppoCalls
        if calls != lastPPOCalls {
            lastPPOCalls = calls
            pendingRecords.ppoNanos = services.lastPPONanos
        }
        let tabnet = services.tabnetCalls
        if tabnet != lastTabNetCalls {
            lastTabNetCalls = tabnet
            pendingRecords.tabnetNanos = services.lastTabNetNanos
        }
    }

    /// Validates the intents in `buffer` and sends them to Execution.
    @inline(__always)
    func emit(now: Nanos, tickReceiveTime: Nanos, origin: Nanos) {
        let n = min(Int(buffer.pointee.count), Self.intentCapacity)
        guard n > 0 else { return }
        pendingRecords.intents &+= UInt64(n)
        for k in 0..<n {
            guard trading else { recorder.increment(counters.intentsWhileHalted); continue }
            let command: StrategyCommand
            switch validator.validate(intents[k], now: now, tickReceiveTime: tickReceiveTime) {
            case .failure:
                recorder.increment(counters.invalidIntents)
                continue
            case .success(.cancelTag(let instrument, let tag)):
                command = .cancelTag(instrument: instrument, tag: tag, tickReceiveTime: tickReceiveTime)
            case .success(.new(let intent)):
                let mid = intent.instrument.raw == lastMidInstrument ? Price(raw: lastMid) : .zero
                command = .new(intent, origin: origin, mid: mid)
            }
            if output.push(command) == .backPressured { recorder.increment(counters.commandBackPressure) }
        }
    }

    /// Records what the last duty cycle left pending (the thread has stopped polling).
    public func onClose() { flushRecords() }

    /// Stops sending intents (kill); order updates still reach the plugin.
    public func halt() { trading = false }

    /// Sends intents again (after a kill, explicitly).
    public func resume() { trading = true }

    /// Hot swap between two duty cycles of this thread (a quiescent point: no tick is in flight
    /// inside the stage). On failure the old plugin keeps running.
    public func swap(to plugin: StrategyPlugin, config: String) throws(StrategyPluginError) -> StrategySwapReport {
        let report = try strategy.swap(to: plugin, config: config, services: services) { hft_monotonic_ns() }
        swaps.append(report)
        return report
    }

    /// The running plugin's manifest.
    public var manifest: StrategyManifest { strategy.plugin.manifest }

    /// Position, entry, realized PnL net of fees, fees, unrealized at the last mid (control plane).
    public var ledgerSnapshot: (position: Int64, entryPrice: Int64, realized: Int64, fees: Int64, unrealized: Int64, mid: Int64) {
        (ledger.position, ledger.entryPrice, ledger.realized &- ledger.fees, ledger.fees, ledger.position &* (lastMid &- ledger.entryPrice), lastMid)
    }
}
