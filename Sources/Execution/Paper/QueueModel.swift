/// How a resting paper order's queue position advances (DEFINITIONS.md §8, after hftbacktest).
///
/// `join` is called when the order is accepted at a price whose displayed quantity is `displayed`;
/// `trade` when a trade prints at the order's price; `depth` when the displayed quantity at the
/// price changes from `previous` to `current`.
public protocol QueueModel: Sendable {
    func join(displayed: Double) -> QueuePosition
    func trade(_ position: inout QueuePosition, quantity: Double)
    func depth(_ position: inout QueuePosition, previous: Double, current: Double)
}

extension QueueModel {
    @inlinable
    public func join(displayed: Double) -> QueuePosition { QueuePosition(front: displayed) }

    @inlinable
    public func trade(_ position: inout QueuePosition, quantity: Double) {
        position.front -= quantity
        position.cumulativeTrades += quantity
    }
}

/// Conservative: the order advances only when trades print at its price; a level decrease only
/// caps the quantity ahead at the new displayed size.
@frozen
public struct RiskAverseQueueModel: QueueModel {
    @inlinable public init() {}

    @inlinable
    public func depth(_ position: inout QueuePosition, previous: Double, current: Double) {
        position.cumulativeTrades = 0
        position.front = min(position.front, current)
    }
}

/// The probability that a level decrease happened behind the order.
@frozen
public enum QueueProbability: Sendable, Equatable {
    /// `f(x) = xⁿ`, `p = f(back) / (f(back) + f(front))`.
    case power(Double)
    /// `f(x) = ln(1 + x)`, `p = f(back) / (f(back) + f(front))`.
    case log

    @inlinable
    public func probability(front: Double, back: Double) -> Double {
        let fb: Double
        let ff: Double
        switch self {
        case .power(let n):
            fb = pow(back, n)
            ff = pow(front, n)
        case .log:
            fb = log1p(back)
            ff = log1p(front)
        }
        let p = fb / (fb + ff)
        return p.isFinite ? p : 1
    }
}

/// Probabilistic queue model (Rigtorp 2013; hftbacktest `ProbQueueModel`): a level decrease of
/// `chg` (net of trades) with `back = previous − front` moves the order forward by
/// `(1 − p)·chg − min(back − p·chg, 0)`, capped at the new level size.
@frozen
public struct ProbabilisticQueueModel: QueueModel {
    public let probability: QueueProbability

    @inlinable
    public init(_ probability: QueueProbability) { self.probability = probability }

    @inlinable
    public func depth(_ position: inout QueuePosition, previous: Double, current: Double) {
        let chg = previous - current - position.cumulativeTrades
        position.cumulativeTrades = 0
        if chg < 0 {
            position.front = min(position.front, current)
            return
        }
        let front = position.front
        let back = previous - front
        let p = probability.probability(front: front, back: back)
        let estimate = front - (1 - p) * chg + min(back - p * chg, 0)
        position.front = min(estimate, current)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
