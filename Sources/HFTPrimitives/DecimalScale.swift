/// The number of decimal places of a fixed-point value: `raw = value × 10^places`.
/// Each instrument has one scale for prices and one for quantities (from exchange info or config).
@frozen
public struct DecimalScale: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    /// Decimal places, 0...18.
    public let places: Int

    /// The largest scale: 10^18 still fits in Int64.
    public static let maxPlaces = 18

    /// - Precondition: `0 <= places <= 18`.
    @inlinable
    public init(places: Int) {
        precondition(places >= 0 && places <= DecimalScale.maxPlaces, "decimal scale must be 0...18")
        self.places = places
    }

    /// 10^places.
    @inlinable @inline(__always)
    public var multiplier: Int64 { DecimalScale.pow10(places) }

    /// 10^n for 0 <= n <= 18.
    @inlinable @inline(__always)
    public static func pow10(_ n: Int) -> Int64 {
        var r: Int64 = 1
        var i = 0
        while i < n { r &*= 10; i &+= 1 }
        return r
    }

    public var description: String { "1e-\(places)" }
}
