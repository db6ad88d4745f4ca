extension ControlJSON {
    /// Deepest nesting `parse` accepts (control bodies are shallow; this bounds the recursion).
    public static let maximumDepth = 32

    /// Parses one JSON document (RFC 8259) from UTF-8 text, with surrounding whitespace allowed.
    /// - Throws: `ControlJSONError` naming the first problem and its byte offset (invalid UTF-8,
    ///   syntax, duplicate object key, nesting deeper than `maximumDepth`, trailing data).
    public static func parse(_ bytes: [UInt8]) throws(ControlJSONError) -> ControlJSON {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw ControlJSONError("body is not valid UTF-8") }
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.index < bytes.count else { throw ControlJSONError("body is empty (expected a JSON object)") }
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected data after the JSON value") }
        return value
    }

    /// `parse` over the UTF-8 of `text`.
    public static func parse(_ text: String) throws(ControlJSONError) -> ControlJSON {
        try parse(Array(text.utf8))
    }

    /// A recursive-descent reader over the body bytes.
    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ what: String) -> ControlJSONError {
            ControlJSONError("\(what) at byte \(index)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func value(depth: Int) throws(ControlJSONError) -> ControlJSON {
            guard depth < ControlJSON.maximumDepth else { throw failure("JSON nested deeper than \(ControlJSON.maximumDepth)") }
            guard index < bytes.count else { throw failure("unexpected end of JSON") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw failure("unexpected character '\(Self.printable(bytes[index]))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(ControlJSONError) {
            let n = word.utf8CodeUnitCount
            let matches = index + n <= bytes.count && word.withUTF8Buffer { w in
                (0..<n).allSatisfy { bytes[index + $0] == w[$0] }
            }
            guard matches else { throw failure("invalid literal (expected \(word))") }
            index += n
        }

        mutating func object(depth: Int) throws(ControlJSONError) -> ControlJSON {
            index += 1
            var members: [Member] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string object key") }
                let keyStart = index
                let key = try string()
                guard !members.contains(where: { $0.key == key }) else {
                    throw ControlJSONError("duplicate object key \(ControlJSON.quoted(key)) at byte \(keyStart)")
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
                index += 1
                skipWhitespace()
                members.append(Member(key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw failure("expected ',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws(ControlJSONError) -> ControlJSON {
            index += 1
            var items: [ControlJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw failure("expected ',' or ']' in an array")
            }
        }

        mutating func string() throws(ControlJSONError) -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw failure("unterminated string") }
                let b = bytes[index]
                switch b {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw failure("unterminated escape") }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                    default:
                        index -= 1
                        throw failure("invalid escape '\\\(Self.printable(e))'")
                    }
                case 0..<0x20:
                    throw failure("unescaped control character in a string")
                default:
                    out.append(b)
                    index += 1
                }
            }
        }

        /// After `\u`: four hex digits, a surrogate pair as two escapes; the scalar's UTF-8.
        mutating func unicodeEscape() throws(ControlJSONError) -> [UInt8] {
            var high = try hex4()
            if (0xDC00...0xDFFF).contains(high) { throw failure("unpaired low surrogate") }
            if (0xD800...0xDBFF).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("unpaired high surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid low surrogate") }
                high = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(high) else { throw failure("invalid unicode escape") }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hex4() throws(ControlJSONError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[index]
                let digit: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw failure("invalid hex digit in \\u escape")
                }
                v = v << 4 | digit
                index += 1
            }
            return v
        }

        mutating func number() throws(ControlJSONError) -> String {
            let start = index
            func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw failure("expected a digit") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if isDigit(index) { throw failure("leading zero in a number") }
            } else {
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard isDigit(index) else { throw failure("expected a digit after '.'") }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard isDigit(index) else { throw failure("expected a digit in the exponent") }
                while isDigit(index) { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        static func printable(_ b: UInt8) -> String {
            (0x21...0x7E).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
        }
    }
}
