/// The caller → service-thread side of a `WebSocketClient`'s outbound messages: a preallocated byte
/// ring of queued messages and the connection they are bound to, behind the engine's mutex.
///
/// Invariant: `queue` is non-empty only while `open`; the head message's sequence is
/// `nextSequence − queue.frameCount`. When the delivering connection ends, the queue is emptied
/// and its sequences are reported as undelivered (never resent on the next connection: the caller
/// decides what an unsent request means).
struct ClientOutbox {
    var queue: ServerSendQueue
    /// A delivering connection is open: `send` may queue.
    var open = false
    /// The delivering connection's id (0 when none).
    var connection: UInt32 = 0
    /// Sequence the next queued message gets.
    var nextSequence: UInt64 = 1
    /// The lws context to wake (`lws_cancel_service`) while the service loop runs; nil once it is destroyed.
    var context: OpaquePointer? = nil

    init(capacity: Int) { queue = ServerSendQueue(capacity: capacity) }

    /// Sequences of the queued messages (nil when empty).
    var queuedSequences: ClosedRange<UInt64>? {
        queue.frameCount == 0 ? nil : (nextSequence - UInt64(queue.frameCount))...(nextSequence - 1)
    }
}
