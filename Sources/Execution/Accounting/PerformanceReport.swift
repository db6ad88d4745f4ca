import Foundation

/// One strategy on one instrument, in whole quote and base units.
public struct StrategyPerformance: Codable, Sendable, Equatable {
    public var strategy: Int
    public var instrument: Int
    public var position: Double
    public var averagePrice: Double
    public var markPrice: Double
    public var realizedPnL: Double
    public var unrealizedPnL: Double
    public var fees: Double
    /// realized + unrealized − fees.
    public var netPnL: Double
    public var fills: Int
    public var volume: Double
    /// Flat-to-flat round trips; win rate and profit factor are over these (net of fees).
    public var roundTrips: Int
    public var winRate: Double?
    public var profitFactor: Double?
    /// On per-interval returns (equity change per `intervalSeconds` over capital), annualized over 365 days.
    public var sharpe: Double?
    public var sortino: Double?
    public var returnIntervals: Int
    public var intervalSeconds: Double
    public var maxDrawdown: Double
    public var maxDrawdownFraction: Double
}

/// The performance section of the run report (text and JSON).
public struct PerformanceReport: Codable, Sendable, Equatable {
    public var strategies: [StrategyPerformance]

    /// JSON (sorted keys; absent statistics are `null`).
    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? e.encode(self), let s = String(data: data, encoding: .utf8) else { return "{}" }
        return s
    }

    /// A fixed-width table, one row per strategy and instrument.
    public func text() -> String {
        func f(_ v: Double?, _ places: Int = 2) -> String { v.map { String(format: "%.\(places)f", $0) } ?? "-" }
        var out = "performance (Sharpe/Sortino on per-interval returns, annualized; win rate and profit factor per round trip)\n"
        out += "strategy instrument   position    avg px   realized unrealized     fees    net pnl  trips  win%   PF  sharpe sortino  max dd\n"
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        for s in strategies {
            let cells = [pad(String(s.strategy), 8), pad(String(s.instrument), 10), pad(f(s.position, 4), 10), pad(f(s.averagePrice), 9),
                         pad(f(s.realizedPnL), 10), pad(f(s.unrealizedPnL), 10), pad(f(s.fees), 8), pad(f(s.netPnL), 10),
                         pad(String(s.roundTrips), 6), pad(f(s.winRate.map { $0 * 100 }, 1), 5), pad(f(s.profitFactor), 4),
                         pad(f(s.sharpe), 7), pad(f(s.sortino), 7), pad(f(s.maxDrawdown), 7)]
            out += cells.joined(separator: " ") + "\n"
        }
        return out
    }
}
