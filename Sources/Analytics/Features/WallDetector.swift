import MarketData

/// Large resting orders ("walls") on one side (DEFINITIONS.md §5, our rule): the level nearest to
/// the touch, among the top `levels`, whose displayed size is ≥ `factor × median` of those levels'
/// sizes (lower median for an even count). It is reported once the same price has qualified on
/// every book event for at least `persistNanos`.
///
/// - Complexity: O(levels²) worst case per book event (insertion sort of ≤ `levels` sizes in a
///   preallocated scratch buffer; levels ≤ 32). Never allocates after `init`.
struct WallDetector: ~Copyable {
    let levels: Int
    let factorPermille: Int64
    let persistNanos: Int64
    private let scratch: UnsafeMutablePointer<Int64>
    /// Price of the tracked candidate, `Int64.min` when none.
    private(set) var price: Int64
    private(set) var since: Int64

    init(levels: Int, factorPermille: Int64, persistNanos: Int64) {
        self.levels = max(1, levels)
        self.factorPermille = factorPermille
        self.persistNanos = persistNanos
        self.scratch = .allocate(capacity: max(1, levels))
        self.price = .min
        self.since = 0
    }

    deinit { scratch.deallocate() }

    /// Updates the candidate from the side's levels (best first) at time `now`.
    @inline(__always)
    mutating func update(_ side: UnsafeBufferPointer<DepthLevel>, now: Int64) {
        let n = min(levels, side.count)
        guard n > 0 else {
            price = .min
            return
        }
        var i = 0
        while i < n {
            // SAFETY: i < n <= levels (scratch capacity) and i < side.count.
            let v = side[i].quantity.raw
            var j = i
            while j > 0, scratch[j &- 1] > v {
                scratch[j] = scratch[j &- 1]
                j &-= 1
            }
            scratch[j] = v
            i &+= 1
        }
        let median = Int128(scratch[(n &- 1) >> 1])
        var found: Int64 = .min
        i = 0
        while i < n {
            if Int128(side[i].quantity.raw) * 1000 >= Int128(factorPermille) * median {
                found = side[i].price.raw
                break
            }
            i &+= 1
        }
        if found != price {
            price = found
            since = now
        }
    }

    /// The wall's price when one has persisted for `persistNanos` at `now`.
    @inline(__always)
    func persistentWall(now: Int64) -> Int64? {
        price != .min && now &- since >= persistNanos ? price : nil
    }
}
