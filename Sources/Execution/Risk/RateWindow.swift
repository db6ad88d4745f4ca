import HFTPrimitives

/// Times of the last accepted orders, to enforce "at most N per window" in O(1).
///
/// A fixed ring of 64 timestamps: an order is allowed when the N-th most recent accepted order
/// is older than the window.
@frozen
public struct RateWindow: BitwiseCopyable, Sendable {
    public static let capacity = 64
    @usableFromInline var times: InlineArray<64, Int64>
    @usableFromInline var next: Int
    @usableFromInline var count: Int

    public init() {
        times = InlineArray(repeating: Int64.min)
        next = 0
        count = 0
    }

    /// Whether one more order at `now` stays within `limit` per `window`.
    @inlinable
    public func allows(now: Nanos, limit: Int, window: Nanos) -> Bool {
        if count < limit { return true }
        // The limit-th most recent entry.
        var idx = next &- limit
        if idx < 0 { idx &+= RateWindow.capacity }
        return now.raw &- times[idx] >= window.raw
    }

    /// Records an accepted order at `now`.
    @inlinable
    public mutating func record(now: Nanos) {
        times[next] = now.raw
        next = next &+ 1 == RateWindow.capacity ? 0 : next &+ 1
        if count < RateWindow.capacity { count &+= 1 }
    }
}
