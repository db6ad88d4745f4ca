import CSystemShims
import HFTPrimitives
import HFTRuntime
import MarketData
import Synchronization
import Transport

/// One venue market-data connection kept exact over the network:
/// `WebSocketClient` (service thread) → `ByteRing` (back-pressure, never dropped) → `BookStage`
/// (pinned thread, books) ← `SnapshotFetcher` (cold task, REST snapshots within the weight budget).
///
/// ```swift
/// let feed = try FeedHandler(config: VenueFeedConfig(venue: .binanceUsdm, instruments: specs))
/// try feed.start()
/// feed.isStale(eth)                                   // any thread, one atomic load
/// let oracle = await feed.stage.withFeed { $0.oracle(eth) }  // control plane, on the book thread
/// // An agent attached to `feed.thread` reads the books synchronously, with no hop:
/// // feed.stage.withPinnedIsolation { $0.feed.withBook(eth) { $0.book.bestBid } }
/// feed.stop()
/// ```
/// Lifecycle: `init` → `start` → `stop` (once; create a new handler to run again).
public final class FeedHandler: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): `ring` is created in init and destroyed in deinit, after `stop`
    // has joined every thread using it; the mutable lifecycle state is guarded by `lifecycle`.
    public let config: VenueFeedConfig
    public let stage: BookStage
    public let status: FeedStatus
    public let thread: PinnedThread
    public let budget: RequestWeightBudget
    let ring: ByteRing
    typealias Client = WebSocketClient<ByteRingMessageSink, MonotonicReceiveClock>
    /// The current websocket client; replaced (stopped, then a new one started) when a Bybit book
    /// needs a fresh snapshot: Bybit sends one only on (re)subscription.
    let clients: Mutex<(current: Client, retired: WebSocketClientStatistics?)>
    let wsConfig: WebSocketClientConfiguration
    let http: HTTPClient?
    let fetcher: SnapshotFetcher?
    private let lifecycle = Mutex<(started: Bool, stopped: Bool, task: Task<Void, Never>?, resubscriber: Task<Void, Never>?)>((false, false, nil, nil))

    /// Builds the pipeline (allocates the ring, the books and the clients; connects nothing).
    /// - Throws: `unsupportedVenue`, `noInstruments`, `unsupportedDepth`, `invalidURL`, `thread`.
    /// - Parameters:
    ///   - downstream: rings the Book stage publishes its changes and trades on, each with the levels
    ///     per side kept in step there (`BookEventPublisher`).
    public init(config: VenueFeedConfig, idle: IdleStrategyConfig = .backoff(),
                downstream: [BookEventOutput] = []) throws(VenueConfigError) {
        guard config.venue != .paper else { throw .unsupportedVenue(config.venue.name) }
        guard !config.instruments.isEmpty else { throw .noInstruments }
        let isBybit = config.venue == .bybitLinear || config.venue == .bybitSpot
        if isBybit && !BybitURLs.supports(config.bybitDepth, venue: config.venue) { throw .unsupportedDepth(config.bybitDepth.rawValue) }
        self.config = config
        let status = FeedStatus(instrumentCount: config.instruments.count)
        self.status = status
        do {
            thread = try PinnedThread(name: "hft-book-\(config.venue.name)", core: config.bookCore, idle: idle)
        } catch {
            throw .thread("\(error)")
        }
        ring = ByteRing(capacity: config.ringCapacity, maxRecordLength: config.maxMessageBytes)
        stage = BookStage(venue: config.venue, instruments: config.instruments, reader: ring.reader, status: status, on: thread,
                          bufferMessages: config.bufferMessages, bufferLevels: config.bufferLevels,
                          downstream: downstream)
        budget = RequestWeightBudget(limit: config.weightBudgetPerMinute, window: config.weightWindow)

        let urlString = isBybit ? BybitURLs.publicStreamURL(config) : BinanceURLs.combinedStreamURL(config)
        guard let url = TransportURL(urlString) else { throw .invalidURL(urlString) }
        var wsConfig = WebSocketClientConfiguration(
            url: url, subscribeMessages: isBybit ? BybitMessages.subscribe(config) : [],
            heartbeatMessage: isBybit ? BybitMessages.ping : nil, heartbeatInterval: .seconds(20),
            maxMessageBytes: config.maxMessageBytes, reconnect: config.reconnect, staleAfter: config.staleAfter,
            maxConnectionLifetime: config.maxConnectionLifetime, allowInsecureLoopbackTLS: config.allowInsecureLoopbackTLS,
            serviceCore: config.serviceCore, threadName: "hft-ws-\(config.venue.name)", jitterSeed: config.jitterSeed)
        wsConfig.rolloverMargin = config.rolloverMargin
        wsConfig.rolloverDrain = config.rolloverDrain
        self.wsConfig = wsConfig
        clients = Mutex((FeedHandler.makeClient(wsConfig, ring.writer, status, config.sendSchedule), nil))
        if config.usesRESTSnapshots {
            let http = HTTPClient(configuration: HTTPClientConfiguration(allowInsecureLoopbackTLS: config.allowInsecureLoopbackTLS,
                                                                        threadName: "hft-rest-\(config.venue.name)"))
            self.http = http
            fetcher = try SnapshotFetcher(config: config, http: http, budget: budget, stage: stage)
        } else {
            http = nil
            fetcher = nil
        }
    }

    deinit { stop() }

    /// Starts the Book stage's thread, the REST client and fetcher (Binance), then connects.
    /// - Throws: `thread` or `transport` (everything started so far is stopped again).
    public func start() throws(VenueConfigError) {
        try lifecycle.withLock { (s) throws(VenueConfigError) in
            precondition(!s.started, "a FeedHandler starts once")
            s.started = true
            do {
                try thread.attach(stage)
                try thread.start()
            } catch {
                throw .thread("\(error)")
            }
            do {
                try http?.start()
                if let fetcher { s.task = Task.detached { await fetcher.run() } }
                try clients.withLock { (c) throws(TransportError) in try c.current.start() }
                if !config.usesRESTSnapshots { s.resubscriber = Task.detached { [weak self] in await self?.resubscribeLoop() } }
            } catch {
                s.task?.cancel()
                http?.stop()
                thread.stop()
                s.stopped = true
                throw .transport("\(error)")
            }
        }
    }

    /// Stops the websocket client, the fetcher, the REST client and the Book stage's thread (in
    /// that order, so nothing writes into the ring once its reader stops). Blocks; idempotent.
    public func stop() {
        lifecycle.withLock { s in
            guard s.started, !s.stopped else { return }
            s.stopped = true
            s.resubscriber?.cancel()
            clients.withLock { $0.current.stop() }
            s.task?.cancel()
            http?.stop()
            thread.stop()
        }
    }

    /// Whether `instrument`'s book must not be trusted right now (any thread; one atomic load).
    @inlinable
    public func isStale(_ instrument: InstrumentId) -> Bool { status.isStale(instrument) }

    /// Feed counters (see `FeedStatus`).
    public var statistics: FeedStatistics { status.statistics }

    /// The websocket client's counters (messages, reconnects, back-pressure pauses, …).
    /// Summed over the clients of this feed (a Bybit resubscription starts a new client).
    public var connection: WebSocketClientStatistics {
        clients.withLock { c in
            let s = c.current.counters.snapshot
            return c.retired.map { FeedHandler.sum($0, s) } ?? s
        }
    }

    static func sum(_ a: WebSocketClientStatistics, _ b: WebSocketClientStatistics) -> WebSocketClientStatistics {
        var s = a
        s.messages += b.messages; s.bytes += b.bytes; s.reconnects += b.reconnects; s.stale += b.stale
        s.oversized += b.oversized; s.backpressure += b.backpressure; s.connectFailures += b.connectFailures
        s.heartbeats += b.heartbeats; s.flowControlViolations += b.flowControlViolations
        s.overlapDiscarded += b.overlapDiscarded; s.outboundDropped += b.outboundDropped
        return s
    }

    static func makeClient(_ configuration: WebSocketClientConfiguration, _ writer: ByteRingWriter, _ status: FeedStatus,
                           _ schedule: SendSchedule?) -> Client {
        Client(configuration: configuration, sink: ByteRingMessageSink(writer: writer, schedule: schedule)) { event in
            FeedHandler.observe(event, status: status)
        }
    }

    /// Bybit: when the Book stage saw a gap (the book is stale until the venue sends a snapshot),
    /// replaces the connection so that the resubscription brings a snapshot for every topic.
    /// The old client is stopped (joined) before the new one starts: one ring producer at a time.
    func resubscribeLoop() async {
        while !Task.isCancelled {
            var wanted = false
            for i in 0..<status.instrumentCount where status.takeRequest(i) { wanted = true }
            if wanted {
                // Under the lifecycle lock so that a concurrent `stop()` cannot be overtaken by a restart.
                let outcome: Bool? = lifecycle.withLock { s in
                    guard !s.stopped else { return nil }
                    return clients.withLock { c in
                        c.current.stop()
                        let old = c.current.counters.snapshot
                        for i in 0..<status.instrumentCount { status.setStale(i, true) }
                        // ORDERING: releasing: the Book stage that sees the bump resets its books, and
                        // every record of the new client is published after it.
                        status.epoch.add(1, ordering: .releasing)
                        status.bump(status.resubscriptions)
                        c.retired = c.retired.map { FeedHandler.sum($0, old) } ?? old
                        c.current = FeedHandler.makeClient(wsConfig, ring.writer, status, config.sendSchedule)
                        do { try c.current.start(); return true } catch { return false }
                    }
                }
                guard let restarted = outcome else { return }
                if !restarted { status.bump(status.snapshotFailures) }
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Connection events (service thread): a lost delivering connection makes every book stale at
    /// once and tells the Book stage to reset them. Rollovers (`switched`) keep the books.
    static func observe(_ event: ConnectionEvent, status: FeedStatus) {
        // ORDERING (all below): relaxed for the service thread's own bookkeeping; the epoch bump is
        // releasing so the Book stage that sees it also sees the stale flags stored before it.
        switch event {
        case .connecting(let c, let standby):
            if !standby {
                status.delivering.store(c, ordering: .relaxed)
                status.deliveringOpened.store(false, ordering: .relaxed)
            }
        case .open(let c):
            if c == status.delivering.load(ordering: .relaxed) { status.deliveringOpened.store(true, ordering: .relaxed) }
        case .switched(_, let to):
            status.delivering.store(to, ordering: .relaxed)
            status.deliveringOpened.store(true, ordering: .relaxed)
        case .closed(let c, let reason):
            guard reason != .stopped, c == status.delivering.load(ordering: .relaxed),
                  status.deliveringOpened.load(ordering: .relaxed) else { return }
            status.deliveringOpened.store(false, ordering: .relaxed)
            for i in 0..<status.instrumentCount { status.setStale(i, true) }
            status.bump(status.disconnects)
            status.epoch.add(1, ordering: .releasing)
        case .reconnecting, .stale:
            break
        }
    }
}
