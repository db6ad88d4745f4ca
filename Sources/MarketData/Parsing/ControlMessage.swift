/// A venue message about the connection rather than the market.
@frozen
public enum ControlMessage: UInt8, BitwiseCopyable, Hashable, Sendable, CaseIterable {
    /// Bybit `{"op":"subscribe","success":true,...}`.
    case subscribed = 0
    /// Bybit subscribe ack with `"success":false` (bad topic, limit reached): the feed must react.
    case subscribeFailed
    /// Bybit `{"op":"unsubscribe",...}`.
    case unsubscribed
    /// Bybit pong: `{"op":"pong",...}` (linear) or `{"op":"ping","ret_msg":"pong",...}` (spot).
    case pong
    /// A ping from the venue that needs an answer (Bybit `op == "ping"` without `ret_msg == "pong"`).
    case ping
    /// Any other command response: Binance `{"result":...,"id":...}`, Bybit `auth` and unknown `op`s.
    case response
    /// Binance `{"error":{...},"id":...}`: a rejected command.
    case venueError
}
