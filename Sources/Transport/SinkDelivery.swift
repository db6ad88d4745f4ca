import HFTPrimitives

/// The non-generic face of a caller's sink and clock, so that the (non-generic) lws callback can
/// reach them with one virtual call and no existential.
class DeliveryTarget {
    /// Offers one complete message to the sink; `false` = back-pressure. Hot path.
    func deliver(_ bytes: UnsafeRawBufferPointer, _ receiveTime: Nanos, _ connection: UInt32) -> Bool {
        fatalError("DeliveryTarget is abstract")
    }
    /// Reads the receive clock. Hot path.
    func now() -> Nanos { fatalError("DeliveryTarget is abstract") }
}

/// Holds the caller's sink and clock in stable memory (no exclusivity checks, no copies) and
/// forwards to them through their protocol witnesses.
final class TypedDelivery<Sink: WebSocketMessageSink, Clock: ReceiveClock>: DeliveryTarget {
    let sink: UnsafeMutablePointer<Sink>
    let clock: UnsafeMutablePointer<Clock>

    init(sink: consuming Sink, clock: consuming Clock) {
        self.sink = .allocate(capacity: 1)
        self.sink.initialize(to: sink)
        self.clock = .allocate(capacity: 1)
        self.clock.initialize(to: clock)
    }

    deinit {
        sink.deinitialize(count: 1)
        sink.deallocate()
        clock.deinitialize(count: 1)
        clock.deallocate()
    }

    override func deliver(_ bytes: UnsafeRawBufferPointer, _ receiveTime: Nanos, _ connection: UInt32) -> Bool {
        // SAFETY: `sink` is initialised for this object's lifetime and touched only by the service thread
        // while the client runs (the owner reaches it through `withSink` only when it is stopped).
        sink.pointee.deliver(bytes: bytes, receiveTime: receiveTime, connection: connection)
    }

    override func now() -> Nanos {
        // SAFETY: as above; `now()` is non-mutating.
        clock.pointee.now()
    }
}
