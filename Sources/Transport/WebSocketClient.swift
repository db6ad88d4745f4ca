import HFTPrimitives
import Synchronization

/// A websocket feed client: one libwebsockets context and one service thread, delivering every
/// complete message to a caller-supplied sink with its receive time.
///
/// - Reassembles fragmented messages into a preallocated buffer (`maxMessageBytes`); a larger
///   message is counted (`oversized`) and dropped.
/// - Back-pressure: when the sink refuses a message the client stops reading the socket
///   (`lws_rx_flow_control`), counts it, and offers the same message again every
///   `backpressureRetryInterval` until it is taken. Nothing is dropped.
/// - Reconnects with jittered exponential backoff and re-sends the subscribe messages; a staleness
///   watchdog reconnects a silent connection; with `maxConnectionLifetime` a replacement
///   connection is opened before the limit and delivery switches to it at its first message
///   (connection ids let the consumer de-duplicate the overlap).
/// - State changes go to `onEvent` on the service thread (cold path; must not block).
///
/// Per-message cost: one virtual call into the sink and one into the clock; 0 allocations.
/// TLS certificates are verified unless `allowInsecureLoopbackTLS` (loopback hosts only).
public final class WebSocketClient<Sink: WebSocketMessageSink, Clock: ReceiveClock>: @unchecked Sendable {
    // SAFETY: `state` is guarded by a mutex; the engine is confined as documented on `ClientEngine`.
    private enum State { case created, running, stopped }
    private let delivery: TypedDelivery<Sink, Clock>
    private let engine: ClientEngine
    private let state = Mutex<(state: State, thread: ServiceThread?)>((.created, nil))

    /// Counters, readable from any thread while the client runs.
    public var counters: WebSocketClientCounters { engine.counters }
    public var configuration: WebSocketClientConfiguration { engine.configuration }

    /// - Parameters:
    ///   - sink: receives each complete message on the service thread (moved into the client).
    ///   - clock: the receive-time source (monotonic ns); also drives the client's timers.
    ///   - onEvent: connection state changes, on the service thread.
    public init(configuration: WebSocketClientConfiguration, sink: consuming Sink, clock: consuming Clock,
                onEvent: @escaping @Sendable (ConnectionEvent) -> Void = { _ in }) {
        let delivery = TypedDelivery(sink: sink, clock: clock)
        self.delivery = delivery
        self.engine = ClientEngine(configuration: configuration, delivery: delivery, onEvent: onEvent)
    }

    deinit { stop() }

    /// Creates the lws context and starts the service thread, which connects at once.
    /// - Throws: `unsupportedScheme` (not ws/wss), `insecureTLSRequiresLoopback`,
    ///   `contextCreationFailed`, `threadStartFailed`, `alreadyStarted`.
    public func start() throws(TransportError) {
        let url = engine.configuration.url
        guard url.scheme == .ws || url.scheme == .wss else { throw .unsupportedScheme(url.scheme.rawValue) }
        if engine.configuration.allowInsecureLoopbackTLS && !isLoopbackHost(url.host) {
            throw .insecureTLSRequiresLoopback(url.host)
        }
        try state.withLock { (s) throws(TransportError) in
            guard s.state == .created else { throw .alreadyStarted }
            try engine.createContext()
            let engine = self.engine
            do throws(TransportError) {
                s.thread = try ServiceThread.start(name: engine.configuration.threadName,
                                                   core: engine.configuration.serviceCore) { engine.run() }
            } catch {
                engine.destroyContext()
                throw error
            }
            s.state = .running
        }
    }

    /// Stops the service thread, closes the connections (reported as `.closed(.stopped)`) and frees
    /// the lws context. Blocks until done; idempotent; must not be called from `onEvent` or the sink.
    public func stop() {
        state.withLock { s in
            guard s.state == .running else { s.state = .stopped; return }
            engine.requestStop()
            s.thread?.join()
            s.thread = nil
            engine.destroyContext()
            s.state = .stopped
        }
    }

    /// Queues a text message for the delivering connection (any thread; never blocks on the
    /// socket). The service thread writes queued messages in order, one per WRITEABLE callback.
    /// - Returns: `.queued(sequence:)`, or `.queueFull` / `.tooLarge` / `.notConnected` (nothing queued).
    ///   A queued message whose connection drops before it is written is reported through
    ///   `configuration.onUndeliveredSends`; one that was written may or may not have been read.
    /// - Complexity: one copy into the preallocated queue under a mutex; no allocation.
    public func send(text: String) -> ClientSendOutcome {
        var text = text
        return text.withUTF8 { engine.send(UnsafeRawBufferPointer($0), binary: false) }
    }

    /// Queues a message of `bytes` (text unless `binary`); see `send(text:)`.
    public func send(bytes: UnsafeRawBufferPointer, binary: Bool = false) -> ClientSendOutcome {
        engine.send(bytes, binary: binary)
    }

    /// Runs `body` with the sink while the client is not running (before `start` or after `stop`).
    public func withSink<R>(_ body: (inout Sink) throws -> R) rethrows -> R {
        try state.withLock { s in
            precondition(s.state != .running, "the sink belongs to the service thread while the client runs")
            return try body(&delivery.sink.pointee)
        }
    }
}

extension WebSocketClient where Clock == MonotonicReceiveClock {
    /// A client stamping messages with `CLOCK_MONOTONIC`.
    public convenience init(configuration: WebSocketClientConfiguration, sink: consuming Sink,
                            onEvent: @escaping @Sendable (ConnectionEvent) -> Void = { _ in }) {
        self.init(configuration: configuration, sink: sink, clock: MonotonicReceiveClock(), onEvent: onEvent)
    }
}
