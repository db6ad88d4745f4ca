/// Everything the scalper carries across a hot swap (`save_state` / `load_state`): a trivial,
/// fixed-size record. `magic` and `version` guard against a foreign blob.
@frozen
public struct RegimeScalperState: BitwiseCopyable, Sendable, Equatable {
    public static let magicValue: UInt32 = 0x5253_4350 // "RSCP"
    public static let currentVersion: UInt32 = 1

    public var magic = RegimeScalperState.magicValue
    public var version = RegimeScalperState.currentVersion
    public var regime: UInt8 = 0
    public var candidate: UInt8 = 0
    /// Regime the open position was entered in.
    public var entryRegime: UInt8 = 0
    /// 1 while an entry order is working, 2 while an exit is working.
    public var working: UInt8 = 0
    public var candidateTicks: Int32 = 0
    public var switches: Int64 = 0
    public var ticks: UInt64 = 0
    public var lastSequence: UInt64 = 0
    public var sequenceGaps: UInt64 = 0
    public var position: Int64 = 0
    public var entryPrice: Int64 = 0
    public var entryTime: Int64 = 0
    public var workingSince: Int64 = 0
    public var entries: UInt64 = 0
    public var passiveEntries: UInt64 = 0
    public var fills: UInt64 = 0
    /// Exits by `ExitReason` raw value.
    public var exits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// Ticks on which the PPO policy was consulted / unavailable.
    public var ppoCalls: UInt64 = 0
    public var ppoUnavailable: UInt64 = 0
    /// Ticks whose signal came from a model (TCN/TabNet) versus the feature fallback.
    public var modelSignals: UInt64 = 0
    public var fallbackSignals: UInt64 = 0

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        withUnsafeBytes(of: a) { x in withUnsafeBytes(of: b) { y in x.elementsEqual(y) } }
    }

    public func exitCount(_ r: ExitReason) -> UInt64 {
        switch r {
        case .target: exits.0
        case .stop: exits.1
        case .time: exits.2
        case .regimeChange: exits.3
        }
    }

    @inline(__always)
    mutating func countExit(_ r: ExitReason) {
        switch r {
        case .target: exits.0 &+= 1
        case .stop: exits.1 &+= 1
        case .time: exits.2 &+= 1
        case .regimeChange: exits.3 &+= 1
        }
    }
}
