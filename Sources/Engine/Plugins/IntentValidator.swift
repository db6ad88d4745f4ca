import Execution
import HFTPrimitives
import StrategyABI

/// Checks a plugin's `hft_intent` and turns it into an engine `Intent` (or a cancel request)
/// before the risk gate: side, kind and TIF are valid raw values, quantity > 0, price > 0 for
/// limits, the instrument is one the host knows. O(1), no allocation.
@frozen
public struct IntentValidator: BitwiseCopyable, Sendable {
    /// Instruments `0..<instrumentCount` are known.
    public let instrumentCount: UInt32
    public let strategy: StrategyId

    public init(instrumentCount: Int, strategy: StrategyId) {
        self.instrumentCount = UInt32(instrumentCount)
        self.strategy = strategy
    }

    /// What a valid intent asks for.
    @frozen
    public enum Request: BitwiseCopyable, Sendable, Equatable {
        case new(Intent)
        case cancelTag(instrument: InstrumentId, tag: UInt32)
    }

    /// Validates one intent emitted at `now` for the tick received at `tickReceiveTime`.
    @inlinable
    public func validate(_ i: hft_intent, now: Nanos, tickReceiveTime: Nanos) -> Result<Request, IntentRejectReasonBox> {
        guard i.instrument < instrumentCount else { return .failure(.init(.unknownInstrument)) }
        let instrument = InstrumentId(raw: i.instrument)
        switch Int(i.action) {
        case HFT_ACTION_CANCEL_TAG:
            return .success(.cancelTag(instrument: instrument, tag: i.tag))
        case HFT_ACTION_NEW:
            break
        default:
            return .failure(.init(.invalidAction))
        }
        guard let side = Side(rawValue: i.side) else { return .failure(.init(.invalidSide)) }
        guard let kind = OrderKind(rawValue: i.kind) else { return .failure(.init(.invalidKind)) }
        guard let tif = TimeInForce(rawValue: i.time_in_force) else { return .failure(.init(.invalidTimeInForce)) }
        guard i.quantity > 0 else { return .failure(.init(.nonPositiveQuantity)) }
        guard kind == .market || i.price > 0 else { return .failure(.init(.nonPositivePrice)) }
        return .success(.new(Intent(instrument: instrument, strategy: strategy, side: side, kind: kind, timeInForce: tif,
                                    reduceOnly: i.reduce_only != 0, price: Price(raw: i.price), quantity: Quantity(raw: i.quantity),
                                    tag: i.tag, tickReceiveTime: tickReceiveTime, createdAt: now)))
    }
}
