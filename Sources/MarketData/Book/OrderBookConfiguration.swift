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
    /// Run `checkInvariants()` after every public mutation. Defaults to on in debug builds.
    public var checksInvariants: Bool

    /// Default: 4096 ticks per side (32 KB of quantities + 512 B of bitmap), 8192 overflow levels.
    public init(ladderTicks: Int = 4096, overflowCapacity: Int = 8192, tick: Int64 = 1, checksInvariants: Bool = OrderBookConfiguration.debugBuild) {
        self.ladderTicks = ladderTicks
        self.overflowCapacity = overflowCapacity
        self.tick = tick
        self.checksInvariants = checksInvariants
    }

    /// True in debug (test) builds.
    public static var debugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}
