/// One websocket connection slot of a `WebSocketServer`: the part other threads touch (send queue,
/// close requests) behind a mutex, and service-thread-only state.
final class ServerSlot: @unchecked Sendable {
    // SAFETY: `shared` is mutex-guarded; every other stored property is touched only by the
    // server's service thread (or by the owner after that thread was joined).
    struct Shared {
        var generation: UInt32 = 0
        var open = false
        var queue: ServerSendQueue
        /// Graceful close requested with this code, after the queued frames.
        var closeCode: UInt16? = nil
        /// Abrupt disconnect requested (fault injection).
        var abort = false
    }

    let shared: PThreadLocked<Shared>
    var inUse = false
    var wsi: OpaquePointer? = nil
    var route = 0
    var id = ServerConnectionId(index: 0, generation: 0)
    var reassembler: MessageReassembler

    init(queueBytes: Int, messageBytes: Int) {
        shared = PThreadLocked(Shared(queue: ServerSendQueue(capacity: queueBytes)))
        reassembler = MessageReassembler(capacity: messageBytes)
    }

    deinit {
        shared.withLock { $0.queue.deallocate() }
        reassembler.deallocate()
    }
}
