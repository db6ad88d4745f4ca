/// Dense index of an instrument inside one process (assigned at start-up from config).
@frozen
public struct InstrumentId: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt32
    @inlinable public init(raw: UInt32) { self.raw = raw }
    public var description: String { "instrument#\(raw)" }
}

/// A market on an exchange, or the paper venue.
@frozen
public enum VenueId: UInt8, BitwiseCopyable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case binanceSpot = 1
    case binanceUsdm = 2
    case bybitLinear = 3
    case bybitSpot = 4
    case paper = 5

    /// The config and report name, e.g. `binance-usdm`.
    public var name: String {
        switch self {
        case .binanceSpot: return "binance-spot"
        case .binanceUsdm: return "binance-usdm"
        case .bybitLinear: return "bybit-linear"
        case .bybitSpot: return "bybit-spot"
        case .paper: return "paper"
        }
    }

    /// Looks a venue up by its config name.
    public init?(name: String) {
        guard let v = VenueId.allCases.first(where: { $0.name == name }) else { return nil }
        self = v
    }

    public var description: String { name }
}

/// A client order id: unique per process lifetime and journal, so re-sending it is idempotent.
@frozen
public struct ClientOrderId: BitwiseCopyable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: UInt64
    @inlinable public init(raw: UInt64) { self.raw = raw }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "c\(raw)" }
}

/// An exchange-assigned order id.
@frozen
public struct VenueOrderId: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt64
    @inlinable public init(raw: UInt64) { self.raw = raw }
    public var description: String { "v\(raw)" }
}

/// Index of a strategy instance inside one process.
@frozen
public struct StrategyId: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt16
    @inlinable public init(raw: UInt16) { self.raw = raw }
    public var description: String { "strategy#\(raw)" }
}
