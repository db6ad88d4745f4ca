/// A price in fixed point: `value = raw × 10^-scale`, with the scale held by the instrument.
@frozen
public struct Price: BitwiseCopyable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: Int64

    @inlinable @inline(__always)
    public init(raw: Int64) { self.raw = raw }

    public static let zero = Price(raw: 0)

    /// Parses an exchange decimal exactly (cold path; the hot path uses `DecimalParser` on bytes).
    public init(_ text: String, scale: DecimalScale) throws(DecimalParseError) {
        self.raw = try DecimalParser.parse(text, places: scale.places)
    }

    /// The exact decimal text at `scale`.
    public func formatted(scale: DecimalScale) -> String { DecimalFormatter.string(raw, places: scale.places) }

    /// Floating value for features and models (never used for book or order arithmetic).
    @inlinable @inline(__always)
    public func double(scale: DecimalScale) -> Double { Double(raw) / Double(scale.multiplier) }

    @inlinable @inline(__always)
    public static func < (a: Price, b: Price) -> Bool { a.raw < b.raw }
    @inlinable @inline(__always)
    public static func + (a: Price, b: Price) -> Price { Price(raw: a.raw &+ b.raw) }
    @inlinable @inline(__always)
    public static func - (a: Price, b: Price) -> Price { Price(raw: a.raw &- b.raw) }

    public var description: String { "Price(raw: \(raw))" }
}

/// A quantity in fixed point: `value = raw × 10^-scale`, with the scale held by the instrument.
@frozen
public struct Quantity: BitwiseCopyable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: Int64

    @inlinable @inline(__always)
    public init(raw: Int64) { self.raw = raw }

    public static let zero = Quantity(raw: 0)

    /// Parses an exchange decimal exactly (cold path; the hot path uses `DecimalParser` on bytes).
    public init(_ text: String, scale: DecimalScale) throws(DecimalParseError) {
        self.raw = try DecimalParser.parse(text, places: scale.places)
    }

    /// The exact decimal text at `scale`.
    public func formatted(scale: DecimalScale) -> String { DecimalFormatter.string(raw, places: scale.places) }

    /// Floating value for features and models (never used for book or order arithmetic).
    @inlinable @inline(__always)
    public func double(scale: DecimalScale) -> Double { Double(raw) / Double(scale.multiplier) }

    @inlinable @inline(__always)
    public var isZero: Bool { raw == 0 }

    @inlinable @inline(__always)
    public static func < (a: Quantity, b: Quantity) -> Bool { a.raw < b.raw }
    @inlinable @inline(__always)
    public static func + (a: Quantity, b: Quantity) -> Quantity { Quantity(raw: a.raw &+ b.raw) }
    @inlinable @inline(__always)
    public static func - (a: Quantity, b: Quantity) -> Quantity { Quantity(raw: a.raw &- b.raw) }

    public var description: String { "Quantity(raw: \(raw))" }
}

/// The fixed-point conventions of one instrument: its price and quantity scales and its tick and lot.
@frozen
public struct InstrumentSpec: BitwiseCopyable, Hashable, Sendable {
    public var id: InstrumentId
    public var venue: VenueId
    public var priceScale: DecimalScale
    public var quantityScale: DecimalScale
    /// Minimum price increment, in raw price units (≥ 1).
    public var tick: Int64
    /// Minimum quantity increment, in raw quantity units (≥ 1).
    public var lot: Int64

    public init(id: InstrumentId, venue: VenueId, priceScale: DecimalScale, quantityScale: DecimalScale, tick: Int64 = 1, lot: Int64 = 1) {
        precondition(tick >= 1 && lot >= 1, "tick and lot must be at least one raw unit")
        self.id = id
        self.venue = venue
        self.priceScale = priceScale
        self.quantityScale = quantityScale
        self.tick = tick
        self.lot = lot
    }
}
