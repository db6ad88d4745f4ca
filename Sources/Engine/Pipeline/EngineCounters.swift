import HFTTelemetry

/// The engine's counters (registered once; every stage increments through its own recorder).
public struct EngineCounters: Sendable {
    public let unroutable: CounterId
    public let staleCommits: CounterId
    public let ignoredBooks: CounterId
    public let conflations: CounterId
    public let signalBackPressure: CounterId
    public let wireOutOfRange: CounterId
    public let ticks: CounterId
    public let strategyErrors: CounterId
    public let timers: CounterId
    public let intents: CounterId
    public let invalidIntents: CounterId
    public let commandBackPressure: CounterId
    public let intentsWhileHalted: CounterId
    public let riskRejects: CounterId
    public let orders: CounterId
    public let venueRejects: CounterId
    public let acks: CounterId
    public let fills: CounterId
    public let cancels: CounterId
    public let fillBackPressure: CounterId
    public let journalFailures: CounterId
    public let unknownOrders: CounterId

    public init(_ r: TelemetryRegistry) {
        unroutable = r.registerCounter("engine.unroutable", help: "Book events for an instrument the engine does not know")
        staleCommits = r.registerCounter("signals.stale_commits", help: "Book changes seen while the book was stale (no tick)")
        ignoredBooks = r.registerCounter("signals.ignored_books", help: "One-sided or crossed books the feature engine ignored")
        conflations = r.registerCounter("signals.conflations", help: "Views replaced before the strategy read them (Signals → Strategy full)")
        signalBackPressure = r.registerCounter("signals.back_pressure", help: "Ticks the Signals → Strategy ring could not take at once")
        wireOutOfRange = r.registerCounter("signals.wire_out_of_range", help: "Exchange times more than 10 s from the local wall clock (recorded data or skew)")
        ticks = r.registerCounter("strategy.ticks", help: "Market views handed to the strategy")
        strategyErrors = r.registerCounter("strategy.errors", help: "Plugin calls that returned an error")
        timers = r.registerCounter("strategy.timers", help: "on_timer calls (event clock)")
        intents = r.registerCounter("strategy.intents", help: "Intents the strategy emitted")
        invalidIntents = r.registerCounter("strategy.invalid_intents", help: "Intents refused by the host's validation")
        commandBackPressure = r.registerCounter("strategy.command_back_pressure", help: "Intents rejected because Strategy → Execution was full")
        intentsWhileHalted = r.registerCounter("strategy.intents_halted", help: "Intents dropped after a kill")
        riskRejects = r.registerCounter("execution.risk_rejects", help: "Intents the pre-trade risk gate refused")
        orders = r.registerCounter("execution.orders", help: "Orders sent to the venue")
        venueRejects = r.registerCounter("execution.venue_rejects", help: "Orders the venue refused at submit")
        acks = r.registerCounter("execution.acks", help: "Order acknowledgements")
        fills = r.registerCounter("execution.fills", help: "Fills")
        cancels = r.registerCounter("execution.cancels", help: "Cancel requests sent")
        fillBackPressure = r.registerCounter("execution.fill_back_pressure", help: "Order updates waiting for room in Execution → Strategy")
        journalFailures = r.registerCounter("execution.journal_failures", help: "Journal appends that failed")
        unknownOrders = r.registerCounter("execution.unknown_orders", help: "Venue reports for orders the OMS does not know")
    }
}
