/// Why a frame could not be decoded. Returned (never thrown) by the venue parsers; the caller drops
/// the frame, counts the case (the raw values are dense, so `rawValue` can index a counter array)
/// and leaves the book untouched.
@frozen
public enum MarketDataParseError: UInt8, Error, BitwiseCopyable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The frame has no bytes.
    case emptyFrame = 0
    /// Not JSON: a syntax error, a truncated message, or bytes after the top-level object.
    case malformedJSON
    /// Containers nested deeper than `JSONCursor.maxDepth`.
    case nestingTooDeep
    /// A backslash escape inside an object key or inside a field value the parser reads
    /// (symbols, decimals, event types). Venues never escape these; the frame is refused rather than guessed.
    case unsupportedEscape
    /// A known field holds the wrong JSON type (e.g. a number where the venue sends a string).
    case unexpectedType
    /// A decimal or integer field is not a plain non-negative number (`"1.2.3"`, `"abc"`, `"-1"`, `1e5`).
    case invalidNumber
    /// A decimal has a non-zero digit beyond the instrument's scale: it cannot be held exactly.
    case tooManyFractionDigits
    /// A number does not fit in Int64 at the instrument's scale (or a UInt64 id / ms time overflows).
    case numberOverflow
    /// A field the message kind requires is absent.
    case missingField
    /// A field the parser reads appears twice in one object.
    case duplicateField
    /// The symbol is not in the `SymbolTable` (not subscribed, or a typo in config).
    case unknownSymbol
    /// Two symbol fields of one message disagree (Bybit topic vs `data.s`).
    case symbolMismatch
    /// A field has a value outside its enumeration (Bybit `type` not snapshot/delta, `S` not Buy/Sell).
    case invalidFieldValue
    /// One side of a depth message has more levels than the `DepthLevelBuffer` holds.
    case levelCapacityExceeded
    /// A trade message has more trades than the `TradeBuffer` holds.
    case tradeCapacityExceeded

    public var description: String {
        switch self {
        case .emptyFrame: return "empty frame"
        case .malformedJSON: return "malformed JSON"
        case .nestingTooDeep: return "JSON nested too deep"
        case .unsupportedEscape: return "escape sequence in a key or read field"
        case .unexpectedType: return "field of unexpected JSON type"
        case .invalidNumber: return "invalid number"
        case .tooManyFractionDigits: return "more fraction digits than the instrument scale"
        case .numberOverflow: return "number out of range"
        case .missingField: return "required field missing"
        case .duplicateField: return "duplicate field"
        case .unknownSymbol: return "unknown symbol"
        case .symbolMismatch: return "symbol fields disagree"
        case .invalidFieldValue: return "field value outside its enumeration"
        case .levelCapacityExceeded: return "depth level capacity exceeded"
        case .tradeCapacityExceeded: return "trade buffer capacity exceeded"
        }
    }
}
