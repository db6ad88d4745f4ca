import ArgumentParser
import Foundation
import Synchronization
import HFTPrimitives
import MarketData
import Venues

/// `hft record`: captures a venue's live market-data frames (and, for Binance, the REST depth
/// snapshots a replay needs to sync) into our capture format.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record live market-data frames (and Binance REST depth snapshots) into a capture file.",
        discussion: """
        Subscribes to the depth, trade and (Binance) bookTicker streams of the symbols and appends every \
        frame with its receive time (Unix ns) to FILE; for Binance a REST depth snapshot per symbol is \
        recorded after the first frames of every connection. An existing capture is appended to (a torn \
        tail is truncated first). Replay it with `hft book-check FILE`.
        """
    )

    @Option(help: "Venue: binance-spot, binance-usdm, bybit-linear, bybit-spot.")
    var venue: String

    @Option(help: "Comma-separated venue symbols, e.g. ETHUSDT,BTCUSDT.")
    var symbols: String

    @Option(help: "Output capture file.")
    var out: String

    @Option(help: "Websocket base URL override (e.g. the simulator's ws://127.0.0.1:PORT).")
    var baseURL: String?

    @Option(help: "REST base URL override (default: derived from --base-url: ws→http, wss→https).")
    var restURL: String?

    @Option(help: "Stop after this many seconds (default: until interrupted).")
    var seconds: Double?

    @Option(help: "Binance depth stream variant: 100ms, 0ms or standard.")
    var depthSpeed: String = "100ms"

    @Option(help: "Bybit order-book depth: 1, 50, 200 or 500.")
    var bybitDepth: Int = 200

    @Flag(help: "Use the venue's testnet.")
    var testnet = false

    @Flag(help: "TEST ONLY: accept a self-signed certificate on a loopback host.")
    var insecureLoopbackTLS = false

    func run() async throws {
        guard let venueId = VenueId(name: venue), venueId != .paper else { throw ValidationError("unknown venue \(venue)") }
        let names = symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("no symbols") }
        let speed: BinanceDepthSpeed
        switch depthSpeed {
        case "100ms": speed = .ms100
        case "0ms": speed = .ms0
        case "standard", "1000ms": speed = .standard
        default: throw ValidationError("unknown depth speed \(depthSpeed)")
        }
        guard let depth = BybitDepth(rawValue: bybitDepth) else { throw ValidationError("unknown Bybit depth \(bybitDepth)") }
        // Recording needs no scales: specs only name the instruments.
        let instruments = names.enumerated().map { i, s in
            (symbol: s, spec: InstrumentSpec(id: InstrumentId(raw: UInt32(i)), venue: venueId,
                                            priceScale: DecimalScale(places: 8), quantityScale: DecimalScale(places: 8)))
        }
        var rest = restURL
        if rest == nil, let base = baseURL {
            rest = base.hasPrefix("wss://") ? "https://" + base.dropFirst(6) : base.hasPrefix("ws://") ? "http://" + base.dropFirst(5) : base
        }
        let config = VenueFeedConfig(venue: venueId, instruments: instruments, environment: testnet ? .testnet : .mainnet,
                                     binanceDepthSpeed: speed, bybitDepth: depth, streamBaseOverride: baseURL, restBaseOverride: rest,
                                     allowInsecureLoopbackTLS: insecureLoopbackTLS)
        let recorder = try FeedRecorder(config: config, path: out)
        let stop = StopFlag()
        let sigint = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signal(SIGINT, SIG_IGN)
        sigint.setEventHandler { stop.set() }
        sigint.resume()
        print("hft record: \(venueId.name) \(names.joined(separator: ",")) → \(out)")
        let summary = try await recorder.run(seconds: seconds, shouldStop: { stop.isSet })
        print("hft record: \(summary.frames) frames, \(summary.snapshots) REST snapshots (\(summary.snapshotFailures) failed), "
            + "\(summary.disconnects) disconnects, \(summary.connection.backpressure) back-pressure pauses")
    }
}

/// Set by SIGINT, polled by the recording loop.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
