import Foundation
import HFTPrimitives
import MarketData
import Transport

extension MarketSimulator {
    /// Applies recorded frame `i` to the book and matching and, when `send`, queues it to its
    /// subscribers (with any pending fault). Replay thread.
    func process(_ i: Int, server: WebSocketServer, send: Bool) {
        let f = recording.frames[i]
        let info = frameInfo[i]
        let millis = configuration.clock()
        let disconnectAfter = configuration.disconnectAfterFrames
        let log = configuration.log
        let logFrames = configuration.logFrames
        // A copy per frame: the simulator is not a hot path, and the copy keeps the mutex region simple.
        let frame = recording.frameBytes(i)
        let blocked = state.withLock { s -> [OutgoingMessage] in
            let (applied, market) = frame.withUnsafeBytes { bytes -> ((isDiff: Bool, instrument: Int?, events: [OutgoingMessage]), [OutgoingMessage]) in
                let applied = s.apply(frame: bytes, info: info, receiveTime: f.receiveTime, eventMillis: millis)
                guard send && info.kind == .market else { return (applied, []) }
                return (applied, s.marketMessages(bytes, info: info, isDiff: applied.isDiff, instrument: applied.instrument))
            }
            s.statistics.framesProcessed += 1
            if logFrames && !market.isEmpty { log("sim: frame \(i) → \(market.count) message(s)") }
            return MarketSimulator.deliver(applied.events + market, state: &s, server: server, disconnectAfter: disconnectAfter, log: log)
        }
        retryBlocked(blocked, server: server)
    }

    /// Queues `messages` in order; returns those that met a full send queue (and every later
    /// message of the same connection), to be retried outside the lock.
    static func deliver(_ messages: [OutgoingMessage], state s: inout SimulatorState, server: WebSocketServer,
                        disconnectAfter: Int?, log: (String) -> Void) -> [OutgoingMessage] {
        var blockedIds: Set<ServerConnectionId> = []
        var blocked: [OutgoingMessage] = []
        for m in messages {
            if blockedIds.contains(m.connection) { blocked.append(m); continue }
            if m.isMarketFrame, s.subscriptions[m.connection]?.closing ?? true { continue }
            let outcome = m.bytes.withUnsafeBytes { server.send(m.connection, $0) }
            switch outcome {
            case .queued:
                s.statistics.messagesSent += 1
                if m.isMarketFrame { countFrame(m.connection, state: &s, server: server, disconnectAfter: disconnectAfter, log: log) }
            case .queueFull:
                blockedIds.insert(m.connection)
                blocked.append(m)
            case .tooLarge:
                log("sim: dropped a \(m.bytes.count)-byte message to \(m.connection): larger than the frame limit")
            case .unknownConnection:
                break
            }
        }
        return blocked
    }

    static func countFrame(_ id: ServerConnectionId, state s: inout SimulatorState, server: WebSocketServer, disconnectAfter: Int?,
                           log: (String) -> Void) {
        guard var sub = s.subscriptions[id] else { return }
        sub.framesSent += 1
        if let n = disconnectAfter, sub.framesSent >= n, !sub.closing {
            sub.closing = true
            server.close(id, code: 1001)
            s.statistics.faultsInjected += 1
            log("sim: fault disconnect-after \(n): closing \(id) after \(sub.framesSent) frames")
        }
        s.subscriptions[id] = sub
    }

    /// Retries messages that met a full queue until queued or the connection is gone (the replay
    /// waits: pacing "as fast as the client reads").
    func retryBlocked(_ messages: [OutgoingMessage], server: WebSocketServer) {
        guard !messages.isEmpty else { return }
        let disconnectAfter = configuration.disconnectAfterFrames
        let log = configuration.log
        var pending = messages
        while !pending.isEmpty {
            if control.withLock({ $0.stopRequested }) { return }
            usleep(200)
            pending = state.withLock { s -> [OutgoingMessage] in
                s.statistics.backpressureWaits += 1
                return MarketSimulator.deliver(pending, state: &s, server: server, disconnectAfter: disconnectAfter, log: log)
            }
        }
    }

    /// Carries out `fault` now. Replay thread.
    func fire(_ fault: SimulatorFault, server: WebSocketServer, log: @escaping @Sendable (String) -> Void) {
        log("sim: inject fault \(fault) at frame \(position)")
        switch fault {
        case .stall(let ms):
            state.withLock { $0.statistics.faultsInjected += 1 }
            let until = SimulatorClock.monotonicNanos() + Int64(ms) * 1_000_000
            while SimulatorClock.monotonicNanos() < until {
                if control.withLock({ $0.stopRequested }) { return }
                usleep(1_000)
            }
        case .disconnect:
            state.withLock { s in
                s.statistics.faultsInjected += 1
                for (id, sub) in s.subscriptions where sub.isMarketData { server.abort(id) }
            }
        case .gap(let k):
            state.withLock { s in s.statistics.faultsInjected += 1; s.skipDiffs += k }
        case .duplicate:
            state.withLock { s in s.statistics.faultsInjected += 1; s.duplicateNext = true }
        case .reorder:
            state.withLock { s in s.statistics.faultsInjected += 1; s.reorderNext = true }
        case .malformed:
            state.withLock { s in s.statistics.faultsInjected += 1; s.malformedNext = true }
        case .dropOrderReply:
            state.withLock { s in s.statistics.faultsInjected += 1; s.dropNextOrderReply = true }
        case .bybitRestart:
            let disconnectAfter = configuration.disconnectAfterFrames
            let blocked = state.withLock { s -> [OutgoingMessage] in
                s.statistics.faultsInjected += 1
                var topics: Set<String> = []
                for sub in s.subscriptions.values { if case .bybit = sub.kind { topics.formUnion(sub.streams.filter { $0.hasPrefix("orderbook.") }) } }
                var out: [OutgoingMessage] = []
                for topic in topics.sorted() {
                    guard let current = s.bybitCurrentU(topic: topic), let snapshot = s.bybitSnapshot(topic: topic, u: 1) else { continue }
                    s.bybitOffsets[topic] = current - 1
                    for (id, sub) in s.subscriptions where sub.streams.contains(topic) {
                        if case .bybit = sub.kind { out.append(OutgoingMessage(connection: id, bytes: snapshot, isMarketFrame: true)) }
                    }
                    log("sim: bybit restart snapshot u=1 for \(topic) (recorded u \(current)); later deltas renumbered")
                }
                return MarketSimulator.deliver(out, state: &s, server: server, disconnectAfter: disconnectAfter, log: log)
            }
            retryBlocked(blocked, server: server)
        }
    }
}

extension SimulatorState {
    /// The messages recorded market frame `bytes` becomes for each subscriber, with pending faults applied.
    mutating func marketMessages(_ bytes: UnsafeRawBufferPointer, info: RecordedFrameInfo, isDiff: Bool, instrument: Int?) -> [OutgoingMessage] {
        var full = Array(bytes)
        if let topic = info.topic {
            if RecordedFrameInfo.find(Array("\"type\":\"snapshot\"".utf8), in: full) != nil {
                bybitOffsets[topic] = nil
            } else if let offset = bybitOffsets[topic] {
                full = SimulatorState.renumber(full, subtract: offset)
            }
        }
        var messages: [OutgoingMessage] = []
        for (id, sub) in subscriptions where sub.isMarketData && !sub.closing {
            switch sub.kind {
            case .binanceRaw:
                guard let s = info.stream, sub.streams.contains(s) else { continue }
                let payload = info.dataRange.map { Array(full[$0]) } ?? full
                messages.append(OutgoingMessage(connection: id, bytes: payload, isMarketFrame: true))
            case .binanceCombined:
                guard let s = info.stream, sub.streams.contains(s) else { continue }
                let payload = info.dataRange != nil ? full : Array("{\"stream\":\"\(s)\",\"data\":".utf8) + full + [UInt8(ascii: "}")]
                messages.append(OutgoingMessage(connection: id, bytes: payload, isMarketFrame: true))
            case .bybit:
                guard let t = info.topic, sub.streams.contains(t) else { continue }
                messages.append(OutgoingMessage(connection: id, bytes: full, isMarketFrame: true))
            case .userData, .webSocketAPI:
                continue
            }
        }
        // Stable order across subscribers (by connection id) keeps tests deterministic.
        messages.sort { $0.connection.raw < $1.connection.raw }
        if messages.isEmpty { return [] }
        if isDiff && skipDiffs > 0 {
            skipDiffs -= 1
            statistics.diffsSkipped += 1
            return []
        }
        var result: [OutgoingMessage] = []
        if malformedNext {
            malformedNext = false
            result += messages.map { m in
                var broken = m
                broken.bytes = Array(m.bytes.prefix(max(1, m.bytes.count / 2)))
                return broken
            }
        }
        if isDiff && reorderNext {
            reorderNext = false
            held = (instrument, messages)
            return result
        }
        result += messages
        if isDiff, let h = held, h.instrument == instrument {
            result += h.messages
            held = nil
        }
        if isDiff && duplicateNext {
            duplicateNext = false
            result += messages
        }
        return result
    }

    /// Rewrites the first `"u":N` in a Bybit frame to `N - subtract`.
    static func renumber(_ frame: [UInt8], subtract: UInt64) -> [UInt8] {
        let key = Array("\"u\":".utf8)
        guard let k = RecordedFrameInfo.find(key, in: frame) else { return frame }
        let start = k + key.count
        var end = start
        while end < frame.count, frame[end] >= 0x30, frame[end] <= 0x39 { end += 1 }
        guard let u = UInt64(String(decoding: frame[start..<end], as: UTF8.self)), u > subtract else { return frame }
        return Array(frame[..<start]) + Array(String(u - subtract).utf8) + Array(frame[end...])
    }
}
