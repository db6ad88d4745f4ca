import ArgumentParser
import Foundation
import HFTPrimitives
import MarketData
import Simulator
import Synchronization
import Transport

/// Set by SIGINT/SIGTERM; `hft sim` polls it.
private let simInterrupted = Atomic<Bool>(false)

/// `hft sim`: the exchange simulator (see `MarketSimulator`).
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Runs an exchange simulator on loopback: recorded markets in the venues' own protocols, REST snapshots, faults, and a Binance USD-M order API.",
        discussion: """
            MARKET DATA: one replay shared by every client, as on a real venue.
              Binance /ws/<stream>[/<stream>...]  raw payloads (recorded "data")
                      /stream?streams=<a>/<b>     recorded frames, byte for byte
                      {"method":"SUBSCRIBE","params":[...],"id":1} on both.
                      Names match the recording's, ignoring "@<n>ms".
              Bybit   /v5/public/linear, /v5/public/spot
                      {"op":"subscribe","args":["orderbook.200.BTCUSDT"]}
                      -> ack, then the topics' recorded frames (a late
                      subscriber first gets a snapshot of the current
                      book); {"op":"ping"} -> pong.
              REST    GET /api/v3/depth?symbol=X&limit=N, /fapi/v1/depth:
                      the book at the stream's current update id (exact
                      decimals), so snapshot+buffer sync bridges; -1001
                      (HTTP 503) before the recording's first snapshot.
                      Also /api/v3/time, /fapi/v1/time, .../ping.
            --tls or --cert/--key: wss:// and https:// (a self-signed
            certificate for localhost/127.0.0.1 is made at start).

            PACING: --speed 1 recorded time, N N-times faster, 0 as fast as
            the slowest client reads (a full send queue holds the replay).
            --rate N sends the market frames at a fixed N per second instead.
            --loop restarts at the end (the book too; clients resync).
            --start-offset skips recorded seconds (they still build the book).
            The replay starts once --wait-for clients subscribed; --hold
            starts it paused (POST /sim/step releases frames).

            FAULTS: --fault KIND[:ARG]@FRAME fires before recorded frame
            FRAME (repeatable); the control API fires one now:
              curl -XPOST http://HOST:PORT/sim/fault -d '{"kind":"gap","count":3}'
              disconnect      drop all market-data connections (no close)
              gap:K           withhold the next K depth diffs
              duplicate       send the next depth diff twice
              reorder         swap the next two depth diffs of a symbol
              malformed       send a truncated copy of the next frame first
              stall:MS        send nothing for MS milliseconds
              bybit-restart   Bybit snapshot u=1 from the current book;
                              later deltas renumbered from 2
              drop-order-reply  WS API: carry out the next order request,
                              withhold its reply, drop that connection
            --disconnect-after N closes each connection after N frames.
            Control: POST /sim/fault, /sim/step {"frames":N},
            /sim/hold {"hold":true}; GET /sim/status.

            ORDERS (Binance USD-M; --api-key/--api-secret is the account):
              REST      POST|DELETE|GET /fapi/v1/order, X-MBX-APIKEY;
                        signature over query string + body (totalParams)
              WS API    /ws-fapi/v1 {"id":1,"method":"order.place",
                        "params":{...,"apiKey","timestamp","signature"}};
                        also order.cancel, order.status; signature over
                        the params sorted by name
              User data POST /fapi/v1/listenKey, then /ws/<listenKey>
                        pushes ORDER_TRADE_UPDATE
            Errors as Binance: -2014/-2015 key, -1102 missing parameter,
            -1131 recvWindow > 60000, -1022 signature (HMAC-SHA256), -1021
            timestamp outside recvWindow (5000 ms default) or > 1 s ahead,
            -1121 symbol, -1013 precision, -4116 repeated newClientOrderId,
            -2011 cancel of unknown order, -2013 query, -2010/-5022 rejected.
            Matching on the replayed book: MARKET and marketable LIMIT orders
            walk the levels they cross; resting orders queue behind the
            displayed size at their price and fill when trades at the price
            have consumed it, or when a trade prints through the price.

            Logs connections, subscriptions, snapshots, faults and orders
            (frames only with --log-frames). Ctrl-C stops.
            """
    )

    @Argument(help: "Recording files, served back to back as one recording (hftbacktest .gz, cryptofeed .ws.1.0, jsonl, or our capture).")
    var recordings: [String]

    @Option(help: "Force the file format: capture, hftbacktest, cryptofeed or jsonl (default: detected).")
    var format: String?

    @Option(help: "Venue protocol: binance-spot, binance-usdm, bybit-linear or bybit-spot (default: detected).")
    var venue: String?

    @Option(help: "Interface to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port (0 = any free port, printed at start).")
    var port: Int = 8765

    @Flag(help: "Serve wss:// and https:// with a self-signed certificate generated at start.")
    var tls = false

    @Option(help: "PEM certificate to serve (implies TLS; with --key).")
    var cert: String?

    @Option(help: "PEM private key of --cert.")
    var key: String?

    @Option(help: "Replay speed: 1 = recorded time, N = N× faster, 0 = as fast as the clients read.")
    var speed: Double = 1
    @Option(help: "Market frames per second at a fixed rate, whatever their recorded times (load tests; replaces --speed).")
    var rate: Int?

    @Flag(help: "Start again at the end of the recording.")
    var loop = false

    @Option(help: "Skip this many recorded seconds from the start.")
    var startOffset: Double = 0

    @Option(help: "Start the replay when this many market-data clients are subscribed (0 = at once).")
    var waitFor: Int = 1

    @Flag(help: "Start with the replay held (release frames with POST /sim/step).")
    var hold = false

    @Option(name: .customLong("fault"), help: "A fault KIND[:ARG]@FRAME (repeatable), e.g. gap:3@500, stall:2000@100, disconnect@1000.")
    var faults: [String] = []

    @Option(help: "Close each market-data connection after it was sent this many frames.")
    var disconnectAfter: Int?

    @Option(help: "API key accepted by the order endpoints.")
    var apiKey: String?

    @Option(help: "HMAC secret of --api-key.")
    var apiSecret: String?

    @Flag(help: "Log every frame served (verbose).")
    var logFrames = false

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var duration: Double?

    @Flag(help: "Stop when a non-looping replay reaches the end of the recording.")
    var exitAtEnd = false

    func run() async throws {
        var recordingFormat: RecordingFormat? = nil
        if let format {
            guard let f = RecordingFormat(rawValue: format) else { throw ValidationError("unknown --format '\(format)'") }
            recordingFormat = f
        }
        var venueId: VenueId? = nil
        if let venue {
            guard let v = VenueId.allCases.first(where: { $0.name == venue }), v != .paper else { throw ValidationError("unknown --venue '\(venue)'") }
            venueId = v
        }
        var scheduled: [ScheduledFault] = []
        for spec in faults {
            guard let f = ScheduledFault(spec: spec) else { throw ValidationError("bad --fault '\(spec)'; expected KIND[:ARG]@FRAME") }
            scheduled.append(f)
        }
        let tlsMode: SimulatorTLS
        switch (cert, key) {
        case (let c?, let k?): tlsMode = .files(TLSFiles(certificatePath: c, privateKeyPath: k))
        case (nil, nil): tlsMode = tls ? .selfSigned(directory: NSTemporaryDirectory() + "hft-sim-\(getpid())") : .none
        default: throw ValidationError("--cert and --key go together")
        }
        guard (apiKey == nil) == (apiSecret == nil) else { throw ValidationError("--api-key and --api-secret go together") }
        guard speed >= 0 else { throw ValidationError("--speed must be ≥ 0") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        let configuration = SimulatorConfiguration(
            recordingPaths: recordings, format: recordingFormat, venue: venueId, host: host, port: port, tls: tlsMode,
            pacing: rate.map { .fixedRate(framesPerSecond: $0) } ?? (speed == 0 ? .asFastAsClientsRead : .recorded(speed: speed)), loop: loop,
            startOffset: Nanos(raw: Int64(startOffset * 1e9)), waitForSubscribers: waitFor, startHeld: hold, faults: scheduled,
            disconnectAfterFrames: disconnectAfter,
            credentials: apiKey.map { [SimulatorCredential(apiKey: $0, secret: apiSecret ?? "")] } ?? [],
            log: { line in print(line); fflush(nil) }, logFrames: logFrames)
        let sim: MarketSimulator
        do {
            sim = try MarketSimulator(configuration: configuration)
            try sim.start()
        } catch {
            throw ValidationError("\(error)")
        }
        print("hft sim: \(sim.venue.name), \(sim.instruments.map(\.symbol).joined(separator: ", ")), \(sim.recording.count) frames")
        print("  market data  \(sim.webSocketBase)/stream?streams=…   \(sim.webSocketBase)/ws/<stream>   \(sim.webSocketBase)/v5/public/linear")
        print("  REST         \(sim.httpBase)/fapi/v1/depth?symbol=\(sim.instruments.first?.symbol ?? "X")&limit=1000")
        print("  orders       \(sim.httpBase)/fapi/v1/order   \(sim.webSocketBase)/ws-fapi/v1   (\(apiKey == nil ? "no --api-key: every order is refused" : "key \(apiKey!)"))")
        print("  control      \(sim.httpBase)/sim/fault  /sim/step  /sim/hold  /sim/status")
        if let certificate = sim.tlsFiles { print("  certificate  \(certificate.certificatePath)") }
        fflush(nil)
        signal(SIGINT) { _ in simInterrupted.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in simInterrupted.store(true, ordering: .relaxed) }
        let started = Date()
        // ORDERING: relaxed; a flag polled every 100 ms.
        while !simInterrupted.load(ordering: .relaxed) {
            if let duration, Date().timeIntervalSince(started) >= duration { break }
            if exitAtEnd && sim.isFinished { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        sim.closeAllConnections(timeout: 30)
        let s = sim.statistics
        sim.stop()
        print("hft sim: stopped; frames \(s.framesProcessed), messages sent \(s.messagesSent), faults \(s.faultsInjected), snapshots \(s.snapshotsServed), orders \(s.ordersAccepted) (errors \(s.orderErrors)), fills \(s.fills)")
    }
}
