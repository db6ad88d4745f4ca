/// An HDR histogram laid out in atomic cells: a 16-cell header (sum, min, max, clamp counters) and
/// `layout.countsLength` count slots. One thread records; any thread may `snapshot()` at any time.
///
/// Non-owning view over `UnsafeAtomicCells`; `LatencyHistogram` and `HopRecorder` own the memory.
@frozen @usableFromInline
struct UnsafeAtomicHistogram: Sendable {
    @usableFromInline let cells: UnsafeAtomicCells
    @usableFromInline let layout: HistogramLayout

    @usableFromInline static let sumCell = 0
    /// Smallest non-zero value recorded, `UInt64.max` stored as 0 (so that zeroed memory is empty):
    /// the cell holds `~minNonZero`.
    @usableFromInline static let invertedMinCell = 1
    @usableFromInline static let maxCell = 2
    @usableFromInline static let overflowCell = 3
    @usableFromInline static let underflowCell = 4
    @usableFromInline static let headerCells = UnsafeAtomicCells.cellsPerBlock

    /// Cells one histogram of `layout` occupies, rounded to whole 128-byte blocks.
    static func cellCount(for layout: HistogramLayout) -> Int {
        UnsafeAtomicCells.roundedToBlock(headerCells + layout.countsLength)
    }

    /// - Precondition: `cells.count >= cellCount(for: layout)` and the cells are zero (an empty histogram).
    init(cells: UnsafeAtomicCells, layout: HistogramLayout) {
        precondition(cells.count >= Self.cellCount(for: layout), "histogram cells too small")
        self.cells = cells
        self.layout = layout
    }

    /// The view without the size check, for the hot path where the caller has bounded the region.
    @inlinable @inline(__always)
    init(unchecked cells: UnsafeAtomicCells, layout: HistogramLayout) {
        self.cells = cells
        self.layout = layout
    }

    /// Records one value. Values above `highestTrackableValue` are recorded as it and counted.
    /// - Complexity: O(1); no allocation, no ARC, no lock: about 4 relaxed loads and stores.
    /// - Warning: only the owning (single) writer thread may call this.
    @inlinable @inline(__always)
    func record(_ value: UInt64) {
        var v = value
        if _slowPath(v > layout.highestTrackableValue) {
            v = layout.highestTrackableValue
            cells.add(Self.overflowCell, 1)
        }
        cells.add(Self.headerCells &+ layout.index(of: v), 1)
        cells.add(Self.sumCell, v)
        if v > cells.load(Self.maxCell) { cells.store(Self.maxCell, v) }
        if v != 0 && ~v > cells.load(Self.invertedMinCell) { cells.store(Self.invertedMinCell, ~v) }
    }

    /// Records a signed duration; negative values (clock skew on `wire`) are recorded as 0 and counted.
    @inlinable @inline(__always)
    func record(signed value: Int64) {
        if _slowPath(value < 0) {
            cells.add(Self.underflowCell, 1)
            record(0)
        } else {
            record(UInt64(truncatingIfNeeded: value))
        }
    }

    /// Zeroes every cell. Writer-side operation; a concurrent snapshot may see a partial reset.
    func reset() {
        for i in 0..<(Self.headerCells + layout.countsLength) { cells.store(i, 0) }
    }

    /// Adds the counts of a snapshot of the same layout (writer-side, cold path).
    /// - Precondition: `other.layout == layout`.
    func add(_ other: HistogramSnapshot) {
        precondition(other.layout == layout, "cannot merge histograms of different layouts")
        for (i, c) in other.counts.enumerated() where c != 0 { cells.add(Self.headerCells + i, c) }
        cells.add(Self.sumCell, other.sum)
        cells.add(Self.overflowCell, other.overflowCount)
        cells.add(Self.underflowCell, other.underflowCount)
        if other.totalCount > 0 {
            if other.maxValue > cells.load(Self.maxCell) { cells.store(Self.maxCell, other.maxValue) }
            if other.minNonZeroValue != .max && ~other.minNonZeroValue > cells.load(Self.invertedMinCell) {
                cells.store(Self.invertedMinCell, ~other.minNonZeroValue)
            }
        }
    }

    /// Copies the histogram into a plain value; safe from any thread while the owner records.
    ///
    /// Each cell is read once with a relaxed load, so counts are never invented: every count in
    /// the copy was recorded, and counts of successive snapshots never decrease (until `reset`).
    /// Records in flight may be missing. The total is the sum of the copied slots; min and max are
    /// widened to cover the slots copied, so queries stay consistent with the counts.
    /// - Complexity: O(`layout.countsLength`) loads plus one array allocation (cold path).
    func snapshot() -> HistogramSnapshot {
        var counts = [UInt64](repeating: 0, count: layout.countsLength)
        var total: UInt64 = 0
        var lowestSlot = -1
        var highestSlot = -1
        counts.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count {
                let c = cells.load(Self.headerCells + i)
                out[i] = c
                if c != 0 {
                    total &+= c
                    if lowestSlot < 0 && i > 0 { lowestSlot = i }
                    highestSlot = i
                }
            }
        }
        var maxValue = cells.load(Self.maxCell)
        var minNonZero = ~cells.load(Self.invertedMinCell)
        if highestSlot >= 0 { maxValue = max(maxValue, layout.lowestValue(atIndex: highestSlot)) }
        if lowestSlot >= 0 {
            minNonZero = min(minNonZero, layout.highestEquivalent(of: layout.lowestValue(atIndex: lowestSlot)))
        }
        return HistogramSnapshot(
            layout: layout, counts: counts, totalCount: total, sum: cells.load(Self.sumCell),
            minNonZeroValue: minNonZero, maxValue: maxValue,
            overflowCount: cells.load(Self.overflowCell), underflowCount: cells.load(Self.underflowCell))
    }
}
