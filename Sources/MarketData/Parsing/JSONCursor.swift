import HFTPrimitives

/// A packed object key: its first 16 bytes as two little-endian words and its length in bytes.
/// Longer keys keep `length` so they never match a known key of 16 bytes or fewer.
@usableFromInline
struct JSONKey {
    @usableFromInline var word: UInt64 = 0
    @usableFromInline var tail: UInt64 = 0
    @usableFromInline var length: Int = 0

    @inlinable init() {}

    /// True when this key is `word` (a key of 1...8 bytes packed little-endian, see `JSONKey.pack`).
    @inline(__always)
    func `is`(_ packed: UInt64, length n: Int) -> Bool { length == n && word == packed }

    /// Packs an ASCII key the way `readKey` does (tests and cold paths use it to check the constants).
    static func pack(_ key: String) -> JSONKey {
        var k = JSONKey()
        for (i, b) in key.utf8.enumerated() {
            if i < 8 { k.word |= UInt64(b) << UInt64(i * 8) } else if i < 16 { k.tail |= UInt64(b) << UInt64((i - 8) * 8) }
        }
        k.length = key.utf8.count
        return k
    }
}

/// A forward-only, validating JSON byte scanner over one frame.
///
/// Every read is bounds-checked against `end`, so no input can make it read outside the frame or
/// trap. Methods return `nil` on success and the reason on failure, leaving `p` unspecified after
/// a failure. Values the parsers do not need are skipped with full JSON validation (strings with
/// escapes, numbers, literals, nested containers up to `maxDepth`); UTF-8 inside skipped strings is
/// not validated.
/// - Complexity: every method is O(bytes consumed); nothing allocates.
@usableFromInline
struct JSONCursor {
    /// Deepest container nesting accepted (the venues use at most 4).
    static let maxDepth = 32

    @usableFromInline var p: UnsafePointer<UInt8>
    @usableFromInline let end: UnsafePointer<UInt8>

    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) {
        self.p = p
        self.end = end
    }

    /// The byte at `p`, or 0 at the end (0 is never valid in JSON outside strings, so callers fail on it).
    @inline(always)
    func peek() -> UInt8 {
        // SAFETY: dereferenced only when p < end.
        p < end ? p.pointee : 0
    }

    @inline(always)
    mutating func skipWhitespace() {
        // SAFETY: dereferenced only when p < end.
        while p < end {
            let c = p.pointee
            if c > 0x20 { return }
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            p += 1
        }
    }

    /// Skips whitespace; consumes `byte` and returns true if it is next.
    @inline(always)
    mutating func consume(_ byte: UInt8) -> Bool {
        // SAFETY: dereferenced only when p < end.
        if p < end && p.pointee == byte {
            p += 1
            return true
        }
        return consumeAfterWhitespace(byte)
    }

    /// `consume` when the next byte is not `byte` already: skips whitespace, then retries.
    @inline(never)
    mutating func consumeAfterWhitespace(_ byte: UInt8) -> Bool {
        skipWhitespace()
        // SAFETY: dereferenced only when p < end.
        if p < end && p.pointee == byte {
            p += 1
            return true
        }
        return false
    }

    /// Skips whitespace, then returns the next byte (0 at the end).
    @inline(__always)
    mutating func peekAfterWhitespace() -> UInt8 {
        skipWhitespace()
        return peek()
    }

    /// Skips whitespace and requires the end of the frame.
    @inline(__always)
    mutating func atEndAfterWhitespace() -> Bool {
        skipWhitespace()
        return p == end
    }

    /// The error for a value that is not of the expected type: `.unexpectedType` if a JSON value starts here, else `.malformedJSON`.
    func typeMismatch() -> MarketDataParseError {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"),
             UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .unexpectedType
        default:
            return .malformedJSON
        }
    }

    /// Reads an object key and the `:` after it. `p` must be at (whitespace before) the opening quote.
    /// Keys with escapes are refused (`.unsupportedEscape`): no venue sends them.
    ///
    /// Keys of up to 15 bytes with 17 bytes left in the frame are read two words at a time: one
    /// search for the closing quote, backslash or control byte, then a mask (no loop per byte).
    @inline(__always)
    mutating func readKey(_ key: inout JSONKey) -> MarketDataParseError? {
        skipWhitespace()
        guard p < end && p.pointee == UInt8(ascii: "\"") else { return .malformedJSON }
        if end - p >= 17 {
            // SAFETY: reads p[1..<17], below end (checked above).
            let w0 = JSONCursor.load64(UnsafeRawPointer(p + 1))
            let s0 = JSONCursor.keyStops(w0)
            if s0 != 0 {
                let i = s0.trailingZeroBitCount &>> 3
                // SAFETY: i < 8, so p + 1 + i < end.
                if p[1 &+ i] == UInt8(ascii: "\"") {
                    key.word = w0 & JSONCursor.lowBytes(i)
                    key.tail = 0
                    key.length = i
                    p += i &+ 2
                    return consume(UInt8(ascii: ":")) ? nil : .malformedJSON
                }
            } else {
                let w1 = JSONCursor.load64(UnsafeRawPointer(p + 9))
                let s1 = JSONCursor.keyStops(w1)
                let i = s1.trailingZeroBitCount &>> 3
                // SAFETY: i < 8, so p + 9 + i < end.
                if s1 != 0 && p[9 &+ i] == UInt8(ascii: "\"") {
                    key.word = w0
                    key.tail = w1 & JSONCursor.lowBytes(i)
                    key.length = 8 &+ i
                    p += i &+ 10
                    return consume(UInt8(ascii: ":")) ? nil : .malformedJSON
                }
            }
        }
        var q = p + 1
        var word: UInt64 = 0
        var tail: UInt64 = 0
        var i = 0
        // SAFETY: q < end is checked before every dereference.
        while true {
            guard q < end else { return .malformedJSON }
            let c = q.pointee
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { return .unsupportedEscape }
            if c < 0x20 { return .malformedJSON }
            if i < 8 {
                word |= UInt64(c) &<< UInt64(i &* 8)
            } else if i < 16 {
                tail |= UInt64(c) &<< UInt64((i &- 8) &* 8)
            }
            i &+= 1
            q += 1
        }
        key.word = word
        key.tail = tail
        key.length = i
        p = q + 1
        return consume(UInt8(ascii: ":")) ? nil : .malformedJSON
    }

    /// 0x80 in every byte of `w` that ends or breaks a plain string: `"`, `\\` or a control byte
    /// (exact up to and including the lowest such byte).
    @inline(always)
    static func keyStops(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)
            | ((w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080)
    }

    /// Reads a string value without escapes; returns its content bytes (without quotes).
    @inline(__always)
    mutating func readPlainString(_ start: inout UnsafePointer<UInt8>, _ count: inout Int) -> MarketDataParseError? {
        skipWhitespace()
        guard p < end && p.pointee == UInt8(ascii: "\"") else { return typeMismatch() }
        let s = p + 1
        var q = s
        // SAFETY: whole words are read only while 8 bytes remain; then q < end is checked per byte.
        while end - q >= 8 {
            let w = JSONCursor.load64(UnsafeRawPointer(q))
            let stops = JSONCursor.zeroBytes(w ^ 0x2222_2222_2222_2222) | JSONCursor.zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)
                | ((w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080)
            if stops != 0 {
                q += stops.trailingZeroBitCount &>> 3
                break
            }
            q += 8
        }
        while true {
            guard q < end else { return .malformedJSON }
            let c = q.pointee
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { return .unsupportedEscape }
            if c < 0x20 { return .malformedJSON }
            q += 1
        }
        start = s
        count = q - s
        p = q + 1
        return nil
    }

    /// Reads a quoted non-negative decimal at `places` decimal places: `fastDecimal` when 32 bytes
    /// remain and the text has its shape (same result), else through `DecimalParser`.
    @inline(never)
    mutating func readDecimal(places: Int, _ value: inout Int64) -> MarketDataParseError? {
        skipWhitespace()
        guard p < end && p.pointee == UInt8(ascii: "\"") else { return typeMismatch() }
        // SAFETY: fastDecimal reads below p + 32 <= end (checked first).
        if end - p >= 32,
           let (v, after) = JSONCursor.fastDecimal(p, places: places, scale: JSONCursor.scaleMultiplier(places: places)) {
            value = v
            p = after
            return nil
        }
        let s = p + 1
        var q = s
        // SAFETY: q < end is checked before every dereference.
        while true {
            guard q < end else { return .malformedJSON }
            let c = q.pointee
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { return .unsupportedEscape }
            q += 1
        }
        let count = q - s
        // SAFETY: count > 0 guarantees s < q < end.
        guard count > 0 && s.pointee != UInt8(ascii: "-") else { return .invalidNumber }
        switch DecimalParser.parse(s, count: count, places: places) {
        case .value(let v):
            value = v
        case .failure(let e):
            switch e {
            case .tooManyFractionDigits: return .tooManyFractionDigits
            case .overflow: return .numberOverflow
            case .empty, .invalidCharacter: return .invalidNumber
            }
        }
        p = q + 1
        return nil
    }

    /// Reads a bare non-negative JSON integer (no sign, fraction or exponent) as UInt64, eight digits
    /// at a time when 24 bytes remain (ids and times of up to 19 digits cannot overflow), else bytewise.
    @inline(always)
    mutating func readUInt64(_ value: inout UInt64) -> MarketDataParseError? {
        skipWhitespace()
        guard end - p >= 24, p.pointee &- 0x31 < 9 else { return readUInt64Bytewise(&value) }
        // SAFETY: reads p[0..<24] at most (three words), below end.
        let w0 = JSONCursor.load64(UnsafeRawPointer(p))
        let w1 = JSONCursor.load64(UnsafeRawPointer(p + 8))
        let t0 = JSONCursor.nonDigits(w0).trailingZeroBitCount &>> 3
        let t1 = JSONCursor.nonDigits(w1).trailingZeroBitCount &>> 3
        guard t0 < 8 || t1 < 8 else { return readUInt64Bytewise(&value) }
        var acc: UInt64
        var n: Int
        if t0 < 8 {
            acc = JSONCursor.eightDigits((w0 & JSONCursor.lowBytes(t0)) &<< UInt64(truncatingIfNeeded: (8 &- t0) &* 8))
            n = t0
        } else {
            let high = JSONCursor.eightDigits(w0)
            let low = JSONCursor.eightDigits((w1 & JSONCursor.lowBytes(t1)) &<< UInt64(truncatingIfNeeded: (8 &- t1) &* 8))
            acc = high &* JSONCursor.pow10(t1) &+ low
            n = 8 &+ t1
        }
        let next = p[n]
        if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return .invalidNumber }
        value = acc
        p += n
        return nil
    }

    /// 10^n for 0...8.
    @inline(always)
    static func pow10(_ n: Int) -> UInt64 {
        var m: UInt64 = 1
        var i = 0
        while i < n {
            m &*= 10
            i &+= 1
        }
        return m
    }

    /// `readUInt64` one byte at a time, with overflow checks (near the frame's end, or 20+ digits).
    @inline(never)
    mutating func readUInt64Bytewise(_ value: inout UInt64) -> MarketDataParseError? {
        skipWhitespace()
        guard p < end else { return .malformedJSON }
        let first = p.pointee
        guard first &- 0x30 < 10 else {
            return first == UInt8(ascii: "-") ? .invalidNumber : typeMismatch()
        }
        var acc: UInt64 = 0
        var q = p
        // SAFETY: q < end is checked before every dereference.
        while q < end {
            let d = q.pointee &- 0x30
            guard d < 10 else { break }
            let (m, o1) = acc.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return .numberOverflow }
            acc = s
            q += 1
        }
        // JSON forbids leading zeros; a fraction or exponent makes it a non-integer.
        if first == UInt8(ascii: "0") && q - p > 1 { return .malformedJSON }
        if q < end {
            let c = q.pointee
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { return .invalidNumber }
        }
        value = acc
        p = q
        return nil
    }

    /// Reads a millisecond integer as Unix nanoseconds.
    @inline(__always)
    mutating func readMillisAsNanos(_ value: inout Nanos) -> MarketDataParseError? {
        var ms: UInt64 = 0
        if let e = readUInt64(&ms) { return e }
        guard ms <= UInt64(Int64.max / 1_000_000) else { return .numberOverflow }
        value = Nanos(raw: Int64(ms) &* 1_000_000)
        return nil
    }

    /// Reads `true` or `false`.
    @inline(__always)
    mutating func readBool(_ value: inout Bool) -> MarketDataParseError? {
        skipWhitespace()
        if matchLiteral(0x6575_7274, length: 4) {  // "true"
            value = true
            return nil
        }
        if matchLiteral(0x65_736C_6166, length: 5) {  // "false"
            value = false
            return nil
        }
        return typeMismatch()
    }

    /// Consumes a literal of `length` (≤ 8) bytes packed little-endian in `packed` if it is next.
    @inline(__always)
    mutating func matchLiteral(_ packed: UInt64, length: Int) -> Bool {
        guard end - p >= length else { return false }
        var w: UInt64 = 0
        var i = 0
        // SAFETY: i < length <= end - p.
        while i < length {
            w |= UInt64(p[i]) &<< UInt64(i &* 8)
            i &+= 1
        }
        guard w == packed else { return false }
        p += length
        return true
    }

    /// Skips a string (escapes validated). `p` must be at the opening quote.
    mutating func skipString() -> MarketDataParseError? {
        guard p < end && p.pointee == UInt8(ascii: "\"") else { return .malformedJSON }
        var q = p + 1
        // SAFETY: q < end is checked before every dereference.
        while q < end {
            let c = q.pointee
            if c == UInt8(ascii: "\"") {
                p = q + 1
                return nil
            }
            if c < 0x20 { return .malformedJSON }
            if c == UInt8(ascii: "\\") {
                q += 1
                guard q < end else { return .malformedJSON }
                switch q.pointee {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    q += 1
                case UInt8(ascii: "u"):
                    guard end - q > 4 else { return .malformedJSON }
                    for k in 1...4 {
                        let h = q[k]
                        let isHex = (h &- 0x30 < 10) || ((h | 0x20) &- 0x61 < 6)
                        guard isHex else { return .malformedJSON }
                    }
                    q += 5
                default:
                    return .malformedJSON
                }
            } else {
                q += 1
            }
        }
        return .malformedJSON
    }

    /// Skips a JSON number (full grammar).
    mutating func skipNumber() -> MarketDataParseError? {
        var q = p
        // SAFETY: every dereference is guarded by q < end.
        if q < end && q.pointee == UInt8(ascii: "-") { q += 1 }
        guard q < end && q.pointee &- 0x30 < 10 else { return .malformedJSON }
        if q.pointee == UInt8(ascii: "0") {
            q += 1
        } else {
            // SAFETY: whole words are read only while 8 bytes remain.
            while end - q >= 8 {
                let bad = JSONCursor.nonDigits(JSONCursor.load64(UnsafeRawPointer(q)))
                if bad != 0 {
                    q += bad.trailingZeroBitCount &>> 3
                    break
                }
                q += 8
            }
            while q < end && q.pointee &- 0x30 < 10 { q += 1 }
        }
        if q < end && q.pointee == UInt8(ascii: ".") {
            q += 1
            guard q < end && q.pointee &- 0x30 < 10 else { return .malformedJSON }
            while q < end && q.pointee &- 0x30 < 10 { q += 1 }
        }
        if q < end && (q.pointee | 0x20) == UInt8(ascii: "e") {
            q += 1
            if q < end && (q.pointee == UInt8(ascii: "+") || q.pointee == UInt8(ascii: "-")) { q += 1 }
            guard q < end && q.pointee &- 0x30 < 10 else { return .malformedJSON }
            while q < end && q.pointee &- 0x30 < 10 { q += 1 }
        }
        p = q
        return nil
    }

    /// Skips any JSON value, validating it. `depth` is the nesting of the container holding it.
    mutating func skipValue(depth: Int) -> MarketDataParseError? {
        skipWhitespace()
        guard p < end else { return .malformedJSON }
        switch p.pointee {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return skipNumber()
        case UInt8(ascii: "t"):
            return matchLiteral(0x6575_7274, length: 4) ? nil : .malformedJSON
        case UInt8(ascii: "f"):
            return matchLiteral(0x65_736C_6166, length: 5) ? nil : .malformedJSON
        case UInt8(ascii: "n"):
            return matchLiteral(0x6C6C_756E, length: 4) ? nil : .malformedJSON
        case UInt8(ascii: "{"):
            guard depth < JSONCursor.maxDepth else { return .nestingTooDeep }
            p += 1
            if consume(UInt8(ascii: "}")) { return nil }
            while true {
                skipWhitespace()
                if let e = skipString() { return e }
                guard consume(UInt8(ascii: ":")) else { return .malformedJSON }
                if let e = skipValue(depth: depth &+ 1) { return e }
                if consume(UInt8(ascii: ",")) { continue }
                return consume(UInt8(ascii: "}")) ? nil : .malformedJSON
            }
        case UInt8(ascii: "["):
            guard depth < JSONCursor.maxDepth else { return .nestingTooDeep }
            p += 1
            if consume(UInt8(ascii: "]")) { return nil }
            while true {
                if let e = skipValue(depth: depth &+ 1) { return e }
                if consume(UInt8(ascii: ",")) { continue }
                return consume(UInt8(ascii: "]")) ? nil : .malformedJSON
            }
        default:
            return .malformedJSON
        }
    }

    /// Parses an array of `[price, quantity, ...]` string pairs into `storage[count...]`.
    ///
    /// Levels written `["p","q"]` without whitespace take a fast path (`fastLevels`); the last
    /// levels before the frame's end take it too, in a zero-padded copy of the frame's tail
    /// (`fastLevelsInTail`). Any other level is parsed by `readLevel` (whitespace, extra elements
    /// after the quantity as old Binance REST bodies had, `DecimalParser`), and separators other
    /// than a bare `,` or `]` by `consume`. Same results either way.
    /// - Returns: `.levelCapacityExceeded` when more than `capacity - count` levels arrive.
    @inline(always)
    mutating func readLevels(into storage: UnsafeMutablePointer<DepthLevel>, count: inout Int, capacity: Int,
                             pricePlaces: Int, quantityPlaces: Int, depth: Int) -> MarketDataParseError? {
        guard consume(UInt8(ascii: "[")) else { return typeMismatch() }
        if consume(UInt8(ascii: "]")) { return nil }
        let shape = LevelShape(pricePlaces: pricePlaces, quantityPlaces: quantityPlaces)
        var q = p
        var n = count
        while true {
            let stop: FastLevelStop
            if end - q >= JSONCursor.fastLevelMargin {
                // SAFETY: the run stops before q passes end - fastLevelMargin (see fastLevels).
                stop = JSONCursor.fastLevels(&q, limit: end - (JSONCursor.fastLevelMargin &- 1), storage: storage, count: &n,
                                             capacity: capacity, shape: shape)
            } else {
                stop = JSONCursor.fastLevelsInTail(&q, end: end, storage: storage, count: &n, capacity: capacity, shape: shape)
            }
            p = q
            count = n
            switch stop {
            case .closed:
                return nil
            case .full:
                return .levelCapacityExceeded
            case .limit:
                continue
            case .level:
                if let e = readLevel(into: storage, count: &count, capacity: capacity, pricePlaces: pricePlaces,
                                     quantityPlaces: quantityPlaces, depth: depth) {
                    return e
                }
                n = count
            case .separator:
                break
            }
            if consume(UInt8(ascii: ",")) {
                q = p
                continue
            }
            return consume(UInt8(ascii: "]")) ? nil : .malformedJSON
        }
    }

    /// Bytes that must be readable from a level's `[` for `fastLevels` (it reads below `[` + 38).
    static let fastLevelMargin = 40

    /// Decodes levels `["p","q"]` separated by bare commas from `q` while `q < limit`, appending
    /// them to `storage[count...]`; stops at the first thing it does not take (see `FastLevelStop`),
    /// with `q` where the caller continues.
    /// - Precondition: `fastLevelMargin` readable bytes from every `q < limit`.
    @inline(__always)
    static func fastLevels(_ q: inout UnsafePointer<UInt8>, limit: UnsafePointer<UInt8>, storage: UnsafeMutablePointer<DepthLevel>,
                           count: inout Int, capacity: Int, shape: LevelShape) -> FastLevelStop {
        var at = q
        var n = count
        defer {
            q = at
            count = n
        }
        while at < limit {
            guard let (level, close) = fastLevel(at, shape: shape) else { return .level }
            guard n < capacity else { return .full }
            // SAFETY: n < capacity, the storage's allocated size; DepthLevel is trivial.
            storage[n] = level
            n &+= 1
            // SAFETY: close < at + 37, so close[1] is readable.
            let next = close[1]
            if next == UInt8(ascii: ",") {
                at = close + 2
                continue
            }
            if next == UInt8(ascii: "]") {
                at = close + 2
                return .closed
            }
            at = close + 1
            return .separator
        }
        return .limit
    }

    /// `fastLevels` over the last `end - q < fastLevelMargin` bytes of the frame: they are copied
    /// into a zeroed stack buffer long enough for the fast path's reads, and `q` is moved by what
    /// was consumed there. A zero byte is never what the fast path accepts (quote, digit, point,
    /// comma, bracket), so bytes past the frame's end can only make it stop, never change a value;
    /// `.limit` (the levels ran exactly to the end: truncated) becomes `.level`, so `readLevel`
    /// reports the error.
    @inline(never)
    static func fastLevelsInTail(_ q: inout UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, storage: UnsafeMutablePointer<DepthLevel>,
                                 count: inout Int, capacity: Int, shape: LevelShape) -> FastLevelStop {
        let remaining = end - q
        guard remaining > 0 else { return .level }
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &words) { raw -> FastLevelStop in
            // SAFETY: 96 bytes; the copy fills [0, remaining) with remaining < fastLevelMargin, and the
            // run reads below local + remaining + fastLevelMargin < 80.
            let local = raw.baseAddress!
            local.copyMemory(from: UnsafeRawPointer(q), byteCount: remaining)
            let start = UnsafePointer(local.assumingMemoryBound(to: UInt8.self))
            var at = start
            let stop = fastLevels(&at, limit: start + remaining, storage: storage, count: &count, capacity: capacity, shape: shape)
            q += at - start
            return stop == .limit ? .level : stop
        }
    }

    /// One level `["p","q"]` (no whitespace, exactly two elements) at `q`: the level and the
    /// position of its closing `]`, or nil when it is not in that form or a number is not on
    /// `fastDecimal`'s path.
    /// - Precondition: `fastLevelMargin` readable bytes from `q`.
    @inline(__always)
    static func fastLevel(_ q: UnsafePointer<UInt8>, shape: LevelShape) -> (DepthLevel, UnsafePointer<UInt8>)? {
        // SAFETY: q[0...1] readable; fastDecimal reads below its quote + 17, so below q + 18 for the
        // price; its closing quote is below q + 17, the quantity's opening quote at most q + 19, so
        // its reads stay below q + 36 and its closing `]` (returned) below q + 37.
        guard q[0] == UInt8(ascii: "["), q[1] == UInt8(ascii: "\""),
              let (price, a) = fastDecimal(q + 1, places: shape.pricePlaces, scale: shape.priceScale),
              a[0] == UInt8(ascii: ","), a[1] == UInt8(ascii: "\""),
              let (quantity, b) = fastDecimal(a + 1, places: shape.quantityPlaces, scale: shape.quantityScale),
              b[0] == UInt8(ascii: "]") else { return nil }
        return (DepthLevel(price: Price(raw: price), quantity: Quantity(raw: quantity)), b)
    }

    /// One level `[price, quantity, ...]` at the cursor (whitespace tolerant) appended at `storage[count]`.
    @inline(never)
    mutating func readLevel(into storage: UnsafeMutablePointer<DepthLevel>, count: inout Int, capacity: Int,
                            pricePlaces: Int, quantityPlaces: Int, depth: Int) -> MarketDataParseError? {
        guard consume(UInt8(ascii: "[")) else { return typeMismatch() }
        var price: Int64 = 0
        var quantity: Int64 = 0
        if let e = readDecimal(places: pricePlaces, &price) { return e }
        guard consume(UInt8(ascii: ",")) else { return .malformedJSON }
        if let e = readDecimal(places: quantityPlaces, &quantity) { return e }
        while consume(UInt8(ascii: ",")) {
            if let e = skipValue(depth: depth &+ 2) { return e }
        }
        guard consume(UInt8(ascii: "]")) else { return .malformedJSON }
        guard count < capacity else { return .levelCapacityExceeded }
        // SAFETY: count < capacity, the storage's allocated size; DepthLevel is trivial.
        storage[count] = DepthLevel(price: Price(raw: price), quantity: Quantity(raw: quantity))
        count &+= 1
        return nil
    }
}

extension JSONCursor {
    /// Why `JSONCursor.fastLevels` stopped.
    @usableFromInline
    enum FastLevelStop {
        /// After the array's closing `]`.
        case closed
        /// At a level the fast path does not take (parse it with `readLevel`).
        case level
        /// After a level, at something other than a bare `,` or `]` (whitespace).
        case separator
        /// At a level start too close to the frame's end for the unpadded run.
        case limit
        /// A level beyond the capacity.
        case full
    }

    /// The scales of one level array's prices and quantities, with `fastDecimal`'s multipliers.
    @usableFromInline
    struct LevelShape {
        let pricePlaces: Int
        let quantityPlaces: Int
        let priceScale: UInt64
        let quantityScale: UInt64

        @inline(__always)
        init(pricePlaces: Int, quantityPlaces: Int) {
            self.pricePlaces = pricePlaces
            self.quantityPlaces = quantityPlaces
            self.priceScale = JSONCursor.scaleMultiplier(places: pricePlaces)
            self.quantityScale = JSONCursor.scaleMultiplier(places: quantityPlaces)
        }
    }
}
