import Synchronization

/// A fixed block of 64-bit atomic cells, allocated once and zeroed (pages committed) at start-up.
/// Every histogram, counter and error-log slot of the telemetry lives in such cells, so one thread
/// can write while another reads without a lock and without a data race.
///
/// Non-owning view: whoever calls `allocate(count:)` calls `deallocate()` exactly once, after the
/// last access through any copy of the view.
@frozen @usableFromInline
struct UnsafeAtomicCells: Sendable {
    /// First cell, aligned to `CacheLine.padding` bytes.
    // SAFETY: the pointer is only dereferenced through atomic operations, so sharing it between
    // threads cannot race; its lifetime is managed by the owner (see the type's contract).
    @usableFromInline nonisolated(unsafe) let base: UnsafeMutablePointer<Atomic<UInt64>>
    /// Number of cells.
    @usableFromInline let count: Int

    /// Cells per 128-byte block: layouts round their regions up to this so that regions written by
    /// different threads never share a cache line (or an adjacent-line prefetch pair).
    @usableFromInline static let cellsPerBlock = 16

    @usableFromInline
    init(base: UnsafeMutablePointer<Atomic<UInt64>>, count: Int) {
        self.base = base
        self.count = count
    }

    /// Allocates `count` cells initialized to 0. Cold path: allocates and writes every cell.
    static func allocate(count: Int) -> UnsafeAtomicCells {
        precondition(count > 0, "cell count must be positive")
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<Atomic<UInt64>>.stride, alignment: 128)
        // SAFETY: fresh allocation of `count` strides; each cell is initialized once before use.
        let cells = raw.bindMemory(to: Atomic<UInt64>.self, capacity: count)
        for i in 0..<count { (cells + i).initialize(to: Atomic(0)) }
        return UnsafeAtomicCells(base: cells, count: count)
    }

    /// Frees the block. - Precondition: no other access to any copy of this view happens after.
    func deallocate() {
        // SAFETY: Atomic<UInt64> is trivially destructible; the block came from `allocate(count:)`.
        UnsafeMutableRawPointer(base).deallocate()
    }

    /// Rounds `n` up to a whole number of 128-byte blocks of cells.
    static func roundedToBlock(_ n: Int) -> Int {
        (n + cellsPerBlock - 1) / cellsPerBlock * cellsPerBlock
    }

    /// The view of `count` cells starting at `offset`.
    /// - Precondition: `offset + count <= self.count`.
    @usableFromInline
    func slice(offset: Int, count: Int) -> UnsafeAtomicCells {
        precondition(offset >= 0 && count >= 0 && offset + count <= self.count, "cell slice out of range")
        // SAFETY: in bounds by the precondition above.
        return UnsafeAtomicCells(base: base + offset, count: count)
    }

    /// Relaxed load of cell `i`.
    /// - Precondition (unchecked): `0 <= i < count`.
    @inlinable @inline(__always)
    func load(_ i: Int) -> UInt64 {
        // SAFETY: callers index within the block (checked by the layouts that compute `i`).
        // ORDERING: relaxed; a reader only needs each cell's own value, never an order between cells.
        (base + i).pointee.load(ordering: .relaxed)
    }

    /// Relaxed store to cell `i`. Only the cell's single writer calls this.
    @inlinable @inline(__always)
    func store(_ i: Int, _ value: UInt64) {
        // SAFETY: callers index within the block.
        // ORDERING: relaxed; single writer per cell, readers tolerate seeing any recent value.
        (base + i).pointee.store(value, ordering: .relaxed)
    }

    /// Adds `delta` to cell `i` as the cell's single writer: a relaxed load and a relaxed store
    /// (no locked read-modify-write, which would cost ≈ 20 cycles on x86).
    @inlinable @inline(__always)
    func add(_ i: Int, _ delta: UInt64) {
        // SAFETY: callers index within the block.
        // ORDERING: relaxed load + store; correct only because this thread is the sole writer.
        let cell = base + i
        cell.pointee.store(cell.pointee.load(ordering: .relaxed) &+ delta, ordering: .relaxed)
    }

    /// Acquire load of cell `i`: pairs with `storeReleasing` to publish the cells written before it.
    @inlinable @inline(__always)
    func loadAcquiring(_ i: Int) -> UInt64 {
        // SAFETY: callers index within the block.
        // ORDERING: acquire; makes the cells stored before the matching release store visible.
        (base + i).pointee.load(ordering: .acquiring)
    }

    /// Release store to cell `i`: publishes every cell this thread stored before it.
    @inlinable @inline(__always)
    func storeReleasing(_ i: Int, _ value: UInt64) {
        // SAFETY: callers index within the block.
        // ORDERING: release; a reader that acquires this value sees the cells written before it.
        (base + i).pointee.store(value, ordering: .releasing)
    }
}
