import HFTPrimitives

/// Everything a `WebSocketClient` needs, fixed at start.
public struct WebSocketClientConfiguration: Sendable {
    /// `ws://` or `wss://` URL (host, port, path and query).
    public var url: TransportURL
    /// Text messages sent, in order, right after every (re)connection opens (Bybit `subscribe`).
    public var subscribeMessages: [String]
    /// When set, called on the service thread each time a connection opens to produce that
    /// connection's opening messages instead of `subscribeMessages` (e.g. Bybit private `auth`
    /// with a fresh expiry and signature, then `subscribe`). Cold path; must not block.
    public var openingMessages: (@Sendable (_ connection: UInt32) -> [String])?
    /// Largest opening, heartbeat or `send` message (bytes); longer opening messages are not sent
    /// and are counted in `outboundDropped`, longer `send`s return `.tooLarge`.
    public var maxOutboundMessageBytes: Int
    /// Bytes of the preallocated `send` queue (each message takes its length + 8); a send that does
    /// not fit returns `.queueFull`. Must hold one `maxOutboundMessageBytes` message.
    public var sendQueueBytes: Int
    /// Called when the delivering connection ends (or the client stops) with messages still queued
    /// by `send`: their connection id and sequence numbers, none of which was written. On the
    /// service thread (or the thread calling `stop`); cold path, must not block or call `stop`.
    public var onUndeliveredSends: (@Sendable (_ connection: UInt32, _ sequences: ClosedRange<UInt64>) -> Void)?
    /// Application-level heartbeat sent every `heartbeatInterval` on every open connection
    /// (Bybit `{"op":"ping"}`); nil = none. Protocol pings are answered by libwebsockets itself.
    public var heartbeatMessage: String?
    public var heartbeatInterval: Nanos
    /// Reassembly buffer per connection; a larger message is counted as `oversized` and dropped.
    public var maxMessageBytes: Int
    public var reconnect: ReconnectPolicy
    /// Staleness watchdog: no message for this long on the delivering connection → count,
    /// `.stale` event, reconnect. nil = off.
    public var staleAfter: Nanos?
    /// Maximum connection lifetime (Binance: 24 h). A replacement connection is opened at
    /// `maxConnectionLifetime − rolloverMargin`; delivery switches to it at its first message.
    public var maxConnectionLifetime: Nanos?
    public var rolloverMargin: Nanos
    /// After the switch, the old connection keeps delivering (under its own id) for this long so
    /// that nothing it was still carrying is lost; then it is closed. 0 = close at once.
    public var rolloverDrain: Nanos
    /// TEST ONLY: accept a self-signed certificate and skip the host name check. Refused
    /// (`TransportError.insecureTLSRequiresLoopback`) unless the host is a loopback address.
    public var allowInsecureLoopbackTLS: Bool
    /// An extra PEM trust anchor file (private CA); nil = the system store only.
    public var caCertificatePath: String?
    /// Core to pin the service thread to; nil = unpinned.
    public var serviceCore: Int?
    public var threadName: String
    /// Period of the watchdog/heartbeat/rollover/reconnect check (granularity of those timers).
    public var housekeepingInterval: Nanos
    /// How soon a message refused by the sink is offered again (reading stays paused meanwhile).
    public var backpressureRetryInterval: Nanos
    /// Seed for the backoff jitter (vary it per client).
    public var jitterSeed: UInt64

    public init(
        url: TransportURL,
        subscribeMessages: [String] = [],
        openingMessages: (@Sendable (_ connection: UInt32) -> [String])? = nil,
        maxOutboundMessageBytes: Int = 16_384,
        sendQueueBytes: Int = 262_144,
        onUndeliveredSends: (@Sendable (_ connection: UInt32, _ sequences: ClosedRange<UInt64>) -> Void)? = nil,
        heartbeatMessage: String? = nil,
        heartbeatInterval: Nanos = .seconds(20),
        maxMessageBytes: Int = 1 << 20,
        reconnect: ReconnectPolicy = ReconnectPolicy(),
        staleAfter: Nanos? = nil,
        maxConnectionLifetime: Nanos? = nil,
        rolloverMargin: Nanos = .seconds(600),
        rolloverDrain: Nanos = .seconds(1),
        allowInsecureLoopbackTLS: Bool = false,
        caCertificatePath: String? = nil,
        serviceCore: Int? = nil,
        threadName: String = "hft-ws-client",
        housekeepingInterval: Nanos = .milliseconds(100),
        backpressureRetryInterval: Nanos = .microseconds(200),
        jitterSeed: UInt64 = 0x5EED
    ) {
        self.url = url
        self.subscribeMessages = subscribeMessages
        self.openingMessages = openingMessages
        self.maxOutboundMessageBytes = maxOutboundMessageBytes
        self.sendQueueBytes = sendQueueBytes
        self.onUndeliveredSends = onUndeliveredSends
        self.heartbeatMessage = heartbeatMessage
        self.heartbeatInterval = heartbeatInterval
        self.maxMessageBytes = maxMessageBytes
        self.reconnect = reconnect
        self.staleAfter = staleAfter
        self.maxConnectionLifetime = maxConnectionLifetime
        self.rolloverMargin = rolloverMargin
        self.rolloverDrain = rolloverDrain
        self.allowInsecureLoopbackTLS = allowInsecureLoopbackTLS
        self.caCertificatePath = caCertificatePath
        self.serviceCore = serviceCore
        self.threadName = threadName
        self.housekeepingInterval = housekeepingInterval
        self.backpressureRetryInterval = backpressureRetryInterval
        self.jitterSeed = jitterSeed
    }
}

/// Whether `host` names the local machine (only then may TLS verification be turned off).
func isLoopbackHost(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
}
