import HFTPrimitives

/// Preallocated storage for the levels of one depth message: bids first, then asks.
///
/// Allocated once at start-up with a capacity per side (Binance REST snapshots carry up to 5000
/// levels per side, Bybit up to 1000); parsers write into it and report `.levelCapacityExceeded`
/// instead of growing it.
public struct DepthLevelBuffer: ~Copyable {
    /// Capacity per side.
    public let capacityPerSide: Int
    @usableFromInline let bidStorage: UnsafeMutablePointer<DepthLevel>
    @usableFromInline let askStorage: UnsafeMutablePointer<DepthLevel>
    /// Number of valid bid levels.
    public var bidCount: Int
    /// Number of valid ask levels.
    public var askCount: Int

    /// - Precondition: `capacityPerSide > 0`.
    public init(capacityPerSide: Int) {
        precondition(capacityPerSide > 0, "capacity must be positive")
        self.capacityPerSide = capacityPerSide
        self.bidStorage = .allocate(capacity: capacityPerSide)
        self.askStorage = .allocate(capacity: capacityPerSide)
        self.bidCount = 0
        self.askCount = 0
    }

    deinit {
        bidStorage.deallocate()
        askStorage.deallocate()
    }

    /// Empties both sides (O(1)).
    @inlinable @inline(__always)
    public mutating func removeAll() {
        bidCount = 0
        askCount = 0
    }

    /// Appends a level to `side`; false when that side is full.
    @inlinable @inline(__always)
    public mutating func append(_ level: DepthLevel, side: Side) -> Bool {
        if side == .buy {
            guard bidCount < capacityPerSide else { return false }
            bidStorage[bidCount] = level
            bidCount &+= 1
        } else {
            guard askCount < capacityPerSide else { return false }
            askStorage[askCount] = level
            askCount &+= 1
        }
        return true
    }

    /// The valid bid levels, in message order.
    @inlinable
    public var bids: UnsafeBufferPointer<DepthLevel> { UnsafeBufferPointer(start: bidStorage, count: bidCount) }

    /// The valid ask levels, in message order.
    @inlinable
    public var asks: UnsafeBufferPointer<DepthLevel> { UnsafeBufferPointer(start: askStorage, count: askCount) }
}
