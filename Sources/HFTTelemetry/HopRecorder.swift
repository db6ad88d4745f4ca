import HFTPrimitives

/// One thread's recording handle: records hop latencies, counters and distinct errors into cells
/// only this recorder writes. Non-copyable, so exactly one owner (thread) records through it;
/// move it to the thread that owns it at start-up.
///
/// Every method is O(1) and allocates nothing, retains nothing and takes no lock (measured in
/// `Benchmarks/TelemetryBenchmarks`). Keeps its registry alive.
public struct HopRecorder: ~Copyable, Sendable {
    /// Keeps the cells alive; never touched on the hot path.
    @usableFromInline let registry: TelemetryRegistry
    /// The recorder's name (thread or stage), for reports.
    public let name: String
    @usableFromInline let cells: UnsafeAtomicCells
    @usableFromInline let layout: HistogramLayout
    @usableFromInline let histogramStride: Int
    @usableFromInline let hopCapacity: Int
    @usableFromInline let counterOffset: Int
    @usableFromInline let counterCapacity: Int
    @usableFromInline let errorLog: UnsafeDistinctErrorLog

    init(registry: TelemetryRegistry, name: String, cells: UnsafeAtomicCells) {
        self.registry = registry
        self.name = name
        self.cells = cells
        self.layout = registry.layout
        self.histogramStride = registry.histogramStride
        self.hopCapacity = registry.hopCapacity
        self.counterOffset = registry.counterOffset
        self.counterCapacity = registry.counterCapacity
        self.errorLog = registry.errorLog(in: cells)
    }

    @inlinable @inline(__always)
    func histogram(_ hop: HopId) -> UnsafeAtomicHistogram {
        precondition(Int(hop.raw) < hopCapacity, "hop id out of range")
        // SAFETY: hop.raw < hopCapacity, so the stride-sized region lies inside this recorder's cells.
        return UnsafeAtomicHistogram(
            unchecked: UnsafeAtomicCells(base: cells.base + Int(hop.raw) &* histogramStride, count: histogramStride),
            layout: layout)
    }

    /// Records one latency of `hop` in ns; negative values are recorded as 0 and counted, values
    /// above 60 s (the layout's max) as the max and counted.
    /// - Complexity: O(1), ≈ 2 ns; no allocation, no retain, no lock.
    @inlinable @inline(__always)
    public func record(_ hop: HopId, _ ns: Int64) {
        histogram(hop).record(signed: ns)
    }

    /// Records one duration of `hop`.
    @inlinable @inline(__always)
    public func record(_ hop: HopId, _ duration: Nanos) {
        histogram(hop).record(signed: duration.raw)
    }

    /// Records `end - start` for `hop`.
    @inlinable @inline(__always)
    public func record(_ hop: HopId, from start: Nanos, to end: Nanos) {
        histogram(hop).record(signed: end.raw &- start.raw)
    }

    /// Adds `delta` to a counter (this recorder's share; reports sum the recorders).
    @inlinable @inline(__always)
    public func increment(_ counter: CounterId, by delta: UInt64 = 1) {
        precondition(Int(counter.raw) < counterCapacity, "counter id out of range")
        cells.add(counterOffset &+ Int(counter.raw), delta)
    }

    /// Logs one occurrence of a distinct error at `now` (first/last time and count per (code, detail)).
    /// - Complexity: O(1) expected; no allocation, no lock; a full table counts the overflow.
    @inlinable
    public func recordError(_ code: ErrorCode, detail: Int64 = 0, at now: Nanos) {
        errorLog.record(code: code, detail: detail, now: now)
    }

    /// This recorder's histogram of `hop` alone (not merged); any thread. Cold path.
    public func snapshot(_ hop: HopId) -> HistogramSnapshot { histogram(hop).snapshot() }

    /// Empties this recorder's histogram of `hop` (owner thread only; cold path).
    public func reset(_ hop: HopId) { histogram(hop).reset() }
}
