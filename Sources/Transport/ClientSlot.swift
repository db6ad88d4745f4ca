import HFTPrimitives

/// Where one client connection is in its life.
enum ClientSlotPhase: UInt8 {
    /// Free: no wsi; may be used for a new connection.
    case idle
    /// Connection attempt under way (TCP, TLS, websocket handshake).
    case connecting
    /// Websocket open.
    case open
    /// We asked lws to close it; waiting for the close to complete.
    case closing
    /// Its closed event has been reported; waiting for lws to destroy the wsi.
    case ended
}

/// The state of one of the client's two connection slots (current and overlapping replacement).
/// Lives in stable memory; its address is the wsi's `user` pointer. Service thread only.
struct ClientSlot {
    var wsi: OpaquePointer? = nil
    var id: UInt32 = 0
    var phase: ClientSlotPhase = .idle
    var endReported = true
    var everOpened = false
    var receivedAny = false
    var staleReported = false
    /// Holding a complete message the sink refused; socket reading paused.
    var paused = false
    var openedAt: Int64 = 0
    var lastMessageAt: Int64 = 0
    var lastHeartbeatAt: Int64 = 0
    var pendingReceiveTime = Nanos.zero
    /// Messages to send after the open (subscribe / auth), and how many went out.
    var outbound: [[UInt8]] = []
    var nextOutbound = 0
    var heartbeatDue = false
    var closeReason: CloseReason? = nil
    var peerCloseCode: UInt16? = nil
    var reassembler: MessageReassembler

    init(capacity: Int) { reassembler = MessageReassembler(capacity: capacity) }
}
