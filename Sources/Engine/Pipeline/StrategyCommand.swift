import Execution
import HFTPrimitives

/// Strategy → Execution: a validated intent, or "cancel every working order with this tag".
/// The intent's times are event-clock times (deterministic in replay, journaled); `origin` is
/// where tick→order starts on the monotonic clock (see `SignalTick.originTime`); `mid` is the mid
/// of the host-built view the strategy last saw for the intent's instrument (`.zero` when none),
/// the reference of the risk gate's price band (Execution gates a command before it catches up
/// with the book events queued behind it).
@frozen
public enum StrategyCommand: BitwiseCopyable, Sendable {
    case new(Intent, origin: Nanos, mid: Price)
    case cancelTag(instrument: InstrumentId, tag: UInt32, tickReceiveTime: Nanos)
}
