import Foundation

/// What a run did: the deterministic part (same capture → same bytes, see `deterministicJSON`)
/// and the latency report (timings, never deterministic).
public struct EngineReport: Sendable, Codable, Equatable {
    public var mode: String
    public var venue: String
    public var symbol: String
    public var plugin: String
    public var frames: Int
    public var bookEvents: UInt64
    public var ticks: UInt64
    public var conflations: UInt64
    public var intents: UInt64
    public var invalidIntents: UInt64
    public var riskRejects: UInt64
    public var execution: ExecutionSummary
    /// FNV-1a 64 of the journal's bytes: every decision, ack and fill, in order.
    public var journalDigest: String
    public var oracleChecked: Int
    public var oracleMatched: Int
    public var parseErrors: Int
    public var gaps: Int
    public var priceDecimals: Int
    public var quantityDecimals: Int

    /// Sorted keys, no timings: byte for byte equal for two replays of the same capture.
    public func deterministicJSON() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? e.encode(self)) ?? Data()
    }

    /// A human summary: trades, position and PnL in instrument units.
    public func text() -> String {
        let pnlScale = pow(10.0, Double(priceDecimals + quantityDecimals))
        let qScale = pow(10.0, Double(quantityDecimals))
        let pScale = pow(10.0, Double(priceDecimals))
        func f(_ x: Double, _ d: Int) -> String { String(format: "%.\(d)f", x) }
        var out = "\(mode) \(venue) \(symbol) with \(plugin)\n"
        out += "  frames \(frames), book events \(bookEvents), ticks \(ticks) (conflated \(conflations)), intents \(intents) "
        out += "(invalid \(invalidIntents), risk-rejected \(riskRejects)\(execution.riskRejections.isEmpty ? "" : ": " + execution.riskRejections.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))\n"
        out += "  orders \(execution.orders), fills \(execution.fills), working \(execution.workingOrders), journal records \(execution.journalRecords) "
        out += "(digest \(journalDigest))\n"
        out += "  position \(f(Double(execution.position) / qScale, quantityDecimals)) at \(f(Double(execution.entryPrice) / pScale, priceDecimals)), "
        out += "mid \(f(Double(execution.mid) / pScale, priceDecimals))\n"
        out += "  PnL realized \(f(Double(execution.realizedPnL) / pnlScale, 4)) (fees \(f(Double(execution.fees) / pnlScale, 4))), "
        out += "unrealized \(f(Double(execution.unrealizedPnL) / pnlScale, 4)), total \(f(Double(execution.realizedPnL + execution.unrealizedPnL) / pnlScale, 4))\n"
        if let p = execution.performance.strategies.first {
            func g(_ v: Double?, _ d: Int = 2) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "-" }
            out += "  round trips \(p.roundTrips), win rate \(g(p.winRate.map { $0 * 100 }, 1)) %, profit factor \(g(p.profitFactor)), "
            out += "Sharpe \(g(p.sharpe)), Sortino \(g(p.sortino)) (per-minute returns, annualized), max drawdown \(g(p.maxDrawdown, 4))\n"
        }
        out += "  book oracle \(oracleMatched)/\(oracleChecked) bookTicker points matched, parse errors \(parseErrors), gaps \(gaps)\n"
        return out
    }
}

/// FNV-1a 64 of a file's bytes, as 16 hex digits ("" when unreadable).
func fnv1a64(path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in data { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    let s = String(h, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}
