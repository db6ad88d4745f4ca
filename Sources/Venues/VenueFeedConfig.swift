import HFTPrimitives
import Transport

/// Everything a `FeedHandler` needs for one venue connection, fixed at start.
///
/// The URLs follow from `venue`, `environment` and the base-URL overrides (`BinanceURLs`,
/// `BybitURLs`); the simulator (`hft sim`) is reached by overriding both bases.
public struct VenueFeedConfig: Sendable {
    /// The market: `.binanceSpot`, `.binanceUsdm`, `.bybitLinear` or `.bybitSpot`.
    public var venue: VenueId
    /// Instruments in id order: `spec.id.raw` must equal the index. Symbols are the venue's
    /// upper-case names (`ETHUSDT`).
    public var instruments: [(symbol: String, spec: InstrumentSpec)]
    public var environment: VenueEnvironment
    /// Binance diff-depth variant (`@depth@100ms` by default).
    public var binanceDepthSpeed: BinanceDepthSpeed
    /// Bybit `orderbook.{depth}` topic depth (200 by default).
    public var bybitDepth: BybitDepth
    /// Subscribe to trades (`@trade` / `publicTrade`).
    public var trades: Bool
    /// Subscribe to Binance `@bookTicker` (the oracle of the book's top).
    public var bookTicker: Bool
    /// Replaces the websocket base (`wss://host:port`, no path), e.g. the simulator's.
    public var streamBaseOverride: String?
    /// Replaces the REST base (`https://host:port`), e.g. the simulator's.
    public var restBaseOverride: String?
    /// Binance REST snapshot depth (`limit`); 1000 is the documented book-sync value.
    public var snapshotLimit: Int
    /// Binance request-weight budget per minute spent on snapshots (below the venue's IP limit:
    /// spot 6000, USD-M 2400, leaving room for other REST users of the same IP).
    public var weightBudgetPerMinute: Int
    /// The budget's window (one minute; shorter only in tests).
    public var weightWindow: Nanos
    /// TEST ONLY: accept a self-signed loopback certificate (websocket and REST).
    public var allowInsecureLoopbackTLS: Bool
    public var reconnect: ReconnectPolicy
    /// Reconnect a connection silent for this long (`WebSocketClient` watchdog).
    public var staleAfter: Nanos?
    /// Binance: open an overlapping replacement before the 24 h limit (nil = off).
    public var maxConnectionLifetime: Nanos?
    /// The replacement opens this long before the lifetime ends; after the switch the old
    /// connection keeps delivering for `rolloverDrain` (`WebSocketClientConfiguration`).
    public var rolloverMargin: Nanos = .seconds(600)
    public var rolloverDrain: Nanos = .seconds(1)
    /// Feed → Book `ByteRing` size in bytes (power of two) and its largest record.
    public var ringCapacity: Int
    public var maxMessageBytes: Int
    /// Diffs (and their levels) buffered per book while it waits for a snapshot.
    public var bufferMessages: Int
    public var bufferLevels: Int
    /// Core of the Book stage's pinned thread; core of the websocket service thread (nil = unpinned).
    public var bookCore: Int
    public var serviceCore: Int?
    public var jitterSeed: UInt64
    /// Benchmarks only: the fixed-rate send schedule of the source at the other end (`hft sim`
    /// in `hft bench --source sim`); messages are stamped with their intended send times
    /// (`ByteRingMessageSink`). Kept alive by this config.
    public var sendSchedule: SendSchedule?

    public init(venue: VenueId, instruments: [(symbol: String, spec: InstrumentSpec)], environment: VenueEnvironment = .mainnet,
                binanceDepthSpeed: BinanceDepthSpeed = .ms100, bybitDepth: BybitDepth = .level200, trades: Bool = true,
                bookTicker: Bool = true, streamBaseOverride: String? = nil, restBaseOverride: String? = nil,
                snapshotLimit: Int = 1000, weightBudgetPerMinute: Int? = nil, allowInsecureLoopbackTLS: Bool = false,
                reconnect: ReconnectPolicy = ReconnectPolicy(), staleAfter: Nanos? = .seconds(30),
                maxConnectionLifetime: Nanos? = nil, ringCapacity: Int = 1 << 24, maxMessageBytes: Int = 1 << 20,
                bufferMessages: Int = 8192, bufferLevels: Int = 1 << 20, bookCore: Int = 0, serviceCore: Int? = nil,
                jitterSeed: UInt64 = 0x5EED) {
        self.venue = venue
        self.instruments = instruments
        self.environment = environment
        self.binanceDepthSpeed = binanceDepthSpeed
        self.bybitDepth = bybitDepth
        self.trades = trades
        self.bookTicker = bookTicker
        self.streamBaseOverride = streamBaseOverride
        self.restBaseOverride = restBaseOverride
        self.snapshotLimit = snapshotLimit
        self.weightBudgetPerMinute = weightBudgetPerMinute ?? (venue == .binanceSpot ? 3000 : 1200)
        self.weightWindow = .seconds(60)
        self.allowInsecureLoopbackTLS = allowInsecureLoopbackTLS
        self.reconnect = reconnect
        self.staleAfter = staleAfter
        self.maxConnectionLifetime = maxConnectionLifetime ?? (venue == .binanceSpot || venue == .binanceUsdm ? .seconds(24 * 3600) : nil)
        self.ringCapacity = ringCapacity
        self.maxMessageBytes = maxMessageBytes
        self.bufferMessages = bufferMessages
        self.bufferLevels = bufferLevels
        self.bookCore = bookCore
        self.serviceCore = serviceCore
        self.jitterSeed = jitterSeed
    }

    /// The venue's symbols in id order.
    public var symbols: [String] { instruments.map(\.symbol) }

    /// Whether the venue's depth stream needs REST snapshots (Binance) rather than carrying them (Bybit).
    public var usesRESTSnapshots: Bool { venue == .binanceSpot || venue == .binanceUsdm }
}
