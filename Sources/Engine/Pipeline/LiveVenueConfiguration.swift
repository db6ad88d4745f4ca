import HFTPrimitives
import Venues

/// Where and as whom the engine trades live (Binance USD-M): the order gateway's REST and
/// WebSocket API endpoints, the user-data stream base, credentials and the traded symbol.
/// Built from the config's `live` section and the environment; the secret is never logged.
public struct LiveVenueConfiguration: Sendable {
    public var gateway: BinanceOrderGatewayConfiguration
    /// ws(s):// base of the user-data stream (`<base>/ws/<listenKey>`), e.g. `wss://fstream.binance.com`.
    public var userDataBase: String
    public var credentials: VenueCredentials
    public var symbol: String
    public var spec: InstrumentSpec
    /// How often the listen key is kept alive (`PUT /fapi/v1/listenKey`; Binance expires it after 60 min).
    public var listenKeyKeepalive: Nanos
    /// Reconciliation retries after an `outcomeUnknown` (each waits `reconcileRetryDelay`).
    public var reconcileAttempts: Int
    public var reconcileRetryDelay: Nanos
    /// Request ring capacities (power of two).
    public var ringCapacity: Int

    public init(gateway: BinanceOrderGatewayConfiguration, userDataBase: String, credentials: VenueCredentials, symbol: String,
                spec: InstrumentSpec, listenKeyKeepalive: Nanos = .seconds(1_800), reconcileAttempts: Int = 20,
                reconcileRetryDelay: Nanos = .milliseconds(250), ringCapacity: Int = 1_024) {
        self.gateway = gateway
        self.userDataBase = userDataBase
        self.credentials = credentials
        self.symbol = symbol
        self.spec = spec
        self.listenKeyKeepalive = listenKeyKeepalive
        self.reconcileAttempts = reconcileAttempts
        self.reconcileRetryDelay = reconcileRetryDelay
        self.ringCapacity = ringCapacity
    }
}
