import CLibWebSockets
import HFTPrimitives

/// The lws protocol callback of every client context. Finds the engine through the context's
/// `user` pointer and the connection slot through the wsi's `user` pointer (no allocation).
let clientCallback: @convention(c) (
    OpaquePointer?, lws_callback_reasons, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int
) -> Int32 = { wsi, reason, user, input, length in
    switch reason {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        guard let wsi, let ctx = lws_get_context(wsi), let owner = lws_context_user(ctx) else { return 0 }
        // SAFETY: as below; this wake-up comes from `send` (or `requestStop`) on another thread.
        Unmanaged<ClientEngine>.fromOpaque(owner)._withUnsafeGuaranteedRef { $0.wakeForSends() }
        return 0
    case LWS_CALLBACK_CLIENT_RECEIVE, LWS_CALLBACK_CLIENT_WRITEABLE, LWS_CALLBACK_CLIENT_ESTABLISHED,
         LWS_CALLBACK_CLIENT_CONNECTION_ERROR, LWS_CALLBACK_CLIENT_CLOSED, LWS_CALLBACK_WS_PEER_INITIATED_CLOSE,
         LWS_CALLBACK_WSI_DESTROY:
        guard let wsi, let user, let ctx = lws_get_context(wsi), let owner = lws_context_user(ctx) else { return 0 }
        // SAFETY: the context's user pointer is the engine, alive until after `lws_context_destroy`
        // returns; `user` is the address of one of its slots (set as `userdata` at connect).
        return Unmanaged<ClientEngine>.fromOpaque(owner)._withUnsafeGuaranteedRef { engine in
            engine.handle(wsi: wsi, reason: reason, slot: user.assumingMemoryBound(to: ClientSlot.self),
                          input: input, length: length)
        }
    default:
        return 0
    }
}

extension ClientEngine {
    /// Index of `slot` among the engine's slots, or nil when the pointer is not one of them.
    @inline(__always)
    func index(of slot: UnsafeMutablePointer<ClientSlot>) -> Int? {
        let i = slot - slots
        return i >= 0 && i < Self.slotCount ? i : nil
    }

    func handle(wsi: OpaquePointer, reason: lws_callback_reasons, slot: UnsafeMutablePointer<ClientSlot>,
                input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        guard let index = index(of: slot) else { return 0 }
        switch reason {
        case LWS_CALLBACK_CLIENT_RECEIVE:
            return receive(wsi: wsi, index: index, input: input, length: length)
        case LWS_CALLBACK_CLIENT_WRITEABLE:
            return writable(wsi: wsi, index: index)
        case LWS_CALLBACK_CLIENT_ESTABLISHED:
            established(wsi: wsi, index: index)
            return 0
        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
            let message = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "connection error"
            slotEnded(index, reason: slot.pointee.closeReason ?? .connectFailed(message), now: now().raw)
            return 0
        case LWS_CALLBACK_CLIENT_CLOSED:
            slotEnded(index, reason: slot.pointee.closeReason ?? .remoteClosed(code: slot.pointee.peerCloseCode),
                      now: now().raw)
            return 0
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            if let input, length >= 2 {
                let bytes = input.assumingMemoryBound(to: UInt8.self)
                slot.pointee.peerCloseCode = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            }
            return 0
        case LWS_CALLBACK_WSI_DESTROY:
            if slot.pointee.wsi == wsi || slot.pointee.phase != .idle {
                let reason: CloseReason = slot.pointee.closeReason
                    ?? (slot.pointee.everOpened ? .remoteClosed(code: slot.pointee.peerCloseCode)
                                               : .connectFailed("connection destroyed"))
                slotEnded(index, reason: reason, now: now().raw)
                slot.pointee.phase = .idle
                slot.pointee.wsi = nil
            }
            return 0
        default:
            return 0
        }
    }

    private func established(wsi: OpaquePointer, index: Int) {
        let slot = slots + index
        let now = now().raw
        if slot.pointee.phase == .closing {
            lws_callback_on_writable(wsi)
            return
        }
        slot.pointee.wsi = wsi
        hft_lws_keep_tls_buffers(wsi)
        slot.pointee.phase = .open
        slot.pointee.everOpened = true
        slot.pointee.openedAt = now
        slot.pointee.lastMessageAt = now
        slot.pointee.lastHeartbeatAt = now
        if slot.pointee.id > 1 { WebSocketClientCounters.bump(counters.reconnects) }
        emit(.open(connection: slot.pointee.id))
        slot.pointee.outbound = configuration.openingMessages.map { provider in
            provider(slot.pointee.id).map { Array($0.utf8) }
        } ?? subscribeMessages
        slot.pointee.nextOutbound = 0
        if index == active { rebindOutbox(dropQueued: false) }
        if !slot.pointee.outbound.isEmpty { lws_callback_on_writable(wsi) }
    }

    /// One RECEIVE callback: a fragment or a partial read of one. Hot path.
    @inline(__always)
    private func receive(wsi: OpaquePointer, index: Int, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        let slot = slots + index
        if _slowPath(slot.pointee.paused) {
            WebSocketClientCounters.bump(counters.flowControlViolations)
            requestClose(index, reason: .flowControlViolation)
            return 0
        }
        let isFinal = lws_is_final_fragment(wsi) != 0
        let bytes = UnsafeRawBufferPointer(start: input, count: length)
        if slot.pointee.reassembler.isEmpty && isFinal {
            if _slowPath(length > slot.pointee.reassembler.capacity) {
                WebSocketClientCounters.bump(counters.oversized)
                return 0
            }
            complete(wsi: wsi, index: index, message: bytes, buffered: false)
            return 0
        }
        switch slot.pointee.reassembler.append(bytes, isFinal: isFinal) {
        case .partial, .discarded:
            return 0
        case .oversized:
            WebSocketClientCounters.bump(counters.oversized)
            return 0
        case .complete:
            complete(wsi: wsi, index: index, message: slot.pointee.reassembler.message, buffered: true)
            return 0
        }
    }

    /// A complete message: hand it to the sink, or pause reading and keep it for a retry.
    @inline(__always)
    private func complete(wsi: OpaquePointer, index: Int, message: UnsafeRawBufferPointer, buffered: Bool) {
        let slot = slots + index
        let now = now()
        slot.pointee.lastMessageAt = now.raw
        slot.pointee.receivedAny = true
        if _slowPath(!isDelivering(index, now: now.raw)) {
            if index == standby {
                switchToStandby(now: now.raw)
            } else {
                WebSocketClientCounters.bump(counters.overlapDiscarded)
                slot.pointee.reassembler.reset()
                return
            }
        }
        if _fastPath(deliver(message, now, slot.pointee.id)) {
            WebSocketClientCounters.bump(counters.messages)
            WebSocketClientCounters.bump(counters.bytes, by: UInt64(message.count))
            slot.pointee.reassembler.reset()
            return
        }
        WebSocketClientCounters.bump(counters.backpressure)
        if !buffered {
            _ = slot.pointee.reassembler.append(message, isFinal: true)
        }
        slot.pointee.paused = true
        slot.pointee.pendingReceiveTime = now
        lws_rx_flow_control(wsi, 0)
        scheduleRetry()
    }

    /// Sends one pending message per writable callback — opening messages first, then a due
    /// heartbeat, then the oldest `send` message (delivering connection only) — or closes.
    private func writable(wsi: OpaquePointer, index: Int) -> Int32 {
        let slot = slots + index
        if slot.pointee.phase == .closing {
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, nil, 0)
            return -1
        }
        guard slot.pointee.phase == .open else { return 0 }
        if slot.pointee.nextOutbound < slot.pointee.outbound.count {
            let message = slot.pointee.outbound[slot.pointee.nextOutbound]
            slot.pointee.nextOutbound += 1
            if message.count > txCapacity {
                WebSocketClientCounters.bump(counters.outboundDropped)
            } else if !writeText(wsi: wsi, message) {
                return -1
            }
        } else if slot.pointee.heartbeatDue, let heartbeat = heartbeatMessage {
            slot.pointee.heartbeatDue = false
            if !writeText(wsi: wsi, heartbeat) { return -1 }
            WebSocketClientCounters.bump(counters.heartbeats)
        } else if index == active {
            let pre = Int(hft_lws_pre)
            let payload = UnsafeMutableRawBufferPointer(start: txBuffer + pre, count: txCapacity)
            let frame = outbox.withLock { o -> (length: Int, kind: ServerFrameKind)? in
                guard let head = o.queue.peek() else { return nil }
                // SAFETY: txBuffer holds LWS_PRE + txCapacity bytes and `send` queues only messages ≤ txCapacity.
                o.queue.pop(into: payload)
                return head
            }
            if let frame {
                let mode = frame.kind == .binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT
                // SAFETY: the payload sits LWS_PRE bytes into txBuffer, the headroom lws writes its header into.
                let written = lws_write(wsi, (txBuffer + pre).assumingMemoryBound(to: UInt8.self), frame.length, mode)
                if written < frame.length { return -1 }
                WebSocketClientCounters.bump(counters.sent)
            }
        }
        let morePending = index == active && outbox.withLock { !$0.queue.isEmpty }
        if slot.pointee.nextOutbound < slot.pointee.outbound.count || slot.pointee.heartbeatDue || morePending {
            lws_callback_on_writable(wsi)
        }
        return 0
    }

    private func writeText(wsi: OpaquePointer, _ message: [UInt8]) -> Bool {
        let pre = Int(hft_lws_pre)
        message.withUnsafeBytes { src in
            guard let base = src.baseAddress else { return }
            // SAFETY: txBuffer holds LWS_PRE + txCapacity bytes; callers send only messages ≤ txCapacity.
            (txBuffer + pre).copyMemory(from: base, byteCount: src.count)
        }
        let written = lws_write(wsi, (txBuffer + pre).assumingMemoryBound(to: UInt8.self), message.count, LWS_WRITE_TEXT)
        return written >= message.count
    }
}
