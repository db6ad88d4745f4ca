import Atomics
import CSystemShims

/// How long a spinning thread's idle duty cycles took: a cycle that found no work costs the
/// thread ≈ 0.1 µs, so one that took 10 µs or more is time the thread did not run (an
/// interrupt, a preemption, the hypervisor), during which a frame that arrived waited. This is
/// what `sysjitter` and jHiccup measure, taken inside the loop that serves the frames.
///
/// Gaps are counted in TSC ticks into power-of-two buckets (bucket `b` holds gaps in
/// `[2^b, 2^(b+1))` ticks) and converted to ns with the TSC rate measured over the same run
/// (`CLOCK_MONOTONIC` and the TSC read at its start and end).
///
/// Recording is one `rdtsc` per idle cycle (≈ 10 ns) plus a bucket increment; no allocation.
public struct ThreadJitter: Sendable, Hashable {
    /// Buckets of idle-cycle durations, by power of two of TSC ticks.
    public static let bucketCount = 48
    /// Idle cycles per bucket (`bucketCount` entries).
    public private(set) var buckets: [UInt64]
    /// Sum of the gaps of each bucket, in TSC ticks.
    public private(set) var bucketTicks: [UInt64]
    /// TSC ticks per ns over the measured run (0 when unknown).
    public private(set) var ticksPerNanosecond: Double
    /// Wall time the measurement covered (`CLOCK_MONOTONIC`), in ns.
    public private(set) var observedNanos: Int64

    /// No measurement.
    public init() {
        buckets = Array(repeating: 0, count: Self.bucketCount)
        bucketTicks = Array(repeating: 0, count: Self.bucketCount)
        ticksPerNanosecond = 0
        observedNanos = 0
    }

    /// A measurement given bucket by bucket (a saved or synthetic one).
    /// - Precondition: both arrays hold `bucketCount` entries.
    public init(buckets: [UInt64], bucketTicks: [UInt64], ticksPerNanosecond: Double, observedNanos: Int64) {
        precondition(buckets.count == Self.bucketCount && bucketTicks.count == Self.bucketCount, "one entry per bucket")
        self.buckets = buckets
        self.bucketTicks = bucketTicks
        self.ticksPerNanosecond = ticksPerNanosecond
        self.observedNanos = observedNanos
    }

    /// The bucket a gap of `ticks` TSC ticks falls in.
    @inlinable
    public static func bucket(ofTicks ticks: UInt64) -> Int {
        min(bucketCount - 1, ticks == 0 ? 0 : 63 - ticks.leadingZeroBitCount)
    }

    /// Idle cycles measured.
    public var idleCycles: UInt64 { buckets.reduce(0, &+) }

    /// The lower edge of bucket `b` in ns (every gap in it is at least that long); 0 when the TSC
    /// rate is unknown.
    public func lowerEdgeNanos(_ b: Int) -> Double {
        ticksPerNanosecond > 0 ? Double(UInt64(1) << UInt64(b)) / ticksPerNanosecond : 0
    }

    /// The first bucket whose every gap is at least `nanos` long (`bucketCount` when none).
    public func firstBucket(atLeast nanos: Int64) -> Int {
        guard ticksPerNanosecond > 0 else { return Self.bucketCount }
        return (0..<Self.bucketCount).first { lowerEdgeNanos($0) >= Double(nanos) } ?? Self.bucketCount
    }

    /// The idle cycles in buckets `first...`: their count and total time in ns.
    public func gaps(fromBucket first: Int) -> (count: UInt64, nanos: Int64) {
        guard ticksPerNanosecond > 0, first < Self.bucketCount else { return (0, 0) }
        var count: UInt64 = 0
        var ticks: UInt64 = 0
        for b in max(0, first)..<Self.bucketCount {
            count &+= buckets[b]
            ticks &+= bucketTicks[b]
        }
        return (count, Int64(Double(ticks) / ticksPerNanosecond))
    }

    /// The upper edge, in ns, of the highest non-empty bucket (the longest gap is shorter); 0 when none.
    public var longestBelowNanos: Int64 {
        guard ticksPerNanosecond > 0, let b = buckets.lastIndex(where: { $0 > 0 }) else { return 0 }
        return Int64(lowerEdgeNanos(b + 1))
    }

    /// Adds another run's measurement (same kind of thread).
    public mutating func merge(_ other: ThreadJitter) {
        let total = observedNanos &+ other.observedNanos
        if total > 0 {
            ticksPerNanosecond = (ticksPerNanosecond * Double(observedNanos) + other.ticksPerNanosecond * Double(other.observedNanos)) / Double(total)
        }
        observedNanos = total
        for b in 0..<Self.bucketCount {
            buckets[b] &+= other.buckets[b]
            bucketTicks[b] &+= other.bucketTicks[b]
        }
    }
}

/// The cells a `PinnedThread` records its idle-cycle jitter into: written by that thread only
/// (relaxed load + store, no locked instruction), readable from any thread at any time (relaxed
/// loads: each cell is some recent value; a snapshot may be a few cycles inconsistent across
/// cells), so that `/metrics` can show a running thread's stalls. Allocated once; recording
/// allocates nothing.
final class ThreadJitterCells: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): every cell is an atomic; the owning thread is the only writer.
    private let cells: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>
    private static let count = 2 * ThreadJitter.bucketCount + 4
    private static let startTicks = 2 * ThreadJitter.bucketCount
    private static let startNanos = startTicks + 1
    private static let endTicks = startTicks + 2
    private static let endNanos = startTicks + 3

    init() {
        cells = .allocate(capacity: Self.count)
        for i in 0..<Self.count { (cells + i).initialize(to: .init(0)) }
    }

    deinit {
        for i in 0..<Self.count { _ = (cells + i).move().dispose() }
        cells.deallocate()
    }

    @inline(__always)
    private func cell(_ i: Int) -> UnsafeAtomic<UInt64> { UnsafeAtomic(at: cells + i) }

    @inline(__always)
    private func add(_ i: Int, _ delta: UInt64) {
        // ORDERING: relaxed load + store: single writer; readers take any recent value.
        let c = cell(i)
        c.store(c.load(ordering: .relaxed) &+ delta, ordering: .relaxed)
    }

    /// The run starts now (owning thread).
    func begin(ticks: UInt64, nanos: Int64) {
        // ORDERING: relaxed; see the class comment.
        cell(Self.startTicks).store(ticks, ordering: .relaxed)
        cell(Self.startNanos).store(UInt64(bitPattern: nanos), ordering: .relaxed)
    }

    /// The run ended now (owning thread).
    func end(ticks: UInt64, nanos: Int64) {
        // ORDERING: relaxed; see the class comment.
        cell(Self.endTicks).store(ticks, ordering: .relaxed)
        cell(Self.endNanos).store(UInt64(bitPattern: nanos), ordering: .relaxed)
    }

    /// Counts one idle cycle of `gap` TSC ticks (owning thread).
    @inline(__always)
    func record(_ gap: UInt64) {
        let b = ThreadJitter.bucket(ofTicks: gap)
        add(b, 1)
        add(ThreadJitter.bucketCount &+ b, gap)
    }

    /// The measurement so far (any thread): up to the end of the run, or up to now while it runs.
    func snapshot() -> ThreadJitter {
        // ORDERING: relaxed; see the class comment.
        let startTicks = cell(Self.startTicks).load(ordering: .relaxed)
        guard startTicks != 0 else { return ThreadJitter() }
        let startNanos = Int64(bitPattern: cell(Self.startNanos).load(ordering: .relaxed))
        var endTicks = cell(Self.endTicks).load(ordering: .relaxed)
        var endNanos = Int64(bitPattern: cell(Self.endNanos).load(ordering: .relaxed))
        if endTicks == 0 {
            endNanos = hft_monotonic_ns()
            endTicks = hft_rdtsc()
        }
        let observed = max(0, endNanos &- startNanos)
        let rate = observed > 0 && endTicks > startTicks ? Double(endTicks &- startTicks) / Double(observed) : 0
        let n = ThreadJitter.bucketCount
        return ThreadJitter(buckets: (0..<n).map { cell($0).load(ordering: .relaxed) },
                            bucketTicks: (0..<n).map { cell(n &+ $0).load(ordering: .relaxed) },
                            ticksPerNanosecond: rate, observedNanos: observed)
    }
}
