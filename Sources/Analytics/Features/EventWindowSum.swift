/// The sum of the last `capacity` values pushed (an event-clock window), exact in `Int64`.
///
/// Invariant: `sum` = Σ of the values in `ring`.
/// - Complexity: O(1) per push; never allocates after `init`.
struct EventWindowSum: ~Copyable {
    private var ring: UnsafeRing<Int64>
    private(set) var sum: Int64

    /// - Precondition: `capacity >= 1`.
    init(capacity: Int) {
        ring = UnsafeRing(capacity: capacity)
        sum = 0
    }

    @inline(__always) var count: Int { ring.count }

    @inline(__always)
    mutating func push(_ v: Int64) {
        if ring.isFull { sum &-= ring.removeFirst() }
        ring.append(v)
        sum &+= v
    }

    mutating func removeAll() {
        ring.removeAll()
        sum = 0
    }
}
