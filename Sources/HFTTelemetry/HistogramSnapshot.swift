/// A copy of an HDR histogram's counts: a plain value for reports, merges and tests (cold path).
///
/// Query semantics follow HdrHistogram: `valueAtPercentile` returns the highest value equivalent
/// (within the layout's precision) to the value at that rank, clamped to the recorded min and max.
public struct HistogramSnapshot: Hashable, Sendable {
    /// The bucket geometry the counts are in.
    public let layout: HistogramLayout
    /// Count per slot, `layout.countsLength` entries.
    public private(set) var counts: [UInt64]
    /// Number of recorded values (sum of `counts`).
    public private(set) var totalCount: UInt64
    /// Sum of the recorded (clamped) values, exact.
    public private(set) var sum: UInt64
    /// Smallest non-zero value recorded, `UInt64.max` when none.
    public private(set) var minNonZeroValue: UInt64
    /// Largest value recorded, 0 when empty.
    public private(set) var maxValue: UInt64
    /// Values above `layout.highestTrackableValue`, recorded as it.
    public private(set) var overflowCount: UInt64
    /// Negative values, recorded as 0.
    public private(set) var underflowCount: UInt64

    /// An empty snapshot of `layout`.
    public init(layout: HistogramLayout = .latency) {
        self.init(
            layout: layout, counts: [UInt64](repeating: 0, count: layout.countsLength), totalCount: 0, sum: 0,
            minNonZeroValue: .max, maxValue: 0, overflowCount: 0, underflowCount: 0)
    }

    init(
        layout: HistogramLayout, counts: [UInt64], totalCount: UInt64, sum: UInt64,
        minNonZeroValue: UInt64, maxValue: UInt64, overflowCount: UInt64, underflowCount: UInt64
    ) {
        self.layout = layout
        self.counts = counts
        self.totalCount = totalCount
        self.sum = sum
        self.minNonZeroValue = minNonZeroValue
        self.maxValue = maxValue
        self.overflowCount = overflowCount
        self.underflowCount = underflowCount
    }

    /// Number of recorded values.
    public var count: UInt64 { totalCount }

    /// Smallest recorded value (0 when empty or when a 0 was recorded).
    public var min: UInt64 { (counts[0] > 0 || totalCount == 0) ? 0 : minNonZeroValue }

    /// Largest recorded value (0 when empty).
    public var max: UInt64 { maxValue }

    /// Exact arithmetic mean of the recorded (clamped) values; 0 when empty.
    public var mean: Double { totalCount == 0 ? 0 : Double(sum) / Double(totalCount) }

    /// The value at `percentile` (0...100), HdrHistogram's `valueAtPercentile`: the highest value
    /// equivalent to the smallest recorded value with at least `percentile`% of values at or below it.
    /// 0 returns `min`, 100 returns `max`, an empty histogram returns 0.
    /// - Complexity: O(`layout.countsLength`).
    public func valueAtPercentile(_ percentile: Double) -> UInt64 {
        guard totalCount > 0 else { return 0 }
        if percentile <= 0 { return min }
        if percentile >= 100 { return maxValue }
        let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
        let rank = Swift.max(1, UInt64((requested * Double(totalCount) / 100).rounded(.up)))
        var running: UInt64 = 0
        for i in 0..<counts.count {
            running &+= counts[i]
            if running >= rank {
                let value = layout.highestEquivalent(of: layout.lowestValue(atIndex: i))
                return Swift.max(Swift.min(value, maxValue), min)
            }
        }
        return maxValue
    }

    /// The values at several percentiles in one pass over the counts (same semantics as
    /// `valueAtPercentile`). - Precondition: `percentiles` ascending.
    public func valuesAtPercentiles(_ percentiles: [Double]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: percentiles.count)
        guard totalCount > 0 else { return result }
        var running: UInt64 = 0
        var i = 0
        for (k, p) in percentiles.enumerated() {
            if p <= 0 { result[k] = min; continue }
            if p >= 100 { result[k] = maxValue; continue }
            let requested = Swift.min(Swift.max(p.nextDown, 0), 100)
            let rank = Swift.max(1, UInt64((requested * Double(totalCount) / 100).rounded(.up)))
            while i < counts.count && running + counts[i] < rank {
                running &+= counts[i]
                i += 1
            }
            if i == counts.count { result[k] = maxValue; continue }
            let value = layout.highestEquivalent(of: layout.lowestValue(atIndex: i))
            result[k] = Swift.max(Swift.min(value, maxValue), min)
        }
        return result
    }

    /// Percentage (0...100) of recorded values at or below `value`'s slot; 100 when empty.
    public func percentileAtOrBelow(_ value: UInt64) -> Double {
        guard totalCount > 0 else { return 100 }
        let clamped = Swift.min(value, layout.highestTrackableValue)
        let last = layout.index(of: clamped)
        var running: UInt64 = 0
        for i in 0...last { running &+= counts[i] }
        return 100 * Double(running) / Double(totalCount)
    }

    /// Records `count` occurrences of `value` (cold path; clamps like the hot recorder).
    public mutating func record(_ value: UInt64, count: UInt64 = 1) {
        var v = value
        if v > layout.highestTrackableValue {
            v = layout.highestTrackableValue
            overflowCount &+= count
        }
        counts[layout.index(of: v)] &+= count
        totalCount &+= count
        sum &+= v &* count
        if v > maxValue { maxValue = v }
        if v != 0 && v < minNonZeroValue { minNonZeroValue = v }
    }

    /// Adds another snapshot's counts (merge of several threads' histograms of one hop).
    /// - Precondition: same layout.
    public mutating func add(_ other: HistogramSnapshot) {
        precondition(other.layout == layout, "cannot merge histograms of different layouts")
        counts.withUnsafeMutableBufferPointer { destination in
            other.counts.withUnsafeBufferPointer { source in
                // SAFETY: both buffers hold layout.countsLength slots (same layout, checked above).
                for i in 0..<destination.count { destination[i] &+= source[i] }
            }
        }
        totalCount &+= other.totalCount
        sum &+= other.sum
        overflowCount &+= other.overflowCount
        underflowCount &+= other.underflowCount
        maxValue = Swift.max(maxValue, other.maxValue)
        minNonZeroValue = Swift.min(minNonZeroValue, other.minNonZeroValue)
    }

    /// The counts recorded since `earlier` (an interval report from two cumulative snapshots of the
    /// same histogram). Min and max are those of the later snapshot, narrowed to its non-empty slots.
    /// - Precondition: same layout, and `earlier` was taken before `self` with no reset in between.
    public func subtracting(_ earlier: HistogramSnapshot) -> HistogramSnapshot {
        precondition(earlier.layout == layout, "cannot subtract histograms of different layouts")
        var result = HistogramSnapshot(layout: layout)
        var lowest = -1
        var highest = -1
        for i in 0..<counts.count {
            precondition(counts[i] >= earlier.counts[i], "earlier snapshot is not earlier")
            let c = counts[i] - earlier.counts[i]
            result.counts[i] = c
            if c != 0 {
                if lowest < 0 && i > 0 { lowest = i }
                highest = i
            }
            result.totalCount &+= c
        }
        result.sum = sum &- earlier.sum
        result.overflowCount = overflowCount &- earlier.overflowCount
        result.underflowCount = underflowCount &- earlier.underflowCount
        if highest >= 0 {
            result.maxValue = Swift.min(maxValue, layout.highestEquivalent(of: layout.lowestValue(atIndex: highest)))
        }
        if lowest >= 0 {
            result.minNonZeroValue = Swift.max(minNonZeroValue, layout.lowestValue(atIndex: lowest))
        }
        return result
    }

    /// Traps unless the invariants hold: `counts` has `layout.countsLength` slots summing to
    /// `totalCount`; when non-empty, `min <= max`, the lowest and highest non-empty slots lie within
    /// the slots of `min` and `max`, and the clamp counts do not exceed `totalCount`. O(countsLength).
    public func checkInvariants() {
        precondition(counts.count == layout.countsLength, "counts length \(counts.count) != layout \(layout.countsLength)")
        var total: UInt64 = 0
        var lowest = -1
        var highest = -1
        for (i, c) in counts.enumerated() where c != 0 {
            total &+= c
            if lowest < 0 { lowest = i }
            highest = i
        }
        precondition(total == totalCount, "totalCount \(totalCount) != sum of counts \(total)")
        precondition(overflowCount <= totalCount && underflowCount <= totalCount, "clamp counts exceed total")
        guard totalCount > 0 else { return }
        precondition(min <= max, "min \(min) > max \(max)")
        precondition(max <= layout.highestTrackableValue, "max above the layout")
        precondition(layout.index(of: min) <= lowest, "a slot below min is non-empty")
        precondition(layout.index(of: max) >= highest, "a slot above max is non-empty")
    }

    /// Empties the snapshot, keeping its layout.
    public mutating func reset() {
        self = HistogramSnapshot(layout: layout)
    }
}
