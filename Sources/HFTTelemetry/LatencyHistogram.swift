import HFTPrimitives

/// A fixed-footprint HDR latency histogram (default: 1 ns to 60 s at 3 significant digits, 27 648
/// slots, ≈ 216 KB), allocated and zeroed once at creation.
///
/// One thread owns it and records; any other thread may `snapshot()` it concurrently without
/// stopping or locking the recorder. Every slot is a 64-bit atomic updated by the single writer
/// with a relaxed load and a relaxed store, so readers never race and never see invented counts.
///
/// For per-hop recording inside the engine use `TelemetryRegistry` and its `HopRecorder`; this type
/// is the standalone histogram (benchmarks, tools, replay statistics).
public final class LatencyHistogram: Sendable {
    @usableFromInline let histogram: UnsafeAtomicHistogram

    /// The bucket geometry.
    public var layout: HistogramLayout { histogram.layout }

    /// Allocates and zeroes the histogram. Cold path.
    public init(layout: HistogramLayout = .latency) {
        let cells = UnsafeAtomicCells.allocate(count: UnsafeAtomicHistogram.cellCount(for: layout))
        histogram = UnsafeAtomicHistogram(cells: cells, layout: layout)
    }

    deinit { histogram.cells.deallocate() }

    /// Records one latency in nanoseconds; above `layout.highestTrackableValue` it is clamped and counted.
    /// - Complexity: O(1); no allocation, no retain, no lock.
    /// - Warning: single writer: only the owning thread records.
    @inlinable @inline(__always)
    public func record(_ ns: UInt64) { histogram.record(ns) }

    /// Records a signed latency in nanoseconds; negative values are recorded as 0 and counted.
    @inlinable @inline(__always)
    public func record(_ ns: Int64) { histogram.record(signed: ns) }

    /// Records a duration.
    @inlinable @inline(__always)
    public func record(_ duration: Nanos) { histogram.record(signed: duration.raw) }

    /// A copy of the counts; callable from any thread while the owner records. Cold path.
    public func snapshot() -> HistogramSnapshot { histogram.snapshot() }

    /// Adds another histogram's counts (owner thread, cold path).
    public func add(_ other: HistogramSnapshot) { histogram.add(other) }

    /// Empties the histogram (owner thread; a concurrent snapshot may see a partial reset).
    public func reset() { histogram.reset() }
}
