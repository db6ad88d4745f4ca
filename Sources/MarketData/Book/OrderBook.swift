import HFTPrimitives

/// An exact L2 order book in fixed point: for each side, the absolute quantity at each price.
///
/// Each side is a tick-indexed ladder around the touch with an occupancy bitmap and a sorted
/// overflow store for far or off-grid levels (`BookSide`). All memory is allocated in `init`;
/// no update allocates. The book knows nothing about sequencing: `SyncedOrderBook` decides what
/// may be applied.
///
/// Invariant (checked by `checkInvariants()`): per side, levels strictly ordered, no zero-quantity
/// level stored, best indices equal to the true best. Crossing is reported by `isCrossed`; a synced
/// book is never crossed after a whole venue message (`SyncedOrderBook` counts it if it is).
///
/// - Complexity: `set` O(1) inside the ladder window; `bestBid`/`bestAsk` O(1); top-N O(N + empty
///   64-tick words skipped).
@frozen
public struct OrderBook: ~Copyable {
    @usableFromInline var bids: BookSide
    @usableFromInline var asks: BookSide
    /// Public mutations between runs of `checkInvariants()` (0: never; see `OrderBookConfiguration`).
    public let invariantCheckInterval: Int
    /// Public mutations left before the next check.
    @usableFromInline var mutationsUntilCheck: Int

    /// Allocates all storage. Cold.
    public init(configuration: OrderBookConfiguration = OrderBookConfiguration()) {
        self.bids = BookSide(slotCount: configuration.ladderTicks, overflowCapacity: configuration.overflowCapacity, tick: configuration.tick)
        self.asks = BookSide(slotCount: configuration.ladderTicks, overflowCapacity: configuration.overflowCapacity, tick: configuration.tick)
        self.invariantCheckInterval = configuration.invariantCheckInterval
        self.mutationsUntilCheck = configuration.invariantCheckInterval
    }

    /// The tick grid of the ladder, in raw price units.
    @inlinable public var tick: Int64 { bids.tick }

    /// Empties both sides and adopts `tick` (raw price units, ≥ 1) as the ladder grid.
    /// - Complexity: O(ladder words + 1), no allocation.
    @inlinable
    public mutating func removeAll(tick: Int64) {
        bids.removeAll(tick: tick)
        asks.removeAll(tick: tick)
    }

    /// Empties both sides, keeping the tick.
    @inlinable
    public mutating func removeAll() { removeAll(tick: tick) }

    /// Sets the absolute quantity at `price` on `side`; zero removes the level (an unknown level is ignored).
    /// - Complexity: O(1) inside the ladder window.
    @inlinable
    public mutating func set(side: Side, price: Price, quantity: Quantity) {
        setUnchecked(side: side, price: price, quantity: quantity)
        if invariantCheckInterval > 0 { mutated(always: false) }
    }

    /// Counts a public mutation and runs `checkInvariants()` when the interval has passed or `always`.
    @usableFromInline
    mutating func mutated(always: Bool) {
        mutationsUntilCheck -= 1
        if always || mutationsUntilCheck <= 0 {
            mutationsUntilCheck = invariantCheckInterval
            checkInvariants()
        }
    }

    @inlinable @inline(__always)
    mutating func setUnchecked(side: Side, price: Price, quantity: Quantity) {
        if side == .buy {
            bids.set(key: price.raw, quantity: quantity.raw)
        } else {
            asks.set(key: 0 &- price.raw, quantity: quantity.raw)
        }
    }

    /// Applies one venue message's levels (absolute quantities, 0 removes), bids then asks.
    @inlinable
    public mutating func apply(bids newBids: UnsafeBufferPointer<DepthLevel>, asks newAsks: UnsafeBufferPointer<DepthLevel>) {
        applyUnchecked(bids: newBids, asks: newAsks)
        if invariantCheckInterval > 0 { mutated(always: false) }
    }

    @inlinable @inline(__always)
    mutating func applyUnchecked(bids newBids: UnsafeBufferPointer<DepthLevel>, asks newAsks: UnsafeBufferPointer<DepthLevel>) {
        for level in newBids { bids.set(key: level.price.raw, quantity: level.quantity.raw) }
        for level in newAsks { asks.set(key: 0 &- level.price.raw, quantity: level.quantity.raw) }
    }

    /// Replaces the whole book with a snapshot's levels and adopts `tick` as the grid.
    @inlinable
    public mutating func replace(tick: Int64, bids newBids: UnsafeBufferPointer<DepthLevel>, asks newAsks: UnsafeBufferPointer<DepthLevel>) {
        removeAll(tick: tick)
        // Anchor each side on its best level first so the snapshot lands in the ladder.
        if let b = OrderBook.bestKey(newBids, sign: 1) { bids.anchor(on: b) }
        if let a = OrderBook.bestKey(newAsks, sign: -1) { asks.anchor(on: a) }
        applyUnchecked(bids: newBids, asks: newAsks)
        if invariantCheckInterval > 0 { mutated(always: true) }
    }

    @inlinable
    static func bestKey(_ levels: UnsafeBufferPointer<DepthLevel>, sign: Int64) -> Int64? {
        var best: Int64? = nil
        for l in levels where !l.quantity.isZero {
            let k = l.price.raw &* sign
            if best == nil || k > best! { best = k }
        }
        return best
    }

    /// Best bid (price, quantity), or nil when there are no bids. O(1).
    @inlinable
    public var bestBid: DepthLevel? {
        guard let b = bids.best else { return nil }
        return DepthLevel(price: Price(raw: b.key), quantity: Quantity(raw: b.quantity))
    }

    /// Best ask (price, quantity), or nil when there are no asks. O(1).
    @inlinable
    public var bestAsk: DepthLevel? {
        guard let a = asks.best else { return nil }
        return DepthLevel(price: Price(raw: 0 &- a.key), quantity: Quantity(raw: a.quantity))
    }

    /// Number of levels on `side`.
    @inlinable
    public func levelCount(_ side: Side) -> Int { side == .buy ? bids.count : asks.count }

    /// Quantity resting at `price` on `side` (zero when absent).
    @inlinable
    public func quantity(side: Side, at price: Price) -> Quantity {
        Quantity(raw: side == .buy ? bids.quantity(at: price.raw) : asks.quantity(at: 0 &- price.raw))
    }

    /// True when both sides exist and best bid ≥ best ask.
    @inlinable
    public var isCrossed: Bool {
        guard let b = bids.best, let a = asks.best else { return false }
        return b.key >= 0 &- a.key
    }

    /// Writes the best `out.count` levels of `side`, best first, into `out`; returns how many were written.
    /// - Complexity: O(n + empty 64-tick words skipped), no allocation.
    @inlinable
    public func topLevels(_ side: Side, into out: UnsafeMutableBufferPointer<DepthLevel>) -> Int {
        var n = 0
        let sign: Int64 = side == .buy ? 1 : -1
        if side == .buy {
            _ = bids.forEachLevel(limit: out.count) { k, q in
                out[n] = DepthLevel(price: Price(raw: k &* sign), quantity: Quantity(raw: q)); n &+= 1; return true
            }
        } else {
            _ = asks.forEachLevel(limit: out.count) { k, q in
                out[n] = DepthLevel(price: Price(raw: k &* sign), quantity: Quantity(raw: q)); n &+= 1; return true
            }
        }
        return n
    }

    /// Visits up to `limit` levels of `side`, best first, until `body` returns false.
    @inlinable
    public func forEachLevel(_ side: Side, limit: Int = .max, _ body: (DepthLevel) -> Bool) {
        if side == .buy {
            _ = bids.forEachLevel(limit: limit) { k, q in body(DepthLevel(price: Price(raw: k), quantity: Quantity(raw: q))) }
        } else {
            _ = asks.forEachLevel(limit: limit) { k, q in body(DepthLevel(price: Price(raw: 0 &- k), quantity: Quantity(raw: q))) }
        }
    }

    /// Levels discarded because an overflow store was full (worst prices first); 0 in a healthy configuration.
    public var truncatedLevels: Int { bids.truncatedLevels + asks.truncatedLevels }

    /// Times a ladder window was re-centred (the touch moved far).
    public var recentres: Int { bids.recentres + asks.recentres }

    /// A description of the first broken structural invariant (either side), or nil.
    /// - Complexity: O(ladder size + levels). Cold: tests and debug builds.
    public func validate() -> String? {
        if let e = bids.validate() { return "bids: \(e)" }
        if let e = asks.validate() { return "asks: \(e)" }
        return nil
    }

    /// Traps with a description when a structural invariant is broken. Run after every
    /// `invariantCheckInterval`-th public mutation and every `replace` (debug builds).
    public func checkInvariants() {
        if let e = validate() { fatalError("OrderBook invariant broken: \(e)") }
    }
}
