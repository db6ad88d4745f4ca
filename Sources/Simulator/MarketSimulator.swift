import Foundation
import HFTPrimitives
import MarketData
import Synchronization
import Transport

/// `hft sim`: an exchange simulator on one libwebsockets server. It replays a recording in the
/// venue's own wire format (Binance `/ws/<stream>`, `/stream?streams=…`; Bybit
/// `/v5/public/{linear,spot}`), serves REST depth snapshots of the book at the current update id,
/// injects faults, and accepts Binance USD-M orders (REST and WebSocket API, HMAC-checked) that
/// match against the replayed book, with `ORDER_TRADE_UPDATE` on a user-data stream.
///
/// One replay thread walks the recording: each frame is applied to the simulator's own book (the
/// same `BookFeed` stage as the engine), then queued to every subscriber in the same critical
/// section, so a REST snapshot always bridges with what each client has received.
/// Cold path throughout (allocates, locks, logs per connection/fault/order, not per frame).
///
/// ```swift
/// let sim = try MarketSimulator(configuration: SimulatorConfiguration(recordingPaths: [path]))
/// try sim.start()
/// // ws://127.0.0.1:\(sim.port)/stream?streams=ethusdt@depth@0ms ; http://127.0.0.1:\(sim.port)/fapi/v1/depth?symbol=ETHUSDT
/// sim.stop()
/// ```
public final class MarketSimulator: @unchecked Sendable {
    // SAFETY: mutable state lives in `state` and `control` (mutexes); `server`, `tlsFiles` and
    // `thread` are written only in `start`/`stop` under `lifecycle`.
    public let configuration: SimulatorConfiguration
    /// The recording being served.
    public let recording: FrameSequence
    /// The venue whose protocol is spoken.
    public let venue: VenueId
    /// Instruments (symbol, inferred scales) in id order.
    public let instruments: [(symbol: String, spec: InstrumentSpec)]
    let frameInfo: [RecordedFrameInfo]
    let state: Mutex<SimulatorState>
    let control = Mutex<ReplayControl>(ReplayControl())
    private let lifecycle = Mutex<Int>(0)
    private(set) var server: WebSocketServer?
    /// The certificate served over TLS (nil on plain ws); point a client's CA file at it.
    public private(set) var tlsFiles: TLSFiles?
    private let replayDone = Atomic<Bool>(false)
    /// With `.fixedRate` pacing: the send schedule of the market frames (its `start` is set when
    /// the replay begins), for a receiver to stamp intended send times (`hft bench --source sim`).
    public let sendSchedule: SendSchedule?

    /// Loads and indexes the recording. Cold.
    public init(configuration: SimulatorConfiguration) throws(SimulatorError) {
        self.configuration = configuration
        let frames: FrameSequence
        do { frames = try RecordingImporter.load(paths: configuration.recordingPaths, format: configuration.format) } catch {
            throw .recording(error)
        }
        guard frames.count > 0 else { throw .unusableRecording("no frames") }
        guard let venue = configuration.venue ?? frames.venue ?? RecordingInspector.detectVenue(frames), venue != .paper else {
            throw .unusableRecording("cannot tell the venue; pass it explicitly")
        }
        let instruments = BookReplay.instruments(for: frames, venue: venue)
        guard !instruments.isEmpty else { throw .unusableRecording("no symbols found") }
        let routes = BookReplay.symbolRoutes(frames, instruments: instruments)
        var infos: [RecordedFrameInfo] = []
        infos.reserveCapacity(frames.count)
        frames.withFrames { table, base in
            for f in table {
                let bytes = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)])
                infos.append(RecordedFrameInfo.inspect(bytes, channel: f.channel) { s in
                    s < routes.count && routes[s] >= 0 ? routes[s] : nil
                })
            }
        }
        self.recording = frames
        self.venue = venue
        self.instruments = instruments
        self.frameInfo = infos
        self.state = Mutex(SimulatorState(venue: venue, instruments: instruments))
        if case .fixedRate(let rate) = configuration.pacing {
            guard rate > 0 else { throw .unusableRecording("the fixed rate must be positive") }
            sendSchedule = SendSchedule(framesPerSecond: rate, capacity: infos.reduce(0) { $0 + ($1.kind == .market ? 1 : 0) })
        } else {
            sendSchedule = nil
        }
    }

    deinit { stop() }

    /// The listening port (0 before `start`).
    public var port: Int { server?.port ?? 0 }
    /// Whether the server speaks TLS.
    public var isSecure: Bool { tlsFiles != nil }
    /// `ws://host:port` or `wss://host:port`.
    public var webSocketBase: String { "\(isSecure ? "wss" : "ws")://\(configuration.host):\(port)" }
    /// `http://host:port` or `https://host:port`.
    public var httpBase: String { "\(isSecure ? "https" : "http")://\(configuration.host):\(port)" }

    /// Binds the port (generating a certificate first for `.selfSigned`) and starts the replay thread.
    public func start() throws(SimulatorError) {
        try lifecycle.withLock { (phase: inout Int) throws(SimulatorError) in
            guard phase == 0 else { throw .alreadyStarted }
            var tls: TLSFiles? = nil
            switch configuration.tls {
            case .none: break
            case .files(let f): tls = f
            case .selfSigned(let directory):
                _ = mkdir(directory, 0o700)
                do throws(TransportError) { tls = try SelfSignedCertificate.generate(in: directory) } catch { throw .transport(error) }
            }
            let server = WebSocketServer(configuration: WebSocketServerConfiguration(
                host: configuration.host, port: configuration.port, tls: tls, maxConnections: configuration.maxConnections,
                sendQueueBytes: 8 << 20, maxFrameBytes: 4 << 20, maxMessageBytes: 1 << 20,
                websocketRoutes: webSocketRoutes(), httpRoutes: httpRoutes(), threadName: "hft-sim-server"))
            self.server = server
            do throws(TransportError) { try server.start() } catch {
                self.server = nil
                throw .transport(error)
            }
            self.tlsFiles = tls
            phase = 1
            let held = configuration.startHeld
            control.withLock { $0.held = held }
            let thread = Thread { [self] in
                self.replayLoop(server)
                // ORDERING: releasing; `stop` acquires before tearing down.
                self.replayDone.store(true, ordering: .releasing)
            }
            thread.name = "hft-sim-replay"
            thread.start()
            configuration.log("sim: serving \(venue.name) \(instruments.map(\.symbol).joined(separator: ",")) (\(recording.count) frames) on \(webSocketBase)")
        }
    }

    /// Stops the replay and the server (closing every connection). Blocks; idempotent.
    public func stop() {
        lifecycle.withLock { phase in
            guard phase == 1 else { phase = 2; return }
            phase = 2
            control.withLock { $0.stopRequested = true }
            // ORDERING: acquiring pairs with the replay thread's releasing store.
            while !replayDone.load(ordering: .acquiring) { usleep(1_000) }
            server?.stop()
        }
    }

    /// Closes every websocket connection with a close frame after the frames already queued to it,
    /// waiting up to `timeout` seconds for the clients to drain (a clean end of `hft sim`). Blocks.
    public func closeAllConnections(timeout: Double = 5) {
        guard let server else { return }
        let ids = state.withLock { Array($0.subscriptions.keys) }
        for id in ids { server.close(id, code: 1000) }
        let deadline = SimulatorClock.monotonicNanos() + Int64(timeout * 1e9)
        while server.openConnectionCount > 0 && SimulatorClock.monotonicNanos() < deadline { usleep(5_000) }
    }

    /// Injects `fault` before the next frame (thread-safe; also `POST /sim/fault`).
    public func inject(_ fault: SimulatorFault) {
        if case .dropOrderReply = fault {
            state.withLock { s in s.statistics.faultsInjected += 1; s.dropNextOrderReply = true }
            return
        }
        control.withLock { $0.pendingFaults.append(fault) }
    }

    /// Lets `frames` more frames through while the replay is held (`startHeld`, `holdReplay`).
    /// Also `POST /sim/step {"frames":N}`.
    public func step(frames: Int) {
        control.withLock { $0.stepBudget += max(0, frames) }
    }

    /// Holds the replay until `step` releases frames (true), or lets it run (false).
    public func holdReplay(_ hold: Bool) {
        control.withLock { $0.held = hold }
    }

    /// Index of the next recorded frame to be served.
    public var position: Int { control.withLock { $0.position } }

    /// True once a non-looping replay has served the whole recording.
    public var isFinished: Bool { control.withLock { $0.finished } }

    public var statistics: SimulatorStatistics { state.withLock { $0.statistics } }

    /// Number of open market-data subscriptions (with at least one stream or topic).
    public var marketSubscriberCount: Int {
        state.withLock { s in s.subscriptions.values.filter { $0.isMarketData && !$0.streams.isEmpty }.count }
    }

    /// Number of open user-data stream connections (`/ws/<listenKey>`).
    public var userDataSubscriberCount: Int {
        state.withLock { s in s.subscriptions.values.filter { if case .userData = $0.kind { return true }; return false }.count }
    }

    /// The REST depth snapshot body of `symbol` now (as `/fapi/v1/depth` would answer); nil while stale.
    public func depthSnapshot(symbol: String, limit: Int = 1000) -> String? {
        let futures = venue == .binanceUsdm
        return state.withLock { s in s.instrument(symbol: symbol).flatMap { s.depthSnapshot(instrument: $0, limit: limit, futures: futures) } }
    }

    // MARK: Replay thread

    private func replayLoop(_ server: WebSocketServer) {
        let log = configuration.log
        // Wait for subscribers.
        while configuration.waitForSubscribers > 0 && marketSubscriberCount < configuration.waitForSubscribers {
            if control.withLock({ $0.stopRequested }) { return }
            usleep(2_000)
        }
        let first = recording.frames.first?.receiveTime.raw ?? 0
        var start = 0
        if configuration.startOffset.raw > 0 {
            while start < recording.count && recording.frames[start].receiveTime.raw - first < configuration.startOffset.raw { start += 1 }
        }
        var pacedStart: Int64 = 0
        var paced = 0
        var scheduled: [Int: [SimulatorFault]] = [:]
        for f in configuration.faults { scheduled[f.atFrame, default: []].append(f.fault) }
        var pass = 0
        while true {
            // Frames before the start offset build the book silently.
            for i in 0..<(pass == 0 ? start : 0) { process(i, server: server, send: false) }
            let base = recording.frames[pass == 0 ? start : 0].receiveTime.raw
            let wallBase = SimulatorClock.monotonicNanos()
            var i = pass == 0 ? start : 0
            while i < recording.count {
                // Hold (manual stepping), control-API faults, stop.
                while true {
                    let (stop, faults, go) = control.withLock { c -> (Bool, [SimulatorFault], Bool) in
                        let faults = c.pendingFaults
                        c.pendingFaults.removeAll()
                        if c.stopRequested { return (true, faults, true) }
                        if !c.held { return (false, faults, true) }
                        if c.stepBudget > 0 { c.stepBudget -= 1; return (false, faults, true) }
                        return (false, faults, false)
                    }
                    if stop { return }
                    for fault in faults { fire(fault, server: server, log: log) }
                    if go { break }
                    usleep(500)
                }
                if pass == 0, let due = scheduled.removeValue(forKey: i) {
                    for fault in due { fire(fault, server: server, log: log) }
                }
                if pass == 0, let schedule = sendSchedule, frameInfo[i].kind == .market {
                    if pacedStart == 0 {
                        pacedStart = SimulatorClock.monotonicNanos()
                        schedule.begin(at: Nanos(raw: pacedStart))
                    }
                    let due = pacedStart + Int64(paced) * schedule.period
                    if !waitUntil(due) { return }
                    let lateBy = SimulatorClock.monotonicNanos() - due
                    paced += 1
                    state.withLock { s in
                        s.statistics.framesPaced += 1
                        if lateBy > schedule.period { s.statistics.framesLate += 1 }
                    }
                } else if case .recorded(let speed) = configuration.pacing, speed > 0 {
                    let due = wallBase + Int64(Double(recording.frames[i].receiveTime.raw - base) / speed)
                    while SimulatorClock.monotonicNanos() < due {
                        if control.withLock({ $0.stopRequested }) { return }
                        let left = due - SimulatorClock.monotonicNanos()
                        if left > 0 { usleep(UInt32(min(left / 1_000, 20_000))) }
                    }
                }
                process(i, server: server, send: true)
                i += 1
                control.withLock { $0.position = i }
            }
            pass += 1
            state.withLock { $0.statistics.passes += 1 }
            guard configuration.loop else { break }
            log("sim: end of recording; looping (pass \(pass + 1)); the book restarts from the recording's first snapshot")
            state.withLock { $0.resetBooks() }
        }
        control.withLock { $0.finished = true }
        log("sim: end of recording after \(recording.count) frames; REST and orders stay available")
    }

    /// Waits until monotonic `due`: sleeps while more than 200 µs remain, then yields (a paced
    /// frame goes out within a few µs of its time). False when a stop was requested meanwhile.
    private func waitUntil(_ due: Int64) -> Bool {
        while true {
            let left = due - SimulatorClock.monotonicNanos()
            if left <= 0 { return true }
            if control.withLock({ $0.stopRequested }) { return false }
            if left > 200_000 { usleep(UInt32(min((left - 100_000) / 1_000, 20_000))) } else { sched_yield() }
        }
    }
}
