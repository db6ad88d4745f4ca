/// The sum of the values pushed in the last `windowNanos`: the window `(now − T, now]`.
///
/// Invariant: `sum` = Σ of the values in `ring`; every sample has `time > lastCutoff`.
/// When the ring is full the oldest sample leaves early and `capacityEvictions` counts it.
/// - Complexity: amortised O(1) per push/advance; never allocates after `init`.
struct TimeWindowSum: ~Copyable {
    let windowNanos: Int64
    private var ring: UnsafeRing<TimedValue>
    private(set) var sum: Int64
    private(set) var capacityEvictions: Int

    init(windowNanos: Int64, capacity: Int) {
        self.windowNanos = windowNanos
        self.ring = UnsafeRing(capacity: capacity)
        self.sum = 0
        self.capacityEvictions = 0
    }

    @inline(__always) var count: Int { ring.count }

    /// Drops samples with `time <= now − T`.
    @inline(__always)
    mutating func advance(to now: Int64) {
        let cutoff = now &- windowNanos
        while !ring.isEmpty, ring.first.time <= cutoff { sum &-= ring.removeFirst().value }
    }

    @inline(__always)
    mutating func push(_ v: Int64, at time: Int64) {
        advance(to: time)
        if ring.isFull {
            sum &-= ring.removeFirst().value
            capacityEvictions &+= 1
        }
        ring.append(TimedValue(time: time, value: v))
        sum &+= v
    }
}
