import CLibWebSockets
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A libwebsockets server (for `hft sim` and the control endpoint): websocket routes and plain
/// HTTP routes on one port, ws or wss, with its own service thread.
///
/// Other threads hand it work through thread-safe calls (`send`, `sendFragmented`, `ping`,
/// `close`, `abort`): frames are copied into the connection's preallocated send queue and the
/// service thread is woken with `lws_cancel_service`; it writes one frame per
/// `LWS_CALLBACK_SERVER_WRITEABLE`. Route handlers run on the service thread.
/// Not a hot-path component: HTTP handling allocates.
public final class WebSocketServer: @unchecked Sendable {
    // SAFETY: `lifecycle` is mutex-guarded, `stopRequested`/`boundPort` atomic, slot sharing is
    // documented on `ServerSlot`; the rest is confined to the service thread while it runs and to
    // the owner before start / after join.
    public let configuration: WebSocketServerConfiguration
    private let slots: [ServerSlot]
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let protocolName: UnsafeMutablePointer<CChar>
    private let cHost: UnsafeMutablePointer<CChar>
    private let cALPN: UnsafeMutablePointer<CChar>
    private let cVhostName: UnsafeMutablePointer<CChar>
    private let cCert: UnsafeMutablePointer<CChar>?
    private let cKey: UnsafeMutablePointer<CChar>?
    let txBuffer: UnsafeMutableRawPointer
    let txCapacity: Int
    private(set) var context: OpaquePointer? = nil
    var httpExchanges: [UInt: ServerHTTPExchange] = [:]
    private let stopRequested = Atomic<Bool>(false)
    private let boundPort = Atomic<Int>(0)
    private let pongs = Atomic<UInt64>(0)
    private let lifecycle = Mutex<(started: Bool, stopped: Bool, thread: ServiceThread?)>((false, false, nil))

    /// The port the server listens on (the kernel's choice when configured with 0); 0 before `start`.
    public var port: Int {
        // ORDERING: relaxed; written once before `start` returns.
        boundPort.load(ordering: .relaxed)
    }

    public init(configuration: WebSocketServerConfiguration) {
        precondition(configuration.maxConnections > 0 && configuration.maxConnections < 0xFFFF, "maxConnections out of range")
        self.configuration = configuration
        slots = (0..<configuration.maxConnections).map { _ in
            ServerSlot(queueBytes: configuration.sendQueueBytes, messageBytes: configuration.maxMessageBytes)
        }
        txCapacity = max(configuration.maxFrameBytes, 8_192)
        txBuffer = .allocate(byteCount: Int(hft_lws_pre) + txCapacity, alignment: 64)
        protocolName = strdup("hft-server")!
        cHost = strdup(configuration.host)!
        cALPN = strdup("http/1.1")!
        cVhostName = strdup("hft")!
        cCert = configuration.tls.map { strdup($0.certificatePath)! }
        cKey = configuration.tls.map { strdup($0.privateKeyPath)! }
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocols[0].name = UnsafePointer(protocolName)
        protocols[0].callback = serverCallback
        protocols[0].per_session_data_size = MemoryLayout<Int>.size
        protocols[0].rx_buffer_size = 65_536
    }

    deinit {
        stop()
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        txBuffer.deallocate()
        free(protocolName); free(cHost); free(cALPN); free(cVhostName)
        if let cCert { free(cCert) }
        if let cKey { free(cKey) }
    }

    /// Binds the port and starts the service thread.
    /// - Throws: `contextCreationFailed` (port in use, unreadable TLS files), `threadStartFailed`,
    ///   `alreadyStarted`.
    public func start() throws(TransportError) {
        try lifecycle.withLock { (s) throws(TransportError) in
            guard !s.started else { throw .alreadyStarted }
            TransportLogging.configureOnce()
            var info = lws_context_creation_info()
            info.options = UInt64(LWS_SERVER_OPTION_EXPLICIT_VHOSTS)
            if configuration.tls != nil { info.options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) }
            info.port = CONTEXT_PORT_NO_LISTEN
            info.protocols = UnsafePointer(protocols)
            info.user = Unmanaged.passUnretained(self).toOpaque()
            info.pt_serv_buf_size = 65_536
            guard let ctx = lws_create_context(&info) else { throw .contextCreationFailed("lws_create_context failed") }
            var vinfo = info
            vinfo.port = Int32(configuration.port)
            vinfo.iface = UnsafePointer(cHost)
            vinfo.vhost_name = UnsafePointer(cVhostName)
            vinfo.alpn = UnsafePointer(cALPN)
            // An IPv4 literal must get an AF_INET socket: with IPv6 enabled, lws 4.1 binds such an
            // `iface` as `::` (every interface, both families) instead of the address asked for.
            var ipv4 = in_addr()
            if inet_pton(AF_INET, configuration.host, &ipv4) == 1 {
                vinfo.options |= UInt64(LWS_SERVER_OPTION_DISABLE_IPV6)
            }
            if let cCert, let cKey {
                vinfo.ssl_cert_filepath = UnsafePointer(cCert)
                vinfo.ssl_private_key_filepath = UnsafePointer(cKey)
            }
            guard let vhost = lws_create_vhost(ctx, &vinfo) else {
                lws_context_destroy(ctx)
                throw .contextCreationFailed("lws_create_vhost failed on \(configuration.host):\(configuration.port)")
            }
            // ORDERING: relaxed; published to other threads by the mutex and thread start.
            boundPort.store(Int(lws_get_vhost_listen_port(vhost)), ordering: .relaxed)
            context = ctx
            do throws(TransportError) {
                s.thread = try ServiceThread.start(name: configuration.threadName, core: configuration.serviceCore) {
                    [self] in self.serviceLoop(ctx)
                }
            } catch {
                lws_context_destroy(ctx)
                context = nil
                throw error
            }
            s.started = true
        }
    }

    private func serviceLoop(_ ctx: OpaquePointer) {
        // ORDERING: acquiring pairs with the releasing store in `stop`.
        while !stopRequested.load(ordering: .acquiring) {
            if lws_service(ctx, 0) < 0 { break }
        }
    }

    /// Stops the service thread, closes every connection (route `onClose` handlers run on the
    /// calling thread) and frees the context. Blocks; idempotent; not from a handler.
    public func stop() {
        lifecycle.withLock { s in
            guard s.started, !s.stopped else { s.stopped = true; return }
            s.stopped = true
            // ORDERING: releasing; see `serviceLoop`.
            stopRequested.store(true, ordering: .releasing)
            if let context { lws_cancel_service(context) }
            s.thread?.join()
            s.thread = nil
            if let context { lws_context_destroy(context) }
            context = nil
        }
    }

    // MARK: Thread-safe connection operations

    /// Queues one text (or binary) message for `connection`. Copies the bytes. Any thread.
    public func send(_ connection: ServerConnectionId, _ bytes: UnsafeRawBufferPointer, binary: Bool = false) -> ServerSendOutcome {
        enqueue(connection) { queue in
            queue.push(bytes, kind: binary ? .binary : .text) ? .queued : .queueFull
        } tooLarge: { bytes.count > txCapacity }
    }

    /// Queues one text message. Any thread.
    public func send(_ connection: ServerConnectionId, text: String) -> ServerSendOutcome {
        var text = text
        return text.withUTF8 { send(connection, UnsafeRawBufferPointer($0)) }
    }

    /// Queues one text message split into websocket fragments of the given sizes (the rest of the
    /// message forms the last fragment): `TEXT|NO_FIN`, then `CONTINUATION|NO_FIN`…, then
    /// `CONTINUATION`. All fragments are queued atomically or none. Any thread.
    public func sendFragmented(_ connection: ServerConnectionId, _ bytes: [UInt8], fragmentSizes: [Int]) -> ServerSendOutcome {
        var pieces: [Range<Int>] = []
        var offset = 0
        for size in fragmentSizes where size > 0 && offset + size < bytes.count {
            pieces.append(offset..<(offset + size))
            offset += size
        }
        pieces.append(offset..<bytes.count)
        return bytes.withUnsafeBytes { all in
            enqueue(connection) { queue in
                let overhead = 8 * pieces.count
                guard queue.capacity - queue.usedBytes >= overhead + all.count else { return .queueFull }
                for (i, range) in pieces.enumerated() {
                    let kind: ServerFrameKind = pieces.count == 1 ? .text
                        : i == 0 ? .textFirstFragment : i == pieces.count - 1 ? .finalContinuation : .continuation
                    _ = queue.push(UnsafeRawBufferPointer(rebasing: all[range]), kind: kind)
                }
                return .queued
            } tooLarge: { pieces.contains { $0.count > txCapacity } }
        }
    }

    /// Queues a websocket protocol PING carrying `payload` (1...125 bytes; lws reports only
    /// non-empty PONGs, and a peer drops a PING while its previous PONG is pending). Any thread.
    public func ping(_ connection: ServerConnectionId, payload: String = "hft-ping") -> ServerSendOutcome {
        var payload = payload
        return payload.withUTF8 { bytes in
            enqueue(connection) { queue in
                queue.push(UnsafeRawBufferPointer(bytes), kind: .ping) ? .queued : .queueFull
            } tooLarge: { bytes.isEmpty || bytes.count > 125 }
        }
    }

    /// Closes `connection` with a websocket close frame (`code`) after its queued frames. Any thread.
    @discardableResult
    public func close(_ connection: ServerConnectionId, code: UInt16 = 1000) -> Bool {
        enqueue(connection) { _ in .queued } tooLarge: { false } mutate: { $0.closeCode = code } == .queued
    }

    /// Drops `connection` at once without a close frame (`shutdown` of the socket): fault injection
    /// for reconnect tests. Queued frames are discarded. Any thread.
    @discardableResult
    public func abort(_ connection: ServerConnectionId) -> Bool {
        enqueue(connection) { _ in .queued } tooLarge: { false } mutate: {
            $0.abort = true
            $0.queue.removeAll()
        } == .queued
    }

    /// Websocket PONG frames received (answers to `ping`).
    public var pongsReceived: UInt64 {
        // ORDERING: relaxed; a statistic.
        pongs.load(ordering: .relaxed)
    }

    func countPong() {
        // ORDERING: relaxed; single writer (the service thread), a statistic.
        pongs.store(pongs.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    /// Number of open websocket connections (approximate while they change).
    public var openConnectionCount: Int {
        slots.reduce(0) { n, slot in n + (slot.shared.withLock { $0.open } ? 1 : 0) }
    }

    private func enqueue(
        _ connection: ServerConnectionId, _ body: (inout ServerSendQueue) -> ServerSendOutcome,
        tooLarge: () -> Bool, mutate: (inout ServerSlot.Shared) -> Void = { _ in }
    ) -> ServerSendOutcome {
        guard connection.index < slots.count else { return .unknownConnection }
        if tooLarge() { return .tooLarge }
        let outcome: ServerSendOutcome = slots[connection.index].shared.withLock { shared in
            guard shared.open, shared.generation == connection.generation else { return .unknownConnection }
            let result = body(&shared.queue)
            if result == .queued { mutate(&shared) }
            return result
        }
        if outcome == .queued, let context { lws_cancel_service(context) }
        return outcome
    }

    // MARK: Service-thread helpers

    /// After a wake-up: ask for writable callbacks where frames or closes wait; execute aborts.
    func serviceWakeup() {
        for slot in slots where slot.inUse {
            guard let wsi = slot.wsi else { continue }
            let (needsWrite, abort) = slot.shared.withLock { s -> (Bool, Bool) in
                let abort = s.abort
                s.abort = false
                return (!s.queue.isEmpty || s.closeCode != nil, abort)
            }
            if abort {
                _ = shutdown(lws_get_socket_fd(wsi), Int32(SHUT_RDWR))
            } else if needsWrite {
                lws_callback_on_writable(wsi)
            }
        }
    }

    /// Writes queued frames until the queue is empty or the socket would block (or closes).
    /// Returns -1 to close the connection.
    func serverWritable(slot: ServerSlot, wsi: OpaquePointer) -> Int32 {
        let pre = Int(hft_lws_pre)
        let payloadAddress = UInt(bitPattern: txBuffer + pre)
        let capacity = txCapacity
        var budget = 256
        while budget > 0 {
            budget -= 1
            let (frame, closeCode) = slot.shared.withLock { s -> ((Int, ServerFrameKind)?, UInt16?) in
                if let head = s.queue.peek() {
                    // SAFETY: the service thread's write buffer (LWS_PRE + txCapacity bytes), rebuilt from its
                    // address so that the mutex region does not capture a non-Sendable pointer.
                    s.queue.pop(into: UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: payloadAddress),
                                                                    count: capacity))
                    return (head, nil)
                }
                return (nil, s.closeCode)
            }
            guard let (length, kind) = frame else {
                if let closeCode {
                    lws_close_reason(wsi, lws_close_status(rawValue: UInt32(closeCode)), nil, 0)
                    return -1
                }
                return 0
            }
            let mode: UInt32
            switch kind {
            case .text: mode = LWS_WRITE_TEXT.rawValue
            case .binary: mode = LWS_WRITE_BINARY.rawValue
            case .textFirstFragment: mode = LWS_WRITE_TEXT.rawValue | LWS_WRITE_NO_FIN.rawValue
            case .continuation: mode = LWS_WRITE_CONTINUATION.rawValue | LWS_WRITE_NO_FIN.rawValue
            case .finalContinuation: mode = LWS_WRITE_CONTINUATION.rawValue
            case .ping: mode = LWS_WRITE_PING.rawValue
            }
            let written = lws_write(wsi, (txBuffer + pre).assumingMemoryBound(to: UInt8.self), length,
                                    lws_write_protocol(rawValue: mode))
            if written < length { return -1 }
            // A partial send is buffered inside lws; stop until the socket drains.
            if lws_send_pipe_choked(wsi) != 0 { break }
        }
        let more = slot.shared.withLock { !$0.queue.isEmpty || $0.closeCode != nil }
        if more { lws_callback_on_writable(wsi) }
        return 0
    }

    func routeIndex<R>(_ routes: [R], path: String, prefix: KeyPath<R, String>) -> Int? {
        routes.firstIndex { path.hasPrefix($0[keyPath: prefix]) }
    }

    /// Takes a free slot for a new websocket connection (service thread).
    func acquireSlot(wsi: OpaquePointer, route: Int) -> ServerSlot? {
        guard let index = slots.firstIndex(where: { !$0.inUse }) else { return nil }
        let slot = slots[index]
        slot.inUse = true
        slot.wsi = wsi
        slot.route = route
        slot.reassembler.reset()
        let generation = slot.shared.withLock { s -> UInt32 in
            s.generation &+= 1
            s.open = true
            s.queue.removeAll()
            s.closeCode = nil
            s.abort = false
            return s.generation
        }
        slot.id = ServerConnectionId(index: index, generation: generation)
        return slot
    }

    func slot(at index: Int) -> ServerSlot? { index >= 0 && index < slots.count ? slots[index] : nil }

    /// Marks a slot closed and free again (service thread).
    func releaseSlot(_ slot: ServerSlot) {
        slot.shared.withLock { s in
            s.open = false
            s.queue.removeAll()
            s.closeCode = nil
            s.abort = false
        }
        slot.inUse = false
        slot.wsi = nil
        slot.reassembler.reset()
    }
}
