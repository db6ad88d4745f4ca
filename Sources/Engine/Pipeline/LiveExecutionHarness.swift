import CSystemShims
import Execution
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
import MarketData
import StrategyABI

/// One `ExecutionStage` routing to the live venue, driven on the calling thread with the venue
/// played by the harness (no sockets): each `roundTrip` is one intent in → risk gate → journal →
/// `LiveOrderRequest` out → ack and full fill back as `LiveVenueReport`s → order manager, ledger →
/// strategy updates out. Sides alternate, so the position stays flat. For benchmarks and tests of
/// the Execution thread's live path (every ring, the journal and the order manager are real).
/// - Warning: single-threaded: use it only from the thread that created it.
public final class LiveExecutionHarness: @unchecked Sendable {
    // SAFETY: the executor is bound to the creating thread (`adoptCallingThread`), which alone uses
    // the rings' both ends and the stage; nothing here is shared with another thread.
    let thread: PinnedThread
    let commands: Ring<StrategyCommand>
    let book: Ring<BookEvent>
    let output: Ring<hft_fill>
    let requests: Ring<LiveOrderRequest>
    let reports: Ring<LiveVenueReport>
    public let stage: ExecutionStage
    let telemetry: TelemetryRegistry
    let mid: Price
    let quantity: Quantity
    var time: Int64 = 1_000_000_000
    var side = Side.buy

    /// - Parameters: the journal file (appended to), the instrument, the mid the book is set at.
    public init(journalPath: String, spec: InstrumentSpec, mid: Price, quantity: Quantity) throws {
        thread = try PinnedThread(name: "hft-live-harness", core: 0)
        commands = Ring(capacity: 1_024)
        book = Ring(capacity: 1_024)
        output = Ring(capacity: 1_024)
        requests = Ring(capacity: 1_024)
        reports = Ring(capacity: 1_024)
        telemetry = TelemetryRegistry()
        self.mid = mid
        self.quantity = quantity
        let limits = RiskLimits(maxOrderQuantity: Quantity(raw: quantity.raw * 10), maxOrderNotional: .max, maxPosition: Quantity(raw: quantity.raw * 10),
                                maxNotional: .max, priceBandBps: 10_000, maxOrdersPerWindow: 20, rateWindow: .milliseconds(1),
                                maxOpenOrders: 64, capital: Int64.max / 4)
        let oms = try OrderManager.open(OrderManagerConfiguration(journalPath: journalPath))
        let venue = PaperVenue(configuration: PaperVenueConfiguration(spec: spec), latency: LatencyModel(entry: .zero, response: .zero))
        stage = ExecutionStage(on: thread, commands: commands.consumer, book: book.consumer, output: output.producer, instrumentTicks: [spec.tick],
                               traded: InstrumentId(raw: 0), spec: spec, venueId: spec.venue, venue: venue, limits: limits, oms: oms,
                               realtimeClock: false, recorder: telemetry.makeRecorder(name: "live-harness"), hops: telemetry.registerStandardHops(),
                               counters: EngineCounters(telemetry), instrumentSpecs: [spec], capital: 1_000_000,
                               liveRequests: requests.producer, liveReports: reports.consumer, paperAllowed: false)
        try thread.attach(stage)
        try thread.adoptCallingThread()
        _ = stage.withPinnedIsolation { $0.enterLive(includingJournal: false) }
        let id = InstrumentId(raw: 0)
        _ = book.producer.push(BookEvent(kind: .level, side: .buy, instrument: id, price: Price(raw: mid.raw - spec.tick), quantity: Quantity(raw: 1_000_000),
                                         receiveTime: Nanos(raw: time)))
        _ = book.producer.push(BookEvent(kind: .level, side: .sell, instrument: id, price: Price(raw: mid.raw + spec.tick), quantity: Quantity(raw: 1_000_000),
                                         receiveTime: Nanos(raw: time)))
        _ = book.producer.push(BookEvent(kind: .commit, side: .buy, instrument: id, receiveTime: Nanos(raw: time)))
        _ = stage.withPinnedIsolation { $0.doWork() }
    }

    /// One order's round trip through the live path (see the type doc). Returns the strategy
    /// updates delivered (2 when all went through: the ack and the fill).
    /// - Complexity: two duty cycles of the stage; allocates nothing.
    @inline(__always)
    public func roundTrip() -> Int {
        time &+= 10_000_000
        let intent = Intent(instrument: InstrumentId(raw: 0), strategy: StrategyId(raw: 1), side: side, timeInForce: .gtc, price: mid,
                            quantity: quantity, tag: 7, tickReceiveTime: Nanos(raw: time), createdAt: Nanos(raw: time))
        side = side == .buy ? .sell : .buy
        _ = commands.producer.push(.new(intent, origin: Nanos(raw: hft_monotonic_ns()), mid: .zero))
        _ = stage.withPinnedIsolation { $0.doWork() }
        guard let r = requests.consumer.pop() else { return 0 }
        _ = reports.producer.push(LiveVenueReport(.acked, clientOrderId: r.clientOrderId, venueOrderId: r.clientOrderId.raw))
        _ = reports.producer.push(LiveVenueReport(.update, clientOrderId: r.clientOrderId, venueOrderId: r.clientOrderId.raw, status: .filled,
                                                  execution: .trade, price: r.price, quantity: r.quantity, cumulative: r.quantity, fee: 1))
        _ = stage.withPinnedIsolation { $0.doWork() }
        var n = 0
        while output.consumer.pop() != nil { n &+= 1 }
        return n
    }
}
