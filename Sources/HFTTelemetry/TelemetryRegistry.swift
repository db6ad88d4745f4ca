import Synchronization

/// The process's telemetry: named hops (each an HDR histogram per recording thread), named
/// counters and a distinct-error log, registered at start-up and recorded through `HopRecorder`s.
///
/// Each recording thread gets its own `HopRecorder` and with it a private block of atomic cells
/// (a histogram per hop slot, a cell per counter, an error table), allocated and zeroed when the
/// recorder is made, so the hot path never shares a written cache line, never locks and never
/// allocates. Reports read every recorder's cells with relaxed loads and merge them.
///
/// Registration and reporting are cold paths serialized by a mutex; recording never touches it.
/// A recorder's cells live as long as the registry (its counts stay in reports after it is dropped).
///
/// ```swift
/// let telemetry = TelemetryRegistry()
/// let hops = telemetry.registerStandardHops()
/// let gaps = telemetry.registerCounter("binance.sequence_gaps", help: "Depth diffs out of sequence")
/// let recorder = telemetry.makeRecorder(name: "book")      // move it to the book thread
/// recorder.record(hops.book, from: t0, to: t1)            // hot: ≈ 2 ns, 0 allocations
/// recorder.increment(gaps)
/// print(telemetry.report().text())                         // any thread, any time
/// ```
public final class TelemetryRegistry: Sendable {
    /// The geometry of every hop histogram.
    public let layout: HistogramLayout
    /// Maximum number of hops; every recorder reserves a histogram for each (≈ 216 KB at `.latency`).
    public let hopCapacity: Int
    /// Maximum number of counters.
    public let counterCapacity: Int
    /// Maximum number of error codes.
    public let errorCodeCapacity: Int
    /// Distinct (code, detail) pairs each recorder's error log holds (a power of two).
    public let errorLogCapacity: Int

    let histogramStride: Int
    let counterOffset: Int
    let errorLogOffset: Int
    let cellsPerRecorder: Int

    struct State: ~Copyable {
        var hopNames: [String] = []
        var counters: [(name: String, help: String)] = []
        var errorNames: [String] = []
        var recorders: [(name: String, cells: UnsafeAtomicCells)] = []
    }

    let state = Mutex(State())

    /// - Parameters:
    ///   - layout: histogram geometry of every hop (default 1 ns to 60 s, 3 digits).
    ///   - hopCapacity: hops that can be registered (memory per recorder grows with it).
    ///   - counterCapacity: counters that can be registered.
    ///   - errorCodeCapacity: error codes that can be registered.
    ///   - errorLogCapacity: distinct (code, detail) pairs per recorder, rounded up to a power of two.
    public init(
        layout: HistogramLayout = .latency, hopCapacity: Int = 32, counterCapacity: Int = 128,
        errorCodeCapacity: Int = 256, errorLogCapacity: Int = 64
    ) {
        precondition(hopCapacity > 0 && hopCapacity <= Int(UInt16.max), "hopCapacity out of range")
        precondition(counterCapacity > 0 && counterCapacity <= Int(UInt16.max), "counterCapacity out of range")
        precondition(errorCodeCapacity > 0 && errorCodeCapacity < Int(UInt16.max), "errorCodeCapacity out of range")
        precondition(errorLogCapacity > 0, "errorLogCapacity must be positive")
        self.layout = layout
        self.hopCapacity = hopCapacity
        self.counterCapacity = counterCapacity
        self.errorCodeCapacity = errorCodeCapacity
        var logCapacity = 1
        while logCapacity < errorLogCapacity { logCapacity <<= 1 }
        self.errorLogCapacity = logCapacity
        histogramStride = UnsafeAtomicHistogram.cellCount(for: layout)
        counterOffset = histogramStride * hopCapacity
        errorLogOffset = counterOffset + UnsafeAtomicCells.roundedToBlock(counterCapacity)
        cellsPerRecorder = errorLogOffset
            + UnsafeAtomicCells.roundedToBlock(UnsafeDistinctErrorLog.cellCount(capacity: logCapacity))
    }

    deinit {
        state.withLock { state in
            for recorder in state.recorders { recorder.cells.deallocate() }
        }
    }

    /// Registers a hop (or returns the id it already has). Cold path.
    /// - Precondition: fewer than `hopCapacity` hops are registered, or `name` already is.
    public func registerHop(_ name: String) -> HopId {
        state.withLock { state in
            if let i = state.hopNames.firstIndex(of: name) { return HopId(raw: UInt16(i)) }
            precondition(state.hopNames.count < hopCapacity, "hop capacity \(hopCapacity) exhausted registering \(name)")
            state.hopNames.append(name)
            return HopId(raw: UInt16(state.hopNames.count - 1))
        }
    }

    /// Registers a standard hop of DESIGN.md.
    public func registerHop(_ hop: StandardHop) -> HopId { registerHop(hop.rawValue) }

    /// Registers every standard hop of DESIGN.md, in path order.
    public func registerStandardHops() -> StandardHopIds {
        StandardHopIds { registerHop($0) }
    }

    /// The id of a registered hop, or nil.
    public func hop(named name: String) -> HopId? {
        state.withLock { state in state.hopNames.firstIndex(of: name).map { HopId(raw: UInt16($0)) } }
    }

    /// The registered hop names, indexed by `HopId.raw`.
    public var hopNames: [String] { state.withLock { $0.hopNames } }

    /// Registers a monotonic counter (or returns the id it already has). Cold path.
    /// - Precondition: fewer than `counterCapacity` counters are registered, or `name` already is.
    public func registerCounter(_ name: String, help: String = "") -> CounterId {
        state.withLock { state in
            if let i = state.counters.firstIndex(where: { $0.name == name }) { return CounterId(raw: UInt16(i)) }
            precondition(state.counters.count < counterCapacity, "counter capacity \(counterCapacity) exhausted registering \(name)")
            state.counters.append((name: name, help: help))
            return CounterId(raw: UInt16(state.counters.count - 1))
        }
    }

    /// Registers an error code for the distinct-error log (or returns the id it already has). Cold path.
    /// - Precondition: fewer than `errorCodeCapacity` codes are registered, or `name` already is.
    public func registerErrorCode(_ name: String) -> ErrorCode {
        state.withLock { state in
            if let i = state.errorNames.firstIndex(of: name) { return ErrorCode(raw: UInt16(i)) }
            precondition(state.errorNames.count < errorCodeCapacity, "error code capacity \(errorCodeCapacity) exhausted registering \(name)")
            state.errorNames.append(name)
            return ErrorCode(raw: UInt16(state.errorNames.count - 1))
        }
    }

    /// Makes the recording handle of one thread: allocates and zeroes its cells
    /// (`cellsPerRecorder` × 8 bytes, ≈ 7 MB at the defaults). Cold path; call at start-up and
    /// move the recorder to its thread.
    public func makeRecorder(name: String) -> HopRecorder {
        let cells = UnsafeAtomicCells.allocate(count: cellsPerRecorder)
        state.withLock { state in state.recorders.append((name: name, cells: cells)) }
        return HopRecorder(registry: self, name: name, cells: cells)
    }

    /// Names of the recorders made so far.
    public var recorderNames: [String] { state.withLock { state in state.recorders.map(\.name) } }

    func recorderCells() -> [UnsafeAtomicCells] {
        state.withLock { state in state.recorders.map(\.cells) }
    }

    func histogram(_ hop: HopId, in cells: UnsafeAtomicCells) -> UnsafeAtomicHistogram {
        UnsafeAtomicHistogram(
            cells: cells.slice(offset: Int(hop.raw) * histogramStride, count: histogramStride), layout: layout)
    }

    func errorLog(in cells: UnsafeAtomicCells) -> UnsafeDistinctErrorLog {
        UnsafeDistinctErrorLog(
            cells: cells.slice(offset: errorLogOffset, count: cellsPerRecorder - errorLogOffset),
            capacity: errorLogCapacity)
    }

    /// A snapshot of one hop merged over every recorder; callable from any thread while they record.
    /// - Complexity: O(recorders × `layout.countsLength`); allocates (cold path).
    public func snapshot(_ hop: HopId) -> HistogramSnapshot {
        precondition(Int(hop.raw) < hopCapacity, "hop id out of range")
        var merged = HistogramSnapshot(layout: layout)
        for cells in recorderCells() { merged.add(histogram(hop, in: cells).snapshot()) }
        return merged
    }

    /// A counter's value summed over every recorder; callable from any thread.
    public func value(of counter: CounterId) -> UInt64 {
        precondition(Int(counter.raw) < counterCapacity, "counter id out of range")
        var total: UInt64 = 0
        for cells in recorderCells() { total &+= cells.load(counterOffset + Int(counter.raw)) }
        return total
    }

    /// The distinct-error log merged over every recorder, most frequent first, and the number of
    /// observations dropped because a recorder's table was full.
    public func distinctErrors() -> (entries: [DistinctErrorEntry], overflowCount: UInt64) {
        let names = state.withLock { $0.errorNames }
        var merged: [ErrorKey: DistinctErrorEntry] = [:]
        var overflow: UInt64 = 0
        for cells in recorderCells() {
            let log = errorLog(in: cells)
            overflow &+= log.overflowCount
            for e in log.entries() {
                let key = ErrorKey(code: e.code, detail: e.detail)
                if var existing = merged[key] {
                    existing.count &+= e.count
                    existing.firstNanos = min(existing.firstNanos, e.first)
                    existing.lastNanos = max(existing.lastNanos, e.last)
                    merged[key] = existing
                } else {
                    let name = Int(e.code.raw) < names.count ? names[Int(e.code.raw)] : e.code.description
                    merged[key] = DistinctErrorEntry(
                        name: name, detail: e.detail, count: e.count, firstNanos: e.first, lastNanos: e.last)
                }
            }
        }
        let entries = merged.values.sorted {
            ($0.count, $1.name, $1.detail) > ($1.count, $0.name, $0.detail)
        }
        return (entries, overflow)
    }

    struct ErrorKey: Hashable {
        let code: ErrorCode
        let detail: Int64
    }

    /// Everything for a report: every registered hop (merged over recorders), counter and distinct
    /// error, taken now. Callable from any thread while recorders record. Cold path.
    public func report(title: String = "HFT Core latency") -> TelemetryReport {
        let (hopNames, counters) = state.withLock { ($0.hopNames, $0.counters) }
        let hops = hopNames.enumerated().map { i, name in
            TelemetryReport.Hop(name: name, histogram: snapshot(HopId(raw: UInt16(i))))
        }
        let counterSamples = counters.enumerated().map { i, c in
            TelemetryReport.Counter(name: c.name, help: c.help, value: value(of: CounterId(raw: UInt16(i))))
        }
        let errors = distinctErrors()
        return TelemetryReport(
            title: title, hops: hops, counters: counterSamples, errors: errors.entries,
            errorLogOverflowCount: errors.overflowCount)
    }
}
