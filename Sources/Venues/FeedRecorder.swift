import CSystemShims
import HFTPrimitives
import HFTRuntime
import MarketData
import Synchronization
import Transport

/// What a recording run wrote.
public struct RecordingSummary: Sendable, Hashable {
    /// Websocket frames written.
    public var frames: Int
    /// REST depth snapshots written (Binance: one per symbol at start and after each reconnect).
    public var snapshots: Int
    /// Snapshot fetches that failed (not written).
    public var snapshotFailures: Int
    /// Open connections lost during the run (failed connection attempts are not counted).
    public var disconnects: Int
    public var connection: WebSocketClientStatistics
}

/// Records a venue's market-data stream into our capture format (`CaptureWriter`): every frame
/// with its receive time (Unix ns, from the monotonic clock plus an offset fixed at start) on the
/// `websocket` channel, and, for Binance, a REST depth snapshot per symbol after the first frame of
/// every connection on the `restDepthSnapshot(symbolIndex:)` channel, so that a replay can sync.
///
/// Frames go websocket service thread → `ByteRing` → the recording task, which appends them
/// (back-pressure, never dropped). Cold path: used by `hft record`.
public final class FeedRecorder: Sendable {
    public let config: VenueFeedConfig
    public let path: String
    let streamURL: TransportURL
    let isBybit: Bool

    /// - Throws: `unsupportedVenue`, `invalidURL`.
    public init(config: VenueFeedConfig, path: String) throws(VenueConfigError) {
        guard config.venue != .paper else { throw .unsupportedVenue(config.venue.name) }
        self.config = config
        self.path = path
        isBybit = config.venue == .bybitLinear || config.venue == .bybitSpot
        let s = isBybit ? BybitURLs.publicStreamURL(config) : BinanceURLs.combinedStreamURL(config)
        guard let url = TransportURL(s) else { throw .invalidURL(s) }
        streamURL = url
    }

    /// Records until `seconds` have passed (nil = until `shouldStop` returns true or the task is cancelled).
    /// - Throws: `CaptureError` (file), `VenueConfigError.transport`.
    public func run(seconds: Double?, shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> RecordingSummary {
        var writer = try CaptureWriter(path: path, venue: config.venue, symbols: config.symbols)
        let ring = ByteRing(capacity: 1 << 24, maxRecordLength: config.maxMessageBytes)
        let reader = ring.reader
        var wsConfig = WebSocketClientConfiguration(
            url: streamURL, subscribeMessages: isBybit ? BybitMessages.subscribe(config) : [],
            heartbeatMessage: isBybit ? BybitMessages.ping : nil, maxMessageBytes: config.maxMessageBytes,
            reconnect: config.reconnect, staleAfter: config.staleAfter, maxConnectionLifetime: config.maxConnectionLifetime,
            allowInsecureLoopbackTLS: config.allowInsecureLoopbackTLS, threadName: "hft-rec-ws")
        wsConfig.rolloverMargin = config.rolloverMargin
        wsConfig.rolloverDrain = config.rolloverDrain
        let connections = ConnectionTally()
        let client = WebSocketClient(configuration: wsConfig, sink: ByteRingMessageSink(writer: ring.writer)) { event in
            switch event {
            // ORDERING: relaxed: tallies polled by the recording loop; nothing else is published.
            case .open: connections.opened.add(1, ordering: .relaxed)
            case .closed(_, .stopped), .closed(_, .connectFailed): break
            case .closed: connections.disconnects.add(1, ordering: .relaxed)
            default: break
            }
        }
        var http: HTTPClient? = nil
        if config.usesRESTSnapshots {
            let h = HTTPClient(configuration: HTTPClientConfiguration(allowInsecureLoopbackTLS: config.allowInsecureLoopbackTLS,
                                                                     threadName: "hft-rec-rest"))
            do { try h.start() } catch { throw VenueConfigError.transport("\(error)") }
            http = h
        }
        do { try client.start() } catch {
            http?.stop()
            throw VenueConfigError.transport("\(error)")
        }
        let offset = hft_realtime_ns() - hft_monotonic_ns()
        let deadline = seconds.map { hft_monotonic_ns() + Int64($0 * 1e9) }
        var summary = RecordingSummary(frames: 0, snapshots: 0, snapshotFailures: 0, disconnects: 0, connection: client.counters.snapshot)
        var snapshotsForConnection = 0
        var failure: (any Error)? = nil
        while !Task.isCancelled && !shouldStop() {
            if let d = deadline, hft_monotonic_ns() >= d { break }
            var appendError: CaptureError? = nil
            let n = reader.consume(maxRecords: 1024) { record in
                guard appendError == nil else { return }
                do throws(CaptureError) {
                    try writer.append(receiveTime: Nanos(raw: record.receiveTime.raw &+ offset),
                                      channel: .websocket(connection: record.channel), bytes: record.bytes)
                } catch {
                    appendError = error
                }
            }
            if let appendError { failure = appendError; break }
            summary.frames += n
            // Binance: snapshot each symbol once per connection, after its first frames are recorded
            // (so the replay has buffered diffs to bridge from, as the venue's procedure says).
            // ORDERING: relaxed: see the event handler.
            let opened = connections.opened.load(ordering: .relaxed)
            if let http, summary.frames > 0, opened > snapshotsForConnection {
                snapshotsForConnection = opened
                for (index, symbol) in config.symbols.enumerated() {
                    guard let url = TransportURL(BinanceURLs.depthSnapshotURL(config, symbol: symbol)) else { continue }
                    do {
                        let response = try await http.execute(HTTPRequest(method: .get, url: url))
                        guard response.status == 200 else { summary.snapshotFailures += 1; continue }
                        try writer.append(receiveTime: Nanos(raw: hft_monotonic_ns() &+ offset),
                                          channel: .restDepthSnapshot(symbolIndex: index), contents: response.body)
                        summary.snapshots += 1
                    } catch let e as CaptureError {
                        failure = e
                    } catch {
                        summary.snapshotFailures += 1
                    }
                }
                if failure != nil { break }
            }
            if n == 0 { try? await Task.sleep(for: .milliseconds(1)) }
        }
        client.stop()
        http?.stop()
        // Whatever the client delivered before it stopped is still in the ring.
        if failure == nil {
            var appendError: CaptureError? = nil
            summary.frames += reader.consume(maxRecords: Int.max) { record in
                guard appendError == nil else { return }
                do throws(CaptureError) {
                    try writer.append(receiveTime: Nanos(raw: record.receiveTime.raw &+ offset),
                                      channel: .websocket(connection: record.channel), bytes: record.bytes)
                } catch {
                    appendError = error
                }
            }
            failure = appendError
        }
        try writer.close()
        if let failure { throw failure }
        // ORDERING: relaxed: the client has stopped (joined).
        summary.disconnects = connections.disconnects.load(ordering: .relaxed)
        summary.connection = client.counters.snapshot
        return summary
    }
}

/// Connections opened and lost, counted on the service thread.
final class ConnectionTally: Sendable {
    let opened = Atomic<Int>(0)
    let disconnects = Atomic<Int>(0)
}
