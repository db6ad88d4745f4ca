/// The estimated quantity ahead of one resting paper order at its price level.
///
/// Quantities are in raw quantity units as `Double` (an estimate, not accounting); the fill it
/// implies is rounded down to whole lots before it becomes a `Quantity`.
@frozen
public struct QueuePosition: BitwiseCopyable, Sendable, Equatable {
    /// Quantity ahead of the order; negative = that much of the order has been reached.
    public var front: Double
    /// Trade quantity at the level since the last depth update (so a depth decrease caused by
    /// those trades is not counted twice).
    public var cumulativeTrades: Double

    @inlinable
    public init(front: Double) {
        self.front = front
        self.cumulativeTrades = 0
    }

    /// Quantity of the order reached by the queue, in whole lots (raw units); 0 while anything is ahead.
    /// Same rule as hftbacktest's `is_filled`: filled once `round(front / lot) < 0`, by `floor(−front / lot)` lots.
    @inlinable
    public func reached(lot: Int64) -> Int64 {
        let l = Double(lot)
        guard (front / l).rounded() < 0 else { return 0 }
        return Int64((-front / l).rounded(.down)) &* lot
    }
}
