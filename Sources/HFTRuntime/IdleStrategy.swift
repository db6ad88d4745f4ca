/// How a thread waits when its duty cycle found no work (agrona's `IdleStrategy`).
///
/// The runner calls `idle(workCount:)` once per duty cycle with the amount of work that cycle
/// did. A positive count resets the strategy to its most eager state; a zero count advances it one
/// step towards waiting more cheaply. Conforming types are small values owned by one thread, so
/// they are not shared and need no synchronisation.
///
/// Implementations must not allocate, lock, log or throw: `idle` sits on the hot path. The
/// runner is generic over the strategy, so the call is specialized and direct (no existential).
public protocol IdleStrategy {
    /// Waits (or not) after a duty cycle that did `workCount` units of work.
    /// - Parameter workCount: the cycle's work; `> 0` resets the strategy, `0` idles one step.
    mutating func idle(workCount: Int)

    /// Returns to the most eager state, as after a cycle that did work.
    mutating func reset()
}
