import CLibWebSockets
import HFTPrimitives
import Synchronization

/// An HTTP/1.1 client over libwebsockets (http and https with certificate verification), with its
/// own lws context and service thread. Cold path: each request allocates.
///
/// Requests may be submitted from any thread; completions run on the service thread.
/// One connection per request (no keep-alive pooling); redirects are not followed.
public final class HTTPClient: @unchecked Sendable {
    // SAFETY: `pending` and `lifecycle` are mutex-guarded; `inFlight`, `context` use and the
    // lws callbacks are confined to the service thread (and the owner after join).
    public let configuration: HTTPClientConfiguration
    private let pending = Mutex<(serial: UInt64, queue: [HTTPClientExchange], open: Bool)>((0, [], false))
    private let lifecycle = Mutex<(started: Bool, stopped: Bool, thread: ServiceThread?)>((false, false, nil))
    private let stopRequested = Atomic<Bool>(false)
    var inFlight: [UInt64: HTTPClientExchange] = [:]
    private(set) var context: OpaquePointer? = nil
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let protocolName: UnsafeMutablePointer<CChar>
    private let cALPN: UnsafeMutablePointer<CChar>
    private let cCAPath: UnsafeMutablePointer<CChar>?
    let readBuffer: UnsafeMutableRawPointer
    let readCapacity = 16_384
    let writeBuffer: UnsafeMutableRawPointer
    let writeCapacity = 16_384

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
        protocolName = strdup("hft-http-client")!
        cALPN = strdup("http/1.1")!
        cCAPath = configuration.caCertificatePath.map { strdup($0)! }
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocols[0].name = UnsafePointer(protocolName)
        protocols[0].callback = httpClientCallback
        readBuffer = .allocate(byteCount: Int(hft_lws_pre) + readCapacity, alignment: 64)
        writeBuffer = .allocate(byteCount: Int(hft_lws_pre) + writeCapacity, alignment: 64)
    }

    deinit {
        stop()
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        readBuffer.deallocate()
        writeBuffer.deallocate()
        free(protocolName); free(cALPN)
        if let cCAPath { free(cCAPath) }
    }

    /// Creates the context and starts the service thread.
    public func start() throws(TransportError) {
        try lifecycle.withLock { (s) throws(TransportError) in
            guard !s.started else { throw .alreadyStarted }
            TransportLogging.configureOnce()
            var info = lws_context_creation_info()
            info.port = CONTEXT_PORT_NO_LISTEN
            info.protocols = UnsafePointer(protocols)
            info.options = UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
            info.user = Unmanaged.passUnretained(self).toOpaque()
            info.connect_timeout_secs = 10
            if let cCAPath { info.client_ssl_ca_filepath = UnsafePointer(cCAPath) }
            guard let ctx = lws_create_context(&info) else { throw .contextCreationFailed("lws_create_context failed") }
            context = ctx
            do throws(TransportError) {
                s.thread = try ServiceThread.start(name: configuration.threadName, core: configuration.serviceCore) {
                    [self] in
                    // ORDERING: acquiring pairs with the releasing store in `stop`.
                    while !self.stopRequested.load(ordering: .acquiring) {
                        if lws_service(ctx, 0) < 0 { break }
                    }
                }
            } catch {
                lws_context_destroy(ctx)
                context = nil
                throw error
            }
            pending.withLock { $0.open = true }
            s.started = true
        }
    }

    /// Stops the service thread; requests in flight or queued complete with `.cancelled`.
    /// Blocks; idempotent; not from a completion handler.
    public func stop() {
        lifecycle.withLock { s in
            guard s.started, !s.stopped else { s.stopped = true; return }
            s.stopped = true
            let queued = pending.withLock { p -> [HTTPClientExchange] in
                p.open = false
                defer { p.queue.removeAll() }
                return p.queue
            }
            // ORDERING: releasing; see the service loop.
            stopRequested.store(true, ordering: .releasing)
            if let context { lws_cancel_service(context) }
            s.thread?.join()
            s.thread = nil
            for exchange in inFlight.values {
                exchange.failure = .cancelled
                lws_sul_cancel(&exchange.timer.pointee.sul)
            }
            if let context { lws_context_destroy(context) }
            context = nil
            for exchange in inFlight.values { exchange.complete(.failure(.cancelled)) }
            inFlight.removeAll()
            for exchange in queued { exchange.complete(.failure(.cancelled)) }
        }
    }

    /// Submits `request`; `completion` runs once on the service thread (any thread may call this).
    public func execute(_ request: HTTPRequest,
                        completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void) {
        guard request.url.scheme == .http || request.url.scheme == .https else {
            completion(.failure(.invalidRequest("scheme \(request.url.scheme.rawValue) is not http(s)")))
            return
        }
        if configuration.allowInsecureLoopbackTLS && request.url.scheme.isSecure && !isLoopbackHost(request.url.host) {
            completion(.failure(.invalidRequest("insecure TLS is allowed for loopback hosts only")))
            return
        }
        let accepted = pending.withLock { p -> Bool in
            guard p.open else { return false }
            p.serial &+= 1
            p.queue.append(HTTPClientExchange(serial: p.serial, request: request, completion: completion))
            return true
        }
        guard accepted, let context else {
            completion(.failure(.cancelled))
            return
        }
        lws_cancel_service(context)
    }

    /// Submits `request` and waits for its response.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>) in
            execute(request) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    // MARK: Service thread

    /// Starts the queued requests (service thread, after a wake-up).
    func startQueued() {
        guard let ctx = context else { return }
        let batch = pending.withLock { p -> [HTTPClientExchange] in
            defer { p.queue.removeAll() }
            return p.queue
        }
        for exchange in batch {
            inFlight[exchange.serial] = exchange
            exchange.timer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
            exchange.timer.pointee.tag = exchange.serial
            lws_sul_schedule(ctx, 0, &exchange.timer.pointee.sul, httpTimeoutFired,
                             lws_usec_t(max(1, exchange.request.timeout.raw / 1_000)))
            let url = exchange.request.url
            var flags = Int32(LCCSCF_HTTP_NO_FOLLOW_REDIRECT.rawValue)
            if url.scheme.isSecure {
                flags |= Int32(LCCSCF_USE_SSL.rawValue)
                if configuration.allowInsecureLoopbackTLS {
                    flags |= Int32(LCCSCF_ALLOW_SELFSIGNED.rawValue | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK.rawValue
                        | LCCSCF_ALLOW_EXPIRED.rawValue)
                }
            }
            var info = lws_client_connect_info()
            info.context = ctx
            info.address = UnsafePointer(exchange.cHost)
            info.port = Int32(url.port)
            info.ssl_connection = flags
            info.path = UnsafePointer(exchange.cPath)
            info.host = UnsafePointer(exchange.cHost)
            info.origin = UnsafePointer(exchange.cHost)
            info.method = UnsafePointer(exchange.cMethod)
            info.alpn = UnsafePointer(cALPN)
            info.local_protocol_name = UnsafePointer(protocolName)
            info.userdata = Unmanaged.passUnretained(exchange).toOpaque()
            info.pwsi = exchange.wsiCell
            if lws_client_connect_via_info(&info) == nil {
                exchange.complete(.failure(exchange.failure ?? .connectFailed("lws_client_connect_via_info failed")))
                inFlight[exchange.serial] = nil
            }
        }
    }

    /// The request's timeout fired: fail it and drop its connection.
    func timedOut(serial: UInt64) {
        guard let exchange = inFlight[serial], !exchange.completed else { return }
        exchange.failure = .timedOut
        exchange.complete(.failure(.timedOut))
        if let wsi = exchange.wsi { lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, hft_lws_to_kill_async) }
    }
}

private let httpTimeoutFired: @convention(c) (UnsafeMutablePointer<lws_sorted_usec_list_t>?) -> Void = { sul in
    // SAFETY: the sul belongs to an exchange kept alive by `inFlight`; its owner is the live client
    // (timers are cancelled when an exchange completes, and the context is destroyed before the client).
    let timer = hft_lws_timer_of(sul!)!
    let serial = timer.pointee.tag
    Unmanaged<HTTPClient>.fromOpaque(timer.pointee.owner!)._withUnsafeGuaranteedRef { $0.timedOut(serial: serial) }
}
