import HFTPrimitives
import Synchronization

/// The send times a fixed-rate source intended for its frames, shared with the receiver so that
/// latency can be measured from when a frame should have been sent (coordinated omission
/// corrected): frame k (counting from 0, in send order on one connection) is due at
/// `start + k × period`.
///
/// The source (`hft sim` with fixed-rate pacing) sets `start` once, before it sends frame 0; the
/// receiving `ByteRingMessageSink` stamps the k-th message it publishes with that intended time
/// instead of its arrival time and keeps each message's lateness (arrival − intended) in a
/// preallocated table. The mapping is valid only when every paced frame reaches this one
/// connection in order: compare `received` with the source's paced count after the run.
///
/// - Warning: a benchmark instrument. `lateness` and `received` are written by the receiving
///   thread only; read them after that thread has stopped.
public final class SendSchedule: Sendable {
    /// Nanoseconds between two intended sends.
    public let period: Int64
    /// Frames the lateness table holds (later frames are stamped but not kept).
    public let capacity: Int
    /// Monotonic ns of frame 0's intended send; 0 until the source starts.
    let startCell = Atomic<Int64>(0)
    let receivedCell = Atomic<Int>(0)
    // SAFETY: allocated in init, freed in deinit; written only by the receiving thread (one
    // connection), read by others only after it stopped (see the warning).
    nonisolated(unsafe) let table: UnsafeMutablePointer<Int64>

    /// - Parameters:
    ///   - framesPerSecond: the offered rate (> 0).
    ///   - capacity: frames whose lateness is kept (e.g. the recording's frame count).
    public init(framesPerSecond: Int, capacity: Int) {
        precondition(framesPerSecond > 0 && capacity >= 0, "rate must be positive")
        period = Int64(1_000_000_000 / framesPerSecond)
        self.capacity = capacity
        table = .allocate(capacity: max(1, capacity))
        table.initialize(repeating: 0, count: max(1, capacity))
    }

    deinit { table.deallocate() }

    /// Called once by the source just before its first send.
    public func begin(at start: Nanos) {
        // ORDERING: releasing; the receiver's acquiring load of a non-zero start sees the period too.
        startCell.store(start.raw, ordering: .releasing)
    }

    /// Monotonic ns of frame 0's intended send, or nil before the source began.
    public var start: Nanos? {
        // ORDERING: acquiring; pairs with `begin`.
        let s = startCell.load(ordering: .acquiring)
        return s == 0 ? nil : Nanos(raw: s)
    }

    /// Messages stamped so far (the receiver's count, to compare with the source's paced frames).
    public var received: Int {
        // ORDERING: relaxed; read after the receiving thread stopped.
        receivedCell.load(ordering: .relaxed)
    }

    /// The intended send time of the next message, or nil before the source began (the message
    /// then keeps its arrival time and is not counted). Receiving thread only; no allocation.
    @inline(__always)
    func nextIntended() -> Nanos? {
        // ORDERING: acquiring; pairs with `begin`.
        let s = startCell.load(ordering: .acquiring)
        guard s != 0 else { return nil }
        // ORDERING: relaxed; one writer (the receiving thread).
        return Nanos(raw: s &+ Int64(receivedCell.load(ordering: .relaxed)) &* period)
    }

    /// Counts the message `nextIntended()` stamped as received, keeping its lateness.
    @inline(__always)
    func recordArrival(intended: Nanos, arrival: Nanos) {
        // ORDERING: relaxed; one writer (the receiving thread).
        let k = receivedCell.load(ordering: .relaxed)
        if k < capacity { table[k] = arrival.raw &- intended.raw }
        receivedCell.store(k &+ 1, ordering: .relaxed)
    }

    /// Lateness (arrival − intended send, ns) of the frames received, in arrival order. Cold;
    /// call after the receiving thread stopped.
    public func lateness() -> [Int64] {
        Array(UnsafeBufferPointer(start: table, count: min(received, capacity)))
    }
}
