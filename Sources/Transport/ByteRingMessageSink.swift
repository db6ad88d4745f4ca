import HFTPrimitives
import HFTRuntime

/// The production sink of a feed client: copies each complete message into a `ByteRing` record
/// (Feed → Book edge) with its receive time and the connection id as the record's channel.
///
/// A full ring is back-pressure (`false`: the client pauses the socket and retries); a message
/// larger than the ring's `maxRecordLength` can never fit and is counted in `tooLarge` and dropped
/// (size the client's `maxMessageBytes` ≤ the ring's `maxRecordLength` so this cannot happen).
/// The channel is the connection id truncated to 16 bits: enough to tell the overlapping
/// connections of a rollover apart.
/// - Warning: the writer dangles once its `ByteRing` is destroyed; keep the ring alive until the
///   client has stopped.
@frozen
public struct ByteRingMessageSink: WebSocketMessageSink {
    public let writer: ByteRingWriter
    /// Messages dropped because they exceed the ring's `maxRecordLength`.
    public var tooLarge: UInt64 = 0
    /// Benchmarks: a fixed-rate source's send schedule; each message is stamped with its intended
    /// send time instead of its arrival (see `SendSchedule`). Unretained: the owner keeps it alive.
    @usableFromInline let schedule: Unmanaged<SendSchedule>?

    @inlinable
    public init(writer: ByteRingWriter, schedule: SendSchedule? = nil) {
        self.writer = writer
        self.schedule = schedule.map { Unmanaged.passUnretained($0) }
    }

    @inlinable @inline(__always)
    public mutating func deliver(bytes: UnsafeRawBufferPointer, receiveTime: Nanos, connection: UInt32) -> Bool {
        if let schedule { return deliverScheduled(bytes: bytes, arrival: receiveTime, connection: connection, schedule) }
        switch writer.write(bytes, channel: UInt16(truncatingIfNeeded: connection), receiveTime: receiveTime) {
        case .published: return true
        case .backPressured: return false
        case .tooLarge:
            tooLarge &+= 1
            return true
        }
    }

    @usableFromInline
    mutating func deliverScheduled(bytes: UnsafeRawBufferPointer, arrival: Nanos, connection: UInt32, _ schedule: Unmanaged<SendSchedule>) -> Bool {
        // SAFETY: the schedule outlives the sink: the feed's config (or the test) that handed it
        // over holds it until the client has stopped.
        schedule._withUnsafeGuaranteedRef { s in
            let intended = s.nextIntended()
            switch writer.write(bytes, channel: UInt16(truncatingIfNeeded: connection), receiveTime: intended ?? arrival) {
            case .published:
                if let intended { s.recordArrival(intended: intended, arrival: arrival) }
                return true
            case .backPressured:
                return false
            case .tooLarge:
                tooLarge &+= 1
                if let intended { s.recordArrival(intended: intended, arrival: arrival) }
                return true
            }
        }
    }
}

/// The runtime's TSC clock stamps receive times directly.
extension TSCClock: ReceiveClock {}
