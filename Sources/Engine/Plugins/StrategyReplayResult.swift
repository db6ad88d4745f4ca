import Execution

/// What a `StrategyReplayHarness` run produced (the paper-mode report).
public struct StrategyReplayResult: Sendable, CustomStringConvertible {
    public var frames = 0
    /// Book events delivered to `on_tick` (the sequence numbers 1...ticks).
    public var ticks: UInt64 = 0
    public var intents = 0
    /// Intents the validator refused, by `IntentRejectReason.rawValue`.
    public var invalidIntents = [Int](repeating: 0, count: IntentRejectReason.allCases.count)
    public var riskRejects = 0
    public var orders = 0
    public var cancels = 0
    public var fills = 0
    public var makerFills = 0
    /// Final position (quantity raw units).
    public var position: Int64 = 0
    /// Realized PnL minus fees, in price raw × quantity raw units.
    public var realizedPnL: Int64 = 0
    public var fees: Int64 = 0
    public var strategyErrors = 0
    /// Strategy hop (one `on_tick` call through the ABI) percentiles, ns.
    public var strategyP50: Int64 = 0
    public var strategyP99: Int64 = 0
    /// The swap, when one was requested.
    public var swap: StrategySwapReport?
    /// `(first, last)` tick sequence seen by the instance before and after the swap.
    public var sequencesBeforeSwap: ClosedRange<UInt64>?
    public var sequencesAfterSwap: ClosedRange<UInt64>?

    public var invalidIntentCount: Int { invalidIntents.reduce(0, +) }

    public var description: String {
        var s = "frames \(frames), ticks \(ticks), intents \(intents) (invalid \(invalidIntentCount), risk-rejected \(riskRejects)), "
        s += "orders \(orders), cancels \(cancels), fills \(fills) (maker \(makerFills)), position \(position), "
        s += "realized PnL \(realizedPnL) (fees \(fees)), strategy hop p50 \(strategyP50) ns p99 \(strategyP99) ns"
        if let swap { s += "\n\(swap)" }
        return s
    }
}
