import Execution
import HFTPrimitives

/// Strategy → Execution: a validated intent, or "cancel every working order with this tag".
/// The intent's times are event-clock times (deterministic in replay, journaled); `origin` is
/// where tick→order starts on the monotonic clock (see `SignalTick.originTime`).
@frozen
public enum StrategyCommand: BitwiseCopyable, Sendable {
    case new(Intent, origin: Nanos)
    case cancelTag(instrument: InstrumentId, tag: UInt32, tickReceiveTime: Nanos)
}
