import HFTPrimitives

/// Aeron-style distinct-error log in atomic cells: a fixed open-addressing table keyed by
/// (error code, detail) holding first time, last time and count. A repeated error costs a probe
/// and two stores; a new one claims a slot; when the table is full the observation is counted in
/// `overflowCount` and dropped. One thread records; any thread may read.
///
/// Slot layout (8 cells, one cache line): tag (0 = empty, else code + 1), detail, first, last, count.
@frozen @usableFromInline
struct UnsafeDistinctErrorLog: Sendable {
    @usableFromInline let cells: UnsafeAtomicCells
    /// Number of slots, a power of two.
    @usableFromInline let capacity: Int

    @usableFromInline static let cellsPerSlot = 8
    @usableFromInline static let tag = 0
    @usableFromInline static let detail = 1
    @usableFromInline static let first = 2
    @usableFromInline static let last = 3
    @usableFromInline static let count = 4

    /// Cells for `capacity` slots plus one block holding the overflow counter.
    static func cellCount(capacity: Int) -> Int {
        UnsafeAtomicCells.cellsPerBlock + capacity * cellsPerSlot
    }

    /// - Precondition: `capacity` is a power of two and the cells are zero.
    init(cells: UnsafeAtomicCells, capacity: Int) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "error log capacity must be a power of two")
        precondition(cells.count >= Self.cellCount(capacity: capacity), "error log cells too small")
        self.cells = cells
        self.capacity = capacity
    }

    @inlinable @inline(__always)
    func slotBase(_ slot: Int) -> Int { UnsafeAtomicCells.cellsPerBlock &+ slot &* Self.cellsPerSlot }

    /// Records one observation of (code, detail) at `now`.
    /// - Complexity: O(1) expected, O(capacity) when the table is nearly full; no allocation, no lock.
    /// - Warning: single writer: only the owning thread records.
    @inlinable
    func record(code: ErrorCode, detail: Int64, now: Nanos) {
        let tag = UInt64(code.raw) &+ 1
        let detailBits = UInt64(bitPattern: detail)
        let mask = capacity &- 1
        var slot = Int(truncatingIfNeeded: ((tag &* 0x9E37_79B9_7F4A_7C15) ^ (detailBits &* 0xC2B2_AE3D_27D4_EB4F)) &>> 32) & mask
        for _ in 0..<capacity {
            let base = slotBase(slot)
            // The writer owns every slot, so a relaxed read of its own tag is exact.
            let existing = cells.load(base &+ Self.tag)
            if existing == 0 {
                cells.store(base &+ Self.detail, detailBits)
                cells.store(base &+ Self.first, UInt64(bitPattern: now.raw))
                cells.store(base &+ Self.last, UInt64(bitPattern: now.raw))
                cells.store(base &+ Self.count, 1)
                cells.storeReleasing(base &+ Self.tag, tag)
                return
            }
            if existing == tag && cells.load(base &+ Self.detail) == detailBits {
                cells.store(base &+ Self.last, UInt64(bitPattern: now.raw))
                cells.add(base &+ Self.count, 1)
                return
            }
            slot = (slot &+ 1) & mask
        }
        cells.add(0, 1)
    }

    /// Observations dropped because the table was full.
    var overflowCount: UInt64 { cells.load(0) }

    /// The occupied slots as (code, detail, count, first, last); callable from any thread.
    func entries() -> [(code: ErrorCode, detail: Int64, count: UInt64, first: Int64, last: Int64)] {
        var result: [(code: ErrorCode, detail: Int64, count: UInt64, first: Int64, last: Int64)] = []
        for slot in 0..<capacity {
            let base = slotBase(slot)
            let tag = cells.loadAcquiring(base + Self.tag)
            if tag == 0 { continue }
            result.append((
                code: ErrorCode(raw: UInt16(truncatingIfNeeded: tag - 1)),
                detail: Int64(bitPattern: cells.load(base + Self.detail)),
                count: cells.load(base + Self.count),
                first: Int64(bitPattern: cells.load(base + Self.first)),
                last: Int64(bitPattern: cells.load(base + Self.last))))
        }
        return result
    }
}
