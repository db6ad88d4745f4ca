/// Why a decimal string could not become a fixed-point value.
public enum DecimalParseError: Error, BitwiseCopyable, Hashable, Sendable, CustomStringConvertible {
    /// No digits at all (empty input, a lone sign or a lone point).
    case empty
    /// A byte that is not a digit, a leading `-`, or a single `.`, at this offset.
    case invalidCharacter(offset: Int)
    /// A non-zero digit beyond the scale's decimal places: the value is not representable exactly.
    case tooManyFractionDigits
    /// The value does not fit in Int64 at this scale.
    case overflow

    public var description: String {
        switch self {
        case .empty: return "empty decimal"
        case .invalidCharacter(let offset): return "invalid character at offset \(offset)"
        case .tooManyFractionDigits: return "more fraction digits than the scale holds"
        case .overflow: return "value out of range for the scale"
        }
    }
}

/// The outcome of a hot-path parse: a value or the reason there is none (no throwing on the hot path).
@frozen
public enum DecimalParseResult: BitwiseCopyable, Sendable, Equatable {
    case value(Int64)
    case failure(DecimalParseError)

    /// The value, or nil on failure.
    @inlinable @inline(__always)
    public var value: Int64? {
        if case .value(let v) = self { return v }
        return nil
    }
}

/// Exact decimal-string → fixed-point conversion, with no `Double` anywhere.
///
/// Accepts `-?digits[.digits]`, `-?.digits`, `-?digits.`; trailing zeros beyond the scale are
/// allowed (`"0.10000000"` at scale 2 is 10), non-zero digits beyond it are an error.
public enum DecimalParser {
    /// Parses `count` bytes at `start` into `value × 10^places`.
    /// - Complexity: O(count), no allocation.
    @inlinable
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int, places: Int) -> DecimalParseResult {
        var i = 0
        var negative = false
        if count > 0 && start[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        var acc: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawPoint = false
        while i < count {
            let c = start[i]
            let d = c &- 48
            if d < 10 {
                digits &+= 1
                if sawPoint {
                    if fractionDigits >= places {
                        if d != 0 { return .failure(.tooManyFractionDigits) }
                        i &+= 1
                        continue
                    }
                    fractionDigits &+= 1
                }
                let (m, o1) = acc.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return .failure(.overflow) }
                acc = s
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                return .failure(.invalidCharacter(offset: i))
            }
            i &+= 1
        }
        if digits == 0 { return .failure(.empty) }
        // Scale up by the fraction digits not written.
        var missing = places &- fractionDigits
        while missing > 0 {
            let (m, o) = acc.multipliedReportingOverflow(by: 10)
            if o { return .failure(.overflow) }
            acc = m
            missing &-= 1
        }
        return .value(negative ? -acc : acc)
    }

    /// Parses a buffer of bytes.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, places: Int) -> DecimalParseResult {
        guard let base = bytes.baseAddress else { return .failure(.empty) }
        return parse(base, count: bytes.count, places: places)
    }

    /// Parses a string (cold path: config, tests, REST bodies).
    public static func parse(_ text: String, places: Int) throws(DecimalParseError) -> Int64 {
        var copy = text
        let result = copy.withUTF8 { parse($0, places: places) }
        switch result {
        case .value(let v): return v
        case .failure(let e): throw e
        }
    }
}
