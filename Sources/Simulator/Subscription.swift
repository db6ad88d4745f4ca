import Transport

/// What one websocket connection to the simulator receives.
struct Subscription: Sendable {
    enum Kind: Sendable, Equatable {
        /// Binance `/ws/<stream>[/<stream>…]`: payloads without the combined-stream wrapper.
        case binanceRaw
        /// Binance `/stream?streams=a/b`: the `{"stream":…,"data":…}` wrapper.
        case binanceCombined
        /// Bybit v5 public (`/v5/public/linear`, `/v5/public/spot`): topics by `subscribe`.
        case bybit(spot: Bool)
        /// Binance USD-M user-data stream `/ws/<listenKey>`.
        case userData(apiKey: String)
        /// Binance USD-M WebSocket API `/ws-fapi/v1`.
        case webSocketAPI
    }

    var kind: Kind
    /// Normalized Binance stream names, or Bybit topics.
    var streams: Set<String>
    /// Market frames queued to this connection.
    var framesSent = 0
    /// A close was requested (`disconnectAfterFrames`); send nothing more.
    var closing = false
    /// Bybit `conn_id`.
    var connectionTag: String

    var isMarketData: Bool {
        switch kind {
        case .binanceRaw, .binanceCombined, .bybit: return true
        case .userData, .webSocketAPI: return false
        }
    }
}
