import HFTPrimitives

/// Where and how the Binance USD-M order gateway talks (testnet or mainnet by config).
public struct BinanceOrderGatewayConfiguration: Sendable {
    /// REST base, e.g. `https://fapi.binance.com` (the simulator's `httpBase` in tests).
    public var restBase: String
    /// WebSocket API endpoint (`wss://ws-fapi.binance.com/ws-fapi/v1`).
    public var webSocketAPI: String
    public var requestTimeout: Nanos
    /// Request weight per minute and orders per 10 s (Binance USD-M defaults: 2 400 and 300).
    public var weightLimitPerMinute: Int
    public var orderLimitPer10s: Int
    public var allowInsecureLoopbackTLS: Bool

    public init(restBase: String, webSocketAPI: String, requestTimeout: Nanos = .seconds(5), weightLimitPerMinute: Int = 2_400,
                orderLimitPer10s: Int = 300, allowInsecureLoopbackTLS: Bool = false) {
        self.restBase = restBase
        self.webSocketAPI = webSocketAPI
        self.requestTimeout = requestTimeout
        self.weightLimitPerMinute = weightLimitPerMinute
        self.orderLimitPer10s = orderLimitPer10s
        self.allowInsecureLoopbackTLS = allowInsecureLoopbackTLS
    }

    /// Binance's hosts for `environment`.
    public static func binanceUsdm(_ environment: VenueEnvironment) -> BinanceOrderGatewayConfiguration {
        switch environment {
        case .mainnet: return BinanceOrderGatewayConfiguration(restBase: "https://fapi.binance.com", webSocketAPI: "wss://ws-fapi.binance.com/ws-fapi/v1")
        case .testnet: return BinanceOrderGatewayConfiguration(restBase: "https://testnet.binancefuture.com", webSocketAPI: "wss://testnet.binancefuture.com/ws-fapi/v1")
        }
    }
}
