/// Per-component sums of the last `capacity` vectors of `width` `Int64`s (multi-level OFI over the
/// event window), exact.
///
/// Invariant: `sums[j]` = Σ over the stored rows of component `j`.
/// - Complexity: O(width) per push; never allocates after `init`.
struct VectorWindowSum: ~Copyable {
    let width: Int
    let capacity: Int
    private let rows: UnsafeMutablePointer<Int64>
    let sums: UnsafeMutablePointer<Int64>
    private var head = 0
    private(set) var count = 0

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = max(1, capacity)
        rows = .allocate(capacity: width * self.capacity)
        rows.initialize(repeating: 0, count: width * self.capacity)
        sums = .allocate(capacity: width)
        sums.initialize(repeating: 0, count: width)
    }

    deinit {
        rows.deallocate()
        sums.deallocate()
    }

    /// Pushes `row` (`width` values), evicting the oldest row when full.
    @inline(__always)
    mutating func push(_ row: UnsafePointer<Int64>) {
        var slot: Int
        if count == capacity {
            slot = head
            head &+= 1
            if head == capacity { head = 0 }
        } else {
            slot = head &+ count
            if slot >= capacity { slot &-= capacity }
            count &+= 1
        }
        // SAFETY: slot < capacity, so [slot*width, slot*width + width) is inside `rows`; j < width.
        let base = rows + slot &* width
        for j in 0..<width {
            sums[j] &+= row[j] &- base[j]
            base[j] = row[j]
        }
    }
}
