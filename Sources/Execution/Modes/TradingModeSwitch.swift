/// Why the switch refused to go live.
public enum TradingModeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No venue credentials were loaded.
    case missingCredentials
    /// No risk limits were configured (the defaults are not a decision).
    case missingRiskLimits
    /// `goLive` before `arm`, or the arming expired.
    case notArmed
    /// Orders left from an earlier live session are still working: cancel them first.
    case liveOrdersStillWorking(Int)

    public var description: String {
        switch self {
        case .missingCredentials: return "live trading needs venue credentials"
        case .missingRiskLimits: return "live trading needs configured risk limits"
        case .notArmed: return "live trading needs an explicit arm first"
        case .liveOrdersStillWorking(let n): return "\(n) live order(s) still working"
        }
    }
}

/// The paper/live switch: one value, an explicit arming step to go live, and a way back to paper
/// that is always allowed and cancels every live order first.
///
/// Going live: `arm(hasCredentials:hasRiskLimits:)` (checks the preconditions), then `goLive()`.
/// Arming is one-shot: it is consumed by `goLive` and cleared by `disarm` or by going to paper.
/// Going to paper: `goPaper(cancelLive:)` calls the gateway's cancel-all for the live orders and
/// only then switches, whatever the cancel results (an order whose cancel failed stays in the
/// order manager as `outcomeUnknown`/`cancelPending` for reconciliation).
public struct TradingModeSwitch: Sendable {
    public private(set) var mode: TradingMode
    public private(set) var isArmed: Bool
    /// Switches made, for the report.
    public private(set) var switches: Int

    /// Every process starts in paper mode: going live always needs `arm` + `goLive` at run time.
    public init() {
        self.mode = .paper
        self.isArmed = false
        self.switches = 0
    }

    /// Parses the config key `mode = paper|live` (live still needs arming at run time).
    public static func requested(_ text: String) -> TradingMode? { TradingMode(rawValue: text) }

    /// Arms live trading if credentials and risk limits are present.
    public mutating func arm(hasCredentials: Bool, hasRiskLimits: Bool) throws(TradingModeError) {
        guard hasCredentials else { throw .missingCredentials }
        guard hasRiskLimits else { throw .missingRiskLimits }
        isArmed = true
    }

    public mutating func disarm() { isArmed = false }

    /// Switches to live; needs `arm` first.
    public mutating func goLive() throws(TradingModeError) {
        guard mode != .live else { return }
        guard isArmed else { throw .notArmed }
        isArmed = false
        mode = .live
        switches += 1
    }

    /// Switches to paper, first cancelling live orders through `cancelLive` (which returns how
    /// many it asked the venue to cancel). Always succeeds.
    public mutating func goPaper(cancelLive: () async -> Int) async -> Int {
        isArmed = false
        guard mode == .live else { return 0 }
        let n = await cancelLive()
        mode = .paper
        switches += 1
        return n
    }
}
