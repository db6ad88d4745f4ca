/// The hop names of DESIGN.md, in path order. Each is timed into its own HDR histogram, in ns.
public enum StandardHop: String, CaseIterable, Sendable {
    /// Exchange time → receive time (wall clock; may be negative under clock skew).
    case wire = "wire"
    /// Feed thread publish → Book thread consume.
    case queueFeedToBook = "queue.feed→book"
    /// Frame bytes → decoded event.
    case decode = "decode"
    /// Book update (sync + apply).
    case book = "book"
    /// Features, order flow and volume profile: the vector for one book event (the engine times a
    /// trade's state updates apart, as `features.trade`).
    case features = "features"
    /// TCN streaming step.
    case inferenceTCN = "inference.tcn"
    /// TabNet forward pass.
    case inferenceTabNet = "inference.tabnet"
    /// PPO policy forward pass.
    case inferencePPO = "inference.ppo"
    /// Strategy plugin `on_tick`.
    case strategy = "strategy"
    /// Pre-trade risk gate.
    case risk = "risk"
    /// Order encode and hand-off to the socket or paper venue.
    case send = "send"
    /// End to end: receive time → order bytes handed to the socket or paper venue.
    case tickToOrder = "tick→order"
    /// Order sent → venue acknowledgement.
    case orderToAck = "order→ack"
}

/// The ids of every `StandardHop`, as returned by `TelemetryRegistry.registerStandardHops()`.
@frozen
public struct StandardHopIds: BitwiseCopyable, Sendable {
    public let wire: HopId
    public let queueFeedToBook: HopId
    public let decode: HopId
    public let book: HopId
    public let features: HopId
    public let inferenceTCN: HopId
    public let inferenceTabNet: HopId
    public let inferencePPO: HopId
    public let strategy: HopId
    public let risk: HopId
    public let send: HopId
    public let tickToOrder: HopId
    public let orderToAck: HopId

    init(_ id: (StandardHop) -> HopId) {
        wire = id(.wire)
        queueFeedToBook = id(.queueFeedToBook)
        decode = id(.decode)
        book = id(.book)
        features = id(.features)
        inferenceTCN = id(.inferenceTCN)
        inferenceTabNet = id(.inferenceTabNet)
        inferencePPO = id(.inferencePPO)
        strategy = id(.strategy)
        risk = id(.risk)
        send = id(.send)
        tickToOrder = id(.tickToOrder)
        orderToAck = id(.orderToAck)
    }
}
