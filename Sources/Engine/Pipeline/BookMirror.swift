import HFTPrimitives
import MarketData

/// The top levels of every instrument's book as a downstream stage sees them. One `OrderBook`
/// per instrument, kept in step either by a `BookEventPublisher`'s level events (`apply`) or, on
/// a ring with snapshot slots, by each commit's slot (`replace`): only the levels that differ from
/// the ones the last slot held are set, so a commit costs one merge of two ≤ `depth` lists.
/// A mirror is fed one way or the other, never both.
///
/// - Invariant: after a commit of instrument i, `book(i)` holds exactly the top `depth` levels
///   per side the Book stage had (empty when it said stale).
final class BookMirror {
    let count: Int
    let books: UnsafeMutablePointer<OrderBook>
    let stale: UnsafeMutablePointer<Bool>
    /// Levels per side a slot holds (0: the mirror is fed by level events).
    let depth: Int
    /// `[instrument][side][depth]`: the levels the last `replace` left on each side, best first.
    let applied: UnsafeMutablePointer<DepthLevel>
    /// `[instrument][side]` counts of `applied`.
    let appliedCount: UnsafeMutablePointer<Int>

    /// - Parameter snapshotDepth: the depth of the snapshot slots `replace` reads; 0 for a mirror
    ///   fed by level events.
    init(ticks: [Int64], snapshotDepth: Int = 0) {
        count = ticks.count
        depth = snapshotDepth
        books = .allocate(capacity: max(1, count))
        stale = .allocate(capacity: max(1, count))
        stale.initialize(repeating: true, count: max(1, count))
        for (i, tick) in ticks.enumerated() {
            (books + i).initialize(to: OrderBook(configuration: OrderBookConfiguration(tick: tick)))
        }
        let rows = max(1, count) * 2
        applied = .allocate(capacity: rows * max(1, snapshotDepth))
        applied.initialize(repeating: DepthLevel(price: .zero, quantity: .zero), count: rows * max(1, snapshotDepth))
        appliedCount = .allocate(capacity: rows)
        appliedCount.initialize(repeating: 0, count: rows)
    }

    deinit {
        books.deinitialize(count: count)
        books.deallocate()
        stale.deallocate()
        applied.deallocate()
        appliedCount.deallocate()
    }

    /// Applies one `level` event; returns false for an instrument out of range.
    @inline(__always)
    func apply(_ e: BookEvent) -> Bool {
        let i = Int(e.instrument.raw)
        guard i < count else { return false }
        books[i].set(side: e.side, price: e.price, quantity: e.quantity)
        return true
    }

    /// Makes `side` of instrument `i`'s book hold exactly `levels` (a snapshot slot's side, best
    /// first, at most `depth` levels): the differences from the last slot applied are set, the
    /// levels stored for the next one.
    /// - Precondition: `i < count`, `levels.count <= depth`.
    /// - Complexity: O(depth); no allocation.
    @inline(__always)
    func replace(_ i: Int, _ side: Side, with levels: UnsafeBufferPointer<DepthLevel>) {
        let row = i &* 2 &+ (side == .buy ? 0 : 1)
        let base = applied + row &* depth
        let n = min(levels.count, depth)
        // An empty buffer may have no base address: then nothing is read from it.
        let new = levels.baseAddress ?? UnsafePointer(base)
        let book = books + i
        // SAFETY: i < count; base holds appliedCount[row] ≤ depth levels, `new` n levels.
        _ = TopLevelsDiff.forEachChange(old: base, count: appliedCount[row], new: new, count: n, side: side) { level in
            book.pointee.set(side: side, price: level.price, quantity: level.quantity)
        }
        base.update(from: new, count: n)
        appliedCount[row] = n
    }
}
