import HFTPrimitives

/// What kind of depth message a `DepthUpdateHeader` describes.
@frozen
public enum DepthUpdateKind: UInt8, BitwiseCopyable, Sendable {
    /// Binance `depthUpdate` / Bybit `delta`: quantities are absolute, 0 removes the level.
    case diff = 0
    /// Binance REST depth snapshot / Bybit `snapshot`: replaces the whole book.
    case snapshot = 1
}

/// The fixed part of a depth message; its levels are written into a caller-owned `DepthLevelBuffer`.
///
/// Update-id fields by venue:
/// - Binance spot diff: `firstUpdateId = U`, `finalUpdateId = u`, `previousFinalUpdateId = 0` (absent).
/// - Binance USD-M diff: `U`, `u`, `pu`.
/// - Binance REST snapshot: `firstUpdateId = finalUpdateId = lastUpdateId`.
/// - Bybit: `firstUpdateId = finalUpdateId = u`, `sequence = seq`.
@frozen
public struct DepthUpdateHeader: BitwiseCopyable, Equatable, Sendable {
    public var instrument: InstrumentId
    public var venue: VenueId
    public var kind: DepthUpdateKind
    public var firstUpdateId: UInt64
    public var finalUpdateId: UInt64
    /// Binance USD-M `pu`; 0 when the venue does not send it.
    public var previousFinalUpdateId: UInt64
    /// Bybit cross sequence `seq`; 0 when absent.
    public var sequence: UInt64
    /// Event time (`E` on Binance, `ts`/`cts` on Bybit), Unix ns; 0 when absent.
    public var exchangeTime: Nanos
    public var receiveTime: Nanos
    /// Number of bid levels at the front of the level buffer, then `askCount` ask levels.
    public var bidCount: Int32
    public var askCount: Int32

    @inlinable
    public init(instrument: InstrumentId, venue: VenueId, kind: DepthUpdateKind, firstUpdateId: UInt64, finalUpdateId: UInt64,
                previousFinalUpdateId: UInt64, sequence: UInt64, exchangeTime: Nanos, receiveTime: Nanos,
                bidCount: Int32, askCount: Int32) {
        self.instrument = instrument
        self.venue = venue
        self.kind = kind
        self.firstUpdateId = firstUpdateId
        self.finalUpdateId = finalUpdateId
        self.previousFinalUpdateId = previousFinalUpdateId
        self.sequence = sequence
        self.exchangeTime = exchangeTime
        self.receiveTime = receiveTime
        self.bidCount = bidCount
        self.askCount = askCount
    }
}

/// One price level of a depth message: the new absolute quantity at `price` (0 = remove).
@frozen
public struct DepthLevel: BitwiseCopyable, Equatable, Sendable {
    public var price: Price
    public var quantity: Quantity
    @inlinable @inline(__always)
    public init(price: Price, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}
