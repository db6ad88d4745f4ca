import HFTPrimitives
import MarketData
import Transport

/// Everything `MarketSimulator` needs, fixed at start.
public struct SimulatorConfiguration: Sendable {
    /// The recording (files read back to back as one, any `RecordingFormat`).
    public var recordingPaths: [String]
    public var format: RecordingFormat?
    /// Venue whose protocol is spoken; nil = detected from the recording.
    public var venue: VenueId?
    public var host: String
    /// 0 = the kernel chooses (read `MarketSimulator.port`).
    public var port: Int
    public var tls: SimulatorTLS
    public var pacing: SimulatorPacing
    /// Start again from the beginning at the end (the book is rebuilt; ids jump back: clients resync).
    public var loop: Bool
    /// Skip this much recorded time from the start (the skipped frames still build the book).
    public var startOffset: Nanos
    /// The replay starts when this many market-data connections are open (0 = at once).
    public var waitForSubscribers: Int
    /// Start with the replay held: frames go out only as `MarketSimulator.step(frames:)` (or
    /// `POST /sim/step`) releases them (deterministic tests).
    public var startHeld: Bool
    /// Faults fired before given frame indices.
    public var faults: [ScheduledFault]
    /// Drop each market-data connection after it has been sent this many frames (nil = never).
    public var disconnectAfterFrames: Int?
    /// API keys accepted by the order endpoints.
    public var credentials: [SimulatorCredential]
    /// Server time in Unix milliseconds (signature windows, event times); wall clock by default.
    public var clock: @Sendable () -> Int64
    /// Cold-path log sink (one line per served connection, fault, order; not per frame).
    public var log: @Sendable (String) -> Void
    /// Log every frame sent (very verbose; debugging only).
    public var logFrames: Bool
    public var maxConnections: Int

    public init(recordingPaths: [String], format: RecordingFormat? = nil, venue: VenueId? = nil, host: String = "127.0.0.1",
                port: Int = 0, tls: SimulatorTLS = .none, pacing: SimulatorPacing = .asFastAsClientsRead, loop: Bool = false,
                startOffset: Nanos = .zero, waitForSubscribers: Int = 1, startHeld: Bool = false, faults: [ScheduledFault] = [],
                disconnectAfterFrames: Int? = nil, credentials: [SimulatorCredential] = [],
                clock: @escaping @Sendable () -> Int64 = SimulatorConfiguration.wallClockMillis,
                log: @escaping @Sendable (String) -> Void = { _ in }, logFrames: Bool = false, maxConnections: Int = 64) {
        self.recordingPaths = recordingPaths
        self.format = format
        self.venue = venue
        self.host = host
        self.port = port
        self.tls = tls
        self.pacing = pacing
        self.loop = loop
        self.startOffset = startOffset
        self.waitForSubscribers = waitForSubscribers
        self.startHeld = startHeld
        self.faults = faults
        self.disconnectAfterFrames = disconnectAfterFrames
        self.credentials = credentials
        self.clock = clock
        self.log = log
        self.logFrames = logFrames
        self.maxConnections = maxConnections
    }

    /// `CLOCK_REALTIME` in milliseconds.
    public static let wallClockMillis: @Sendable () -> Int64 = { SimulatorClock.realtimeMillis() }
}
