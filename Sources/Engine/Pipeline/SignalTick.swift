import HFTPrimitives

/// Signals → Strategy: "slot `slot` of the `SignalSlots` holds a fresh market view". The view
/// itself (levels, features, model outputs) stays in the slot; only this line crosses the ring.
@frozen
public struct SignalTick: BitwiseCopyable, Sendable {
    public var slot: Int32
    public var instrument: InstrumentId
    /// The frame's receive time: the engine's event clock (capture time in replay).
    public var receiveTime: Nanos
    /// Where tick→order starts on the monotonic clock: the receive time live, the Book stage's
    /// start on the frame in replay (a capture's receive times are from another day).
    public var originTime: Nanos
    /// When the Signals stage published it.
    public var publishTime: Nanos

    @inlinable
    public init(slot: Int32, instrument: InstrumentId, receiveTime: Nanos, originTime: Nanos, publishTime: Nanos) {
        self.originTime = originTime
        self.slot = slot
        self.instrument = instrument
        self.receiveTime = receiveTime
        self.publishTime = publishTime
    }
}
