import HFTPrimitives

/// Preallocated storage for the trades of one message (Bybit `publicTrade` carries an array).
///
/// Allocated once at start-up; parsers write into it and report `.tradeCapacityExceeded`
/// instead of growing it.
public struct TradeBuffer: ~Copyable {
    /// Maximum number of trades held.
    public let capacity: Int
    @usableFromInline let storage: UnsafeMutablePointer<TradeEvent>
    @usableFromInline var storedCount: Int

    /// Number of valid trades.
    @inlinable
    public var count: Int { storedCount }

    /// - Precondition: `capacity > 0`.
    public init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        self.storage = .allocate(capacity: capacity)
        self.storedCount = 0
    }

    deinit {
        storage.deallocate()
    }

    /// The trade at `i`, in message order.
    /// - Precondition: `0 <= i < count`.
    @inlinable
    public subscript(i: Int) -> TradeEvent {
        precondition(i >= 0 && i < storedCount, "trade index out of range")
        // SAFETY: 0 <= i < count <= capacity, and slots below count were initialised by append.
        return storage[i]
    }

    /// Empties the buffer (O(1)).
    @inlinable @inline(__always)
    public mutating func removeAll() {
        storedCount = 0
    }

    /// Appends a trade; false when the buffer is full.
    @inlinable @inline(__always)
    public mutating func append(_ trade: TradeEvent) -> Bool {
        guard storedCount < capacity else { return false }
        // SAFETY: storedCount < capacity; TradeEvent is trivial, so assignment over an uninitialised slot is fine.
        storage[storedCount] = trade
        storedCount &+= 1
        return true
    }

    /// Keeps the first `count` trades (`count` ≤ `self.count`).
    @inlinable @inline(__always)
    public mutating func truncate(to count: Int) {
        storedCount = min(max(0, count), storedCount)
    }

    /// Overwrites the trade at `i` (`i` < `count`).
    @inlinable @inline(__always)
    public mutating func set(_ i: Int, _ trade: TradeEvent) {
        precondition(i >= 0 && i < storedCount, "trade index out of range")
        storage[i] = trade
    }

    /// The valid trades, in message order. Valid until the next mutation.
    @inlinable
    public var events: UnsafeBufferPointer<TradeEvent> { UnsafeBufferPointer(start: storage, count: storedCount) }
}
