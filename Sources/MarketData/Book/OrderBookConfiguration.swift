/// Sizes of an `OrderBook`'s fixed storage, chosen at start-up.
@frozen
public struct OrderBookConfiguration: Sendable, Hashable {
    /// Ladder window per side, in ticks (a power of two ≥ 64). Levels farther than about ¾ of it
    /// below the touch (or off the tick grid) live in the slower sorted overflow store.
    public var ladderTicks: Int
    /// Capacity of each side's overflow store. When full, the worst-priced level is discarded and
    /// counted (`OrderBook.truncatedLevels`), so the top of the book stays exact.
    public var overflowCapacity: Int
    /// Initial tick in raw price units; a snapshot may replace it (see `OrderBook.removeAll(tick:)`).
    public var tick: Int64
    /// Run `checkInvariants()` after every `invariantCheckInterval`-th public mutation of the book
    /// (`set`, `apply`) and after every `replace`; 1 checks after each, 0 never. The check is
    /// O(ladder + overflow table), thousands of times the mutation's cost, so debug builds default to
    /// `debugInvariantCheckInterval` (a broken invariant stays broken, and is reported within that many
    /// mutations); the book's own tests check after each; release builds never check.
    public var invariantCheckInterval: Int

    /// Whether the book checks its invariants at all.
    public var checksInvariants: Bool { invariantCheckInterval > 0 }

    /// Default: 4096 ticks per side (32 KB of quantities + 512 B of bitmap), 8192 overflow levels.
    public init(ladderTicks: Int = 4096, overflowCapacity: Int = 8192, tick: Int64 = 1,
                invariantCheckInterval: Int = OrderBookConfiguration.debugBuild ? OrderBookConfiguration.debugInvariantCheckInterval : 0) {
        self.ladderTicks = ladderTicks
        self.overflowCapacity = overflowCapacity
        self.tick = tick
        self.invariantCheckInterval = max(0, invariantCheckInterval)
    }

    /// Public mutations between invariant checks in debug builds by default.
    public static let debugInvariantCheckInterval = 16

    /// True in debug (test) builds.
    public static var debugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}
