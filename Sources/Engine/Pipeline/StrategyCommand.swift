import Execution
import HFTPrimitives

/// Strategy → Execution: a validated intent, or "cancel every working order with this tag".
@frozen
public enum StrategyCommand: BitwiseCopyable, Sendable {
    case new(Intent)
    case cancelTag(instrument: InstrumentId, tag: UInt32, tickReceiveTime: Nanos)
}
