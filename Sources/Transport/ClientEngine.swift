import CLibWebSockets
import HFTPrimitives
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The service-thread side of a `WebSocketClient`: one lws context, two connection slots
/// (current and overlapping replacement), reassembly, delivery, reconnects, watchdog, heartbeats.
///
/// Everything except `stopRequested`, `counters`, `outbox` (mutex) and `context` (for
/// `lws_cancel_service`) is touched only by the service thread while it runs, and by the owner
/// before start / after join. `send` may be called from any thread: it copies into `outbox` and
/// wakes the service thread, which writes one queued message per WRITEABLE callback.
final class ClientEngine: @unchecked Sendable {
    // SAFETY: see the type comment: thread confinement by phase (owner → service thread → owner),
    // with `pthread_create`/`pthread_join` as the hand-over points; `stopRequested` is atomic.
    let configuration: WebSocketClientConfiguration
    let counters = WebSocketClientCounters()
    let stopRequested = Atomic<Bool>(false)
    private let onEvent: @Sendable (ConnectionEvent) -> Void
    /// The sink and clock, unretained (the `WebSocketClient` owns them and outlives the engine's
    /// context); called through `_withUnsafeGuaranteedRef` so no retain/release per message.
    private let delivery: Unmanaged<DeliveryTarget>

    private(set) var context: OpaquePointer? = nil
    let slots: UnsafeMutablePointer<ClientSlot>
    static let slotCount = 2
    /// Slot whose messages are delivered (-1: none).
    var active = -1
    /// Slot of the overlapping replacement connection (-1: none).
    var standby = -1
    /// Slot of the replaced connection still delivering until `drainUntil` (-1: none).
    var draining = -1
    private var drainUntil: Int64 = 0
    private var nextConnectionId: UInt32 = 1
    private var backoff: ReconnectBackoff
    private var reconnectAt: Int64? = nil
    private var nextStandbyAttemptAt: Int64 = 0
    var stopping = false

    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let housekeepingTimer: UnsafeMutablePointer<hft_lws_timer>
    private let retryTimer: UnsafeMutablePointer<hft_lws_timer>
    private var retryScheduled = false
    let txBuffer: UnsafeMutableRawPointer
    let txCapacity: Int
    let subscribeMessages: [[UInt8]]
    let heartbeatMessage: [UInt8]?
    /// Messages `send` queued for the delivering connection (any thread → service thread).
    let outbox: PThreadLocked<ClientOutbox>
    private let cHost: UnsafeMutablePointer<CChar>
    private let cPath: UnsafeMutablePointer<CChar>
    private let cProtocolName: UnsafeMutablePointer<CChar>
    private let cALPN: UnsafeMutablePointer<CChar>
    private let cCAPath: UnsafeMutablePointer<CChar>?

    init(configuration: WebSocketClientConfiguration, delivery: DeliveryTarget,
         onEvent: @escaping @Sendable (ConnectionEvent) -> Void) {
        self.configuration = configuration
        self.delivery = Unmanaged.passUnretained(delivery)
        self.onEvent = onEvent
        self.backoff = ReconnectBackoff(policy: configuration.reconnect, seed: configuration.jitterSeed)
        slots = .allocate(capacity: Self.slotCount)
        for i in 0..<Self.slotCount {
            (slots + i).initialize(to: ClientSlot(capacity: configuration.maxMessageBytes))
        }
        subscribeMessages = configuration.subscribeMessages.map { Array($0.utf8) }
        heartbeatMessage = configuration.heartbeatMessage.map { Array($0.utf8) }
        let longest = max(subscribeMessages.map(\.count).max() ?? 0, heartbeatMessage?.count ?? 0)
        txCapacity = max(longest, configuration.maxOutboundMessageBytes, 16)
        txBuffer = .allocate(byteCount: Int(hft_lws_pre) + txCapacity, alignment: 64)
        precondition(configuration.sendQueueBytes >= configuration.maxOutboundMessageBytes + 8,
                     "sendQueueBytes must hold one maxOutboundMessageBytes message")
        outbox = PThreadLocked(ClientOutbox(capacity: configuration.sendQueueBytes))
        cHost = strdup(configuration.url.host)!
        cPath = strdup(configuration.url.pathAndQuery)!
        cProtocolName = strdup("hft-ws-client")!
        cALPN = strdup("http/1.1")!
        cCAPath = configuration.caCertificatePath.map { strdup($0)! }
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocols[0].name = UnsafePointer(cProtocolName)
        protocols[0].callback = clientCallback
        protocols[0].per_session_data_size = 0
        protocols[0].rx_buffer_size = 65_536
        housekeepingTimer = .allocate(capacity: 1)
        housekeepingTimer.initialize(to: hft_lws_timer())
        retryTimer = .allocate(capacity: 1)
        retryTimer.initialize(to: hft_lws_timer())
    }

    deinit {
        precondition(context == nil, "ClientEngine released while its lws context is alive")
        for i in 0..<Self.slotCount { slots[i].reassembler.deallocate() }
        slots.deinitialize(count: Self.slotCount)
        slots.deallocate()
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        housekeepingTimer.deallocate()
        retryTimer.deallocate()
        txBuffer.deallocate()
        outbox.withLock { $0.queue.deallocate() }
        free(cHost); free(cPath); free(cProtocolName); free(cALPN)
        if let cCAPath { free(cCAPath) }
    }

    // MARK: Owner-thread lifecycle

    /// Creates the lws context (owner thread, before the service thread starts).
    func createContext() throws(TransportError) {
        TransportLogging.configureOnce()
        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN
        info.protocols = UnsafePointer(protocols)
        info.options = UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.pt_serv_buf_size = 65_536
        info.timeout_secs = 10
        info.connect_timeout_secs = 10
        if let cCAPath { info.client_ssl_ca_filepath = UnsafePointer(cCAPath) }
        guard let ctx = lws_create_context(&info) else {
            throw .contextCreationFailed("lws_create_context failed for \(configuration.url)")
        }
        context = ctx
        outbox.withLock { $0.context = ctx }
        housekeepingTimer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        retryTimer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
    }

    /// The service loop (service thread). Returns once `stopRequested` is set.
    func run() {
        guard let ctx = context else { return }
        scheduleHousekeeping()
        connect(standby: false, now: now().raw)
        // ORDERING: acquiring pairs with the owner's releasing store in `requestStop`.
        while !stopRequested.load(ordering: .acquiring) {
            if lws_service(ctx, 0) < 0 { break }
        }
    }

    /// Asks the service loop to return (any thread).
    func requestStop() {
        // ORDERING: releasing; the service thread's acquiring load sees everything before it.
        stopRequested.store(true, ordering: .releasing)
        if let context { lws_cancel_service(context) }
    }

    /// Destroys the context after the service thread has been joined (owner thread). lws calls
    /// back synchronously here to close the connections; they report `.closed(.stopped)`.
    func destroyContext() {
        guard let ctx = context else { return }
        stopping = true
        lws_sul_cancel(&housekeepingTimer.pointee.sul)
        lws_sul_cancel(&retryTimer.pointee.sul)
        for i in 0..<Self.slotCount where slots[i].phase != .idle && slots[i].closeReason == nil {
            slots[i].closeReason = .stopped
        }
        // No `send` may wake the context from here on; whatever is still queued is undelivered.
        outbox.withLock { $0.context = nil }
        rebindOutbox(dropQueued: true)
        lws_context_destroy(ctx)
        context = nil
    }

    // MARK: Sink and clock

    /// Reads the receive clock (hot path: no ARC).
    @inline(__always)
    func now() -> Nanos { delivery._withUnsafeGuaranteedRef { $0.now() } }

    /// Offers a message to the sink (hot path: no ARC).
    @inline(__always)
    func deliver(_ bytes: UnsafeRawBufferPointer, _ receiveTime: Nanos, _ connection: UInt32) -> Bool {
        delivery._withUnsafeGuaranteedRef { $0.deliver(bytes, receiveTime, connection) }
    }

    // MARK: Events

    @inline(never)
    func emit(_ event: ConnectionEvent) { onEvent(event) }

    // MARK: Connecting

    /// Opens a connection in a free slot. `standby` = the overlapping replacement.
    func connect(standby isStandby: Bool, now: Int64) {
        guard let ctx = context, !stopping else { return }
        guard let index = (0..<Self.slotCount).first(where: { slots[$0].phase == .idle }) else {
            if !isStandby { reconnectAt = now + configuration.housekeepingInterval.raw }
            return
        }
        let slot = slots + index
        slot.pointee.id = nextConnectionId
        nextConnectionId &+= 1
        slot.pointee.phase = .connecting
        slot.pointee.endReported = false
        slot.pointee.everOpened = false
        slot.pointee.receivedAny = false
        slot.pointee.staleReported = false
        slot.pointee.paused = false
        slot.pointee.closeReason = nil
        slot.pointee.peerCloseCode = nil
        slot.pointee.heartbeatDue = false
        slot.pointee.outbound = []
        slot.pointee.nextOutbound = 0
        slot.pointee.reassembler.reset()
        if isStandby { standby = index } else { active = index }
        emit(.connecting(connection: slot.pointee.id, standby: isStandby))

        let url = configuration.url
        var flags: Int32 = 0
        if url.scheme.isSecure {
            flags |= Int32(LCCSCF_USE_SSL.rawValue)
            if configuration.allowInsecureLoopbackTLS {
                flags |= Int32(LCCSCF_ALLOW_SELFSIGNED.rawValue | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK.rawValue
                    | LCCSCF_ALLOW_EXPIRED.rawValue)
            }
        }
        var info = lws_client_connect_info()
        info.context = ctx
        info.address = UnsafePointer(cHost)
        info.port = Int32(url.port)
        info.ssl_connection = flags
        info.path = UnsafePointer(cPath)
        info.host = UnsafePointer(cHost)
        info.origin = UnsafePointer(cHost)
        info.protocol = nil
        info.ietf_version_or_minus_one = -1
        info.userdata = UnsafeMutableRawPointer(slot)
        // SAFETY: the slot lives in stable memory for the engine's lifetime; lws stores the new wsi there early.
        info.pwsi = (UnsafeMutableRawPointer(slot) + MemoryLayout<ClientSlot>.offset(of: \ClientSlot.wsi)!)
            .assumingMemoryBound(to: OpaquePointer?.self)
        info.local_protocol_name = UnsafePointer(cProtocolName)
        info.alpn = UnsafePointer(cALPN)
        let wsi = lws_client_connect_via_info(&info)
        if wsi == nil {
            slotEnded(index, reason: .connectFailed("lws_client_connect_via_info failed"), now: now)
            slot.pointee.phase = .idle
            slot.pointee.wsi = nil
        }
    }

    /// Asks lws to close the connection in `index` for `reason` (service thread).
    func requestClose(_ index: Int, reason: CloseReason) {
        let slot = slots + index
        guard let wsi = slot.pointee.wsi else { return }
        switch slot.pointee.phase {
        case .open:
            slot.pointee.closeReason = reason
            slot.pointee.phase = .closing
            lws_callback_on_writable(wsi)
            // Fallback if the socket never becomes writable (peer stopped reading).
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 2)
        case .connecting:
            slot.pointee.closeReason = reason
            slot.pointee.phase = .closing
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, hft_lws_to_kill_async)
        case .idle, .closing, .ended:
            break
        }
    }

    /// Reports the end of the connection in `index` exactly once and decides what follows:
    /// promote the standby, or schedule a reconnect with backoff.
    func slotEnded(_ index: Int, reason: CloseReason, now: Int64) {
        let slot = slots + index
        guard !slot.pointee.endReported else { return }
        slot.pointee.endReported = true
        if !slot.pointee.everOpened { WebSocketClientCounters.bump(counters.connectFailures) }
        slot.pointee.phase = .ended
        slot.pointee.paused = false
        slot.pointee.reassembler.reset()
        let id = slot.pointee.id
        emit(.closed(connection: id, reason: reason))
        if index == standby {
            standby = -1
            nextStandbyAttemptAt = now + configuration.reconnect.baseDelay.raw
            return
        }
        if index == draining {
            draining = -1
            return
        }
        guard index == active else { return }
        active = -1
        if standby >= 0 {
            active = standby
            standby = -1
            rebindOutbox(dropQueued: true)
            if slots[active].phase == .open { emit(.switched(from: id, to: slots[active].id)) }
            return
        }
        rebindOutbox(dropQueued: true)
        if stopping { return }
        let delay = backoff.nextDelay()
        reconnectAt = now + delay.raw
        emit(.reconnecting(attempt: backoff.attempt, delay: delay))
    }

    /// Makes the standby the delivering connection; the old one keeps delivering for
    /// `rolloverDrain`, then is closed (overlap rollover).
    func switchToStandby(now: Int64) {
        let old = active
        active = standby
        standby = -1
        rebindOutbox(dropQueued: false)
        emit(.switched(from: old >= 0 ? slots[old].id : 0, to: slots[active].id))
        guard old >= 0 else { return }
        if draining >= 0 { requestClose(draining, reason: .lifetimeRollover) }
        if configuration.rolloverDrain.raw > 0 {
            draining = old
            drainUntil = now + configuration.rolloverDrain.raw
        } else {
            requestClose(old, reason: .lifetimeRollover)
        }
    }

    /// Whether messages of the slot at `index` go to the sink now.
    @inline(__always)
    func isDelivering(_ index: Int, now: Int64) -> Bool {
        index == active || (index == draining && now < drainUntil)
    }

    // MARK: Outbound messages

    /// Queues one message for the delivering connection and wakes the service thread (any thread).
    /// - Complexity: one copy of `bytes` under the outbox mutex, plus one `lws_cancel_service`
    ///   (a pipe write) when the queue was empty; never waits for the socket.
    func send(_ bytes: UnsafeRawBufferPointer, binary: Bool) -> ClientSendOutcome {
        guard bytes.count <= configuration.maxOutboundMessageBytes else { return .tooLarge }
        let outcome = outbox.withLock { o -> ClientSendOutcome in
            guard o.open, let ctx = o.context else { return .notConnected }
            let wasEmpty = o.queue.isEmpty
            guard o.queue.push(bytes, kind: binary ? .binary : .text) else { return .queueFull }
            let sequence = o.nextSequence
            o.nextSequence &+= 1
            // Woken inside the lock: `destroyContext` clears `context` under it before destroying.
            if wasEmpty { lws_cancel_service(ctx) }
            return .queued(sequence: sequence)
        }
        switch outcome {
        case .queueFull: WebSocketClientCounters.bumpShared(counters.sendQueueFull)
        case .notConnected: WebSocketClientCounters.bumpShared(counters.sendNotConnected)
        case .queued, .tooLarge: break
        }
        return outcome
    }

    /// After `lws_cancel_service` (service thread): ask for WRITEABLE where queued messages wait.
    func wakeForSends() {
        guard active >= 0, slots[active].phase == .open, let wsi = slots[active].wsi else { return }
        if outbox.withLock({ !$0.queue.isEmpty }) { lws_callback_on_writable(wsi) }
    }

    /// Binds the outbox to the current delivering connection (service thread, or owner at destroy).
    /// `dropQueued`: the connection that carried the queue ended, so its messages are undelivered.
    func rebindOutbox(dropQueued: Bool) {
        let openNow = !stopping && active >= 0 && slots[active].phase == .open
        let id = openNow ? slots[active].id : 0
        let dropped = outbox.withLock { o -> (UInt32, ClosedRange<UInt64>)? in
            var result: (UInt32, ClosedRange<UInt64>)? = nil
            if dropQueued || !openNow, let range = o.queuedSequences {
                result = (o.connection, range)
                o.queue.removeAll()
            }
            o.open = openNow
            o.connection = id
            return result
        }
        guard let (connection, range) = dropped else { return }
        WebSocketClientCounters.bump(counters.sendUndelivered, by: UInt64(range.count))
        configuration.onUndeliveredSends?(connection, range)
    }

    // MARK: Timers

    private func scheduleHousekeeping() {
        guard let ctx = context else { return }
        lws_sul_schedule(ctx, 0, &housekeepingTimer.pointee.sul, clientHousekeepingFired,
                         lws_usec_t(max(1, configuration.housekeepingInterval.raw / 1_000)))
    }

    func scheduleRetry() {
        guard let ctx = context, !retryScheduled else { return }
        retryScheduled = true
        lws_sul_schedule(ctx, 0, &retryTimer.pointee.sul, clientRetryFired,
                         lws_usec_t(max(1, configuration.backpressureRetryInterval.raw / 1_000)))
    }

    /// Periodic check: reconnect due, healthy reset, staleness, rollover, heartbeats.
    func housekeeping() {
        guard !stopping else { return }
        let now = now().raw
        if active < 0, let due = reconnectAt, now >= due {
            reconnectAt = nil
            connect(standby: false, now: now)
        }
        if draining >= 0 && now >= drainUntil && !slots[draining].paused {
            requestClose(draining, reason: .lifetimeRollover)
            draining = -1
        }
        if active >= 0 {
            let slot = slots + active
            if slot.pointee.phase == .open {
                if backoff.attempt > 0, slot.pointee.receivedAny,
                   now - slot.pointee.openedAt >= configuration.reconnect.resetAfterHealthy.raw {
                    backoff.reset()
                }
                if let staleAfter = configuration.staleAfter?.raw, !slot.pointee.paused, !slot.pointee.staleReported {
                    let silent = now - slot.pointee.lastMessageAt
                    if silent > staleAfter {
                        slot.pointee.staleReported = true
                        WebSocketClientCounters.bump(counters.stale)
                        emit(.stale(connection: slot.pointee.id, silentFor: Nanos(raw: silent)))
                        requestClose(active, reason: .stale)
                    }
                }
                if let lifetime = configuration.maxConnectionLifetime?.raw, standby < 0,
                   slot.pointee.phase == .open,
                   now - slot.pointee.openedAt >= lifetime - configuration.rolloverMargin.raw,
                   now >= nextStandbyAttemptAt {
                    connect(standby: true, now: now)
                }
            }
        }
        if heartbeatMessage != nil {
            for i in 0..<Self.slotCount where slots[i].phase == .open {
                if now - slots[i].lastHeartbeatAt >= configuration.heartbeatInterval.raw, let wsi = slots[i].wsi {
                    slots[i].lastHeartbeatAt = now
                    slots[i].heartbeatDue = true
                    lws_callback_on_writable(wsi)
                }
            }
        }
        scheduleHousekeeping()
    }

    /// Offers the refused message again; resumes reading when the sink takes it.
    func retryPaused() {
        retryScheduled = false
        guard !stopping else { return }
        var stillPaused = false
        for i in 0..<Self.slotCount where slots[i].paused {
            let slot = slots + i
            if i != active && i != draining {
                slot.pointee.paused = false
                slot.pointee.reassembler.reset()
                if let wsi = slot.pointee.wsi { lws_rx_flow_control(wsi, 1) }
                continue
            }
            let message = slot.pointee.reassembler.message
            if deliver(message, slot.pointee.pendingReceiveTime, slot.pointee.id) {
                WebSocketClientCounters.bump(counters.messages)
                WebSocketClientCounters.bump(counters.bytes, by: UInt64(message.count))
                slot.pointee.reassembler.reset()
                slot.pointee.paused = false
                slot.pointee.lastMessageAt = now().raw
                if let wsi = slot.pointee.wsi { lws_rx_flow_control(wsi, 1) }
            } else {
                stillPaused = true
            }
        }
        if stillPaused { scheduleRetry() }
    }
}

/// Timer trampolines: recover the engine from the timer's owner pointer.
private let clientHousekeepingFired: @convention(c) (UnsafeMutablePointer<lws_sorted_usec_list_t>?) -> Void = { sul in
    // SAFETY: the sul is the first member of an `hft_lws_timer` whose owner is the live engine
    // (timers are cancelled before the engine's context is destroyed).
    let owner = hft_lws_timer_of(sul!).pointee.owner!
    Unmanaged<ClientEngine>.fromOpaque(owner)._withUnsafeGuaranteedRef { $0.housekeeping() }
}

private let clientRetryFired: @convention(c) (UnsafeMutablePointer<lws_sorted_usec_list_t>?) -> Void = { sul in
    // SAFETY: as for `clientHousekeepingFired`.
    let owner = hft_lws_timer_of(sul!).pointee.owner!
    Unmanaged<ClientEngine>.fromOpaque(owner)._withUnsafeGuaranteedRef { $0.retryPaused() }
}
