/// Outbound Bybit v5 public messages: subscriptions and the application heartbeat.
public enum BybitMessages {
    /// Topics of `config`: `orderbook.200.BTCUSDT`, `publicTrade.BTCUSDT` per symbol.
    public static func topics(_ config: VenueFeedConfig) -> [String] {
        var topics: [String] = []
        for symbol in config.symbols {
            topics.append("orderbook.\(config.bybitDepth.rawValue).\(symbol)")
            if config.trades { topics.append("publicTrade.\(symbol)") }
        }
        return topics
    }

    /// `{"op":"subscribe","args":[…]}` messages, at most `maxArgs` topics each (Bybit spot accepts 10 per request).
    public static func subscribe(_ config: VenueFeedConfig, maxArgs: Int = 10) -> [String] {
        let all = topics(config)
        return stride(from: 0, to: all.count, by: maxArgs).map { start in
            let args = all[start..<min(all.count, start + maxArgs)].map { "\"\($0)\"" }.joined(separator: ",")
            return "{\"op\":\"subscribe\",\"args\":[\(args)]}"
        }
    }

    /// The heartbeat Bybit expects every 20 s.
    public static let ping = "{\"op\":\"ping\"}"
}
