import HFTPrimitives

/// A preallocated, bounded FIFO of depth diffs (headers and their levels) kept while a book is
/// stale, to bridge from once a snapshot arrives.
///
/// Bounded twice: by message count and by total level count; `append` returns false when either
/// would be exceeded (the caller's named outcome is `.bufferOverflowed`). No allocation after `init`.
@frozen
public struct DiffBuffer: ~Copyable {
    public let messageCapacity: Int
    public let levelCapacity: Int
    @usableFromInline let headers: UnsafeMutablePointer<DepthUpdateHeader>
    /// Offset of each message's first level in `levels` (bids then asks).
    @usableFromInline let offsets: UnsafeMutablePointer<Int>
    @usableFromInline let levels: UnsafeMutablePointer<DepthLevel>
    /// Index of the oldest kept message (messages before it were consumed).
    @usableFromInline var start: Int
    @usableFromInline var end: Int
    @usableFromInline var levelEnd: Int

    /// - Precondition: both capacities positive.
    public init(messageCapacity: Int, levelCapacity: Int) {
        precondition(messageCapacity > 0 && levelCapacity > 0, "buffer capacities must be positive")
        self.messageCapacity = messageCapacity
        self.levelCapacity = levelCapacity
        self.headers = .allocate(capacity: messageCapacity)
        self.offsets = .allocate(capacity: messageCapacity)
        self.levels = .allocate(capacity: levelCapacity)
        self.start = 0
        self.end = 0
        self.levelEnd = 0
    }

    @inlinable
    deinit {
        headers.deallocate()
        offsets.deallocate()
        levels.deallocate()
    }

    /// Messages kept.
    @inlinable public var count: Int { end &- start }
    @inlinable public var isEmpty: Bool { end == start }

    /// Empties the buffer. O(1).
    @inlinable
    public mutating func removeAll() {
        start = 0
        end = 0
        levelEnd = 0
    }

    /// Forgets the oldest `n` messages. O(1) (space is reclaimed when the buffer empties).
    @inlinable
    public mutating func removeFirst(_ n: Int) {
        start = min(end, start &+ n)
        if start == end { removeAll() }
    }

    /// Appends a diff; false (buffer unchanged) when the message or level capacity would be exceeded.
    @inlinable
    public mutating func append(_ header: DepthUpdateHeader, bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) -> Bool {
        let n = bids.count &+ asks.count
        guard end < messageCapacity, levelEnd &+ n <= levelCapacity else { return false }
        var h = header
        h.bidCount = Int32(truncatingIfNeeded: bids.count)
        h.askCount = Int32(truncatingIfNeeded: asks.count)
        headers[end] = h
        offsets[end] = levelEnd
        // SAFETY: `levelEnd + n <= levelCapacity` was checked; the sources are valid buffers of trivial values.
        if let b = bids.baseAddress, bids.count > 0 { (levels + levelEnd).update(from: b, count: bids.count) }
        if let a = asks.baseAddress, asks.count > 0 { (levels + levelEnd + bids.count).update(from: a, count: asks.count) }
        levelEnd &+= n
        end &+= 1
        return true
    }

    /// The `i`-th kept message (0 = oldest).
    @inlinable
    public func header(_ i: Int) -> DepthUpdateHeader { headers[start &+ i] }

    /// The bid levels of the `i`-th kept message; valid until the next mutation.
    @inlinable
    public func bids(_ i: Int) -> UnsafeBufferPointer<DepthLevel> {
        let h = headers[start &+ i]
        return UnsafeBufferPointer(start: levels + offsets[start &+ i], count: Int(h.bidCount))
    }

    /// The ask levels of the `i`-th kept message; valid until the next mutation.
    @inlinable
    public func asks(_ i: Int) -> UnsafeBufferPointer<DepthLevel> {
        let h = headers[start &+ i]
        return UnsafeBufferPointer(start: levels + offsets[start &+ i] + Int(h.bidCount), count: Int(h.askCount))
    }
}
