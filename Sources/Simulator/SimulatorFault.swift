/// A fault the simulator injects into the market-data streams it serves (DESIGN.md "Bad input").
///
/// Faults apply to what clients receive, never to the simulator's own book: after a `gap` the
/// REST snapshot still describes the true book, so a client that resyncs is correct again.
public enum SimulatorFault: Sendable, Hashable, CustomStringConvertible {
    /// Drop every open market-data connection at once (no close frame).
    case disconnect
    /// Do not send the next `count` depth diffs (a sequence gap).
    case gap(count: Int)
    /// Send the next depth diff twice.
    case duplicate
    /// Swap the next two depth diffs.
    case reorder
    /// Send a truncated copy of the next frame (invalid JSON) before the frame itself.
    case malformed
    /// Send nothing for `milliseconds`.
    case stall(milliseconds: Int)
    /// Bybit: a `snapshot` with `u == 1` built from the current book, as after a venue restart;
    /// later deltas of that topic are renumbered from 2.
    case bybitRestart
    /// WebSocket API: carry out the next order request (its user-data events go out) but withhold
    /// its reply and drop that connection, as when a connection dies with an order in flight.
    /// Takes effect at once (not at the replay's next frame).
    case dropOrderReply

    /// Parses the CLI/control spelling: `disconnect`, `gap:K`, `duplicate`, `reorder`, `malformed`,
    /// `stall:MS`, `bybit-restart`, `drop-order-reply`.
    public init?(spec: String) {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? Int(parts[1]) : nil
        switch parts.first ?? "" {
        case "disconnect": self = .disconnect
        case "gap": self = .gap(count: max(1, argument ?? 1))
        case "duplicate": self = .duplicate
        case "reorder": self = .reorder
        case "malformed": self = .malformed
        case "stall": self = .stall(milliseconds: max(0, argument ?? 1000))
        case "bybit-restart": self = .bybitRestart
        case "drop-order-reply": self = .dropOrderReply
        default: return nil
        }
    }

    /// Parses the control API body `{"kind":"gap","count":3}` / `{"kind":"stall","ms":500}`.
    public init?(json: SimJSON) {
        guard let kind = json["kind"]?.text else { return nil }
        switch kind {
        case "gap": self = .gap(count: max(1, json["count"]?.int ?? 1))
        case "stall": self = .stall(milliseconds: max(0, json["ms"]?.int ?? 1000))
        default: self.init(spec: kind)
        }
    }

    public var description: String {
        switch self {
        case .disconnect: return "disconnect"
        case .gap(let k): return "gap:\(k)"
        case .duplicate: return "duplicate"
        case .reorder: return "reorder"
        case .malformed: return "malformed"
        case .stall(let ms): return "stall:\(ms)"
        case .bybitRestart: return "bybit-restart"
        case .dropOrderReply: return "drop-order-reply"
        }
    }
}
