/// Which source a captured frame came from. Stored as 16 bits: the kind in the top 4 bits and,
/// for per-symbol sources such as a REST depth snapshot (whose body does not name its symbol),
/// the index of the symbol in the capture's symbol list in the low 12 bits. A websocket frame
/// recorded by `hft record` carries its connection (modulo 4095) there instead, so that a replay
/// tells the two connections of a rollover apart; imported recordings leave it at 0xFFF.
@frozen
public struct CaptureChannel: BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt16

    @inlinable public init(raw: UInt16) { self.raw = raw }

    /// The kinds of source.
    @frozen
    public enum Kind: UInt8, BitwiseCopyable, Sendable, CaseIterable {
        /// A websocket connection carrying any mix of streams (combined stream / several topics).
        case websocket = 0
        /// A websocket connection carrying only depth streams.
        case depthStream = 1
        /// A websocket connection carrying only trade streams.
        case tradeStream = 2
        /// A websocket connection carrying only best-bid/offer streams.
        case bookTickerStream = 3
        /// A REST depth snapshot response body for one symbol.
        case restDepthSnapshot = 4
        /// Control traffic (subscription acks, errors) recorded for completeness.
        case control = 5
    }

    /// "No symbol" in the low 12 bits.
    public static let noSymbol: Int = 0xFFF

    @inlinable
    public init(_ kind: Kind, symbolIndex: Int = CaptureChannel.noSymbol) {
        precondition(symbolIndex >= 0 && symbolIndex <= 0xFFF, "symbol index must fit in 12 bits")
        self.raw = UInt16(kind.rawValue) << 12 | UInt16(symbolIndex)
    }

    /// The kind, or nil for an unknown kind (a newer writer).
    @inlinable public var kind: Kind? { Kind(rawValue: UInt8(raw >> 12)) }

    /// The symbol index, or nil when the channel is not per-symbol.
    @inlinable public var symbolIndex: Int? {
        let i = Int(raw & 0xFFF)
        return i == CaptureChannel.noSymbol ? nil : i
    }

    public static let websocket = CaptureChannel(.websocket)

    /// A websocket frame of connection `connection` (any id; kept modulo 4095).
    @inlinable public static func websocket(connection: UInt16) -> CaptureChannel {
        CaptureChannel(.websocket, symbolIndex: Int(connection % 0xFFF))
    }

    /// The connection a live frame came on, as the Book stage's rollover handling needs it (the low
    /// 12 bits: equal for every frame of one connection, different for consecutive connections).
    @inlinable public var connection: UInt16 { raw & 0xFFF }

    /// A REST depth snapshot of the capture's `symbolIndex`-th symbol.
    @inlinable public static func restDepthSnapshot(symbolIndex: Int) -> CaptureChannel { CaptureChannel(.restDepthSnapshot, symbolIndex: symbolIndex) }

    public var description: String {
        let k = kind.map { "\($0)" } ?? "kind\(raw >> 12)"
        if let s = symbolIndex { return "\(k)[\(s)]" }
        return k
    }
}
