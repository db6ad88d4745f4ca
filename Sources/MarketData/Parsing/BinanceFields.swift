import HFTPrimitives

/// The Binance event type named by `e`.
@usableFromInline
enum BinanceEventKind: UInt8 {
    case absent, depthUpdate, trade, aggTrade, bookTicker, kline, ticker, other
}

/// Where each field the Binance parser knows starts in the frame (first pass), so fields are read
/// by key in any order. A non-nil slot also marks the key as seen (duplicates are refused).
@usableFromInline
struct BinanceFields {
    var e: UnsafePointer<UInt8>? = nil
    var E: UnsafePointer<UInt8>? = nil
    var T: UnsafePointer<UInt8>? = nil
    var s: UnsafePointer<UInt8>? = nil
    var U: UnsafePointer<UInt8>? = nil
    var u: UnsafePointer<UInt8>? = nil
    var pu: UnsafePointer<UInt8>? = nil
    var b: UnsafePointer<UInt8>? = nil
    var a: UnsafePointer<UInt8>? = nil
    var B: UnsafePointer<UInt8>? = nil
    var A: UnsafePointer<UInt8>? = nil
    var t: UnsafePointer<UInt8>? = nil
    var p: UnsafePointer<UInt8>? = nil
    var q: UnsafePointer<UInt8>? = nil
    var m: UnsafePointer<UInt8>? = nil
    var X: UnsafePointer<UInt8>? = nil
    var lastUpdateId: UnsafePointer<UInt8>? = nil
    var bids: UnsafePointer<UInt8>? = nil
    var asks: UnsafePointer<UInt8>? = nil
    var result: UnsafePointer<UInt8>? = nil
    var id: UnsafePointer<UInt8>? = nil
    var error: UnsafePointer<UInt8>? = nil
    /// Top level only: the `data` value and the `stream` name's bytes.
    var data: UnsafePointer<UInt8>? = nil
    var stream: UnsafeRawBufferPointer? = nil
    /// Any payload key seen (used to refuse a wrapper that also carries payload keys).
    var payloadSeen = false
    var kind = BinanceEventKind.absent
    /// The instrument named by `s`, or nil (then `symbolError` says why if `s` was present).
    var spec: InstrumentSpec? = nil
    var symbolError: MarketDataParseError? = nil
    /// Bids (`b`/`bids`) or asks (`a`/`asks`) already decoded into the level buffer during the first pass.
    var bidsParsed = false
    var asksParsed = false
    /// `E`, `T`, `U`, `u`, `pu` already read as integers during the first pass (bit per field, see
    /// `BinanceIntegerField`); a field whose value is not a plain integer is only recorded and
    /// re-read (to report the error) by the second pass.
    var integers = IntegerSlots()
}

/// The integer fields the first pass reads in place instead of re-reading them later.
@usableFromInline
struct IntegerSlots {
    var E: UInt64 = 0
    var T: UInt64 = 0
    var U: UInt64 = 0
    var u: UInt64 = 0
    var pu: UInt64 = 0
    /// Which of the values above are valid (bit 0 `E`, 1 `T`, 2 `U`, 3 `u`, 4 `pu`).
    var valid: UInt8 = 0
}

/// One stop of the first pass over an object.
@usableFromInline
enum BinanceWalkStep {
    case finished
    /// Stopped with the cursor at the value of a top-level `data` object (the `stream` is already known).
    case data
    case error(MarketDataParseError)
}

extension BinanceParser {
    /// Records the position of a field's value and skips it.
    @inline(__always)
    func record(_ slot: inout UnsafePointer<UInt8>?, _ c: inout JSONCursor, depth: Int, payload: inout Bool) -> MarketDataParseError? {
        guard slot == nil else { return .duplicateField }
        c.skipWhitespace()
        slot = c.p
        payload = true
        return c.skipValue(depth: depth)
    }

    /// First pass over one object: records field positions, resolves `e` and `s` at once, and decodes
    /// `b`/`a` (or `bids`/`asks` when `snapshot` is set) straight into `levels` when the message kind
    /// and instrument are already known. `resume` continues after a `.data` stop.
    func walk(_ c: inout JSONCursor, _ f: inout BinanceFields, depth: Int, topLevel: Bool, snapshot: InstrumentSpec?,
              resume: Bool, levels: inout DepthLevelBuffer) -> BinanceWalkStep {
        if resume {
            if !c.consume(UInt8(ascii: ",")) {
                return c.consume(UInt8(ascii: "}")) ? .finished : .error(.malformedJSON)
            }
        } else {
            guard c.consume(UInt8(ascii: "{")) else { return .error(c.typeMismatch()) }
            if c.consume(UInt8(ascii: "}")) { return .finished }
        }
        var key = JSONKey()
        while true {
            if let e = c.readKey(&key) { return .error(e) }
            var failure: MarketDataParseError? = nil
            switch key.length {
            case 1:
                switch UInt8(truncatingIfNeeded: key.word) {
                case UInt8(ascii: "e"):
                    failure = readEventKind(&c, &f)
                case UInt8(ascii: "s"):
                    failure = readSymbol(&c, &f)
                case UInt8(ascii: "b"):
                    if snapshot == nil, f.kind == .depthUpdate, let spec = f.spec, c.peekAfterWhitespace() == UInt8(ascii: "[") {
                        failure = eagerLevels(&c, &f.b, parsed: &f.bidsParsed, side: .buy, spec: spec, depth: depth, levels: &levels)
                        f.payloadSeen = true
                    } else {
                        failure = record(&f.b, &c, depth: depth, payload: &f.payloadSeen)
                    }
                case UInt8(ascii: "a"):
                    if snapshot == nil, f.kind == .depthUpdate, let spec = f.spec, c.peekAfterWhitespace() == UInt8(ascii: "[") {
                        failure = eagerLevels(&c, &f.a, parsed: &f.asksParsed, side: .sell, spec: spec, depth: depth, levels: &levels)
                        f.payloadSeen = true
                    } else {
                        failure = record(&f.a, &c, depth: depth, payload: &f.payloadSeen)
                    }
                case UInt8(ascii: "E"): failure = recordInteger(&f.E, &f.integers.E, &f.integers.valid, bit: 1, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "T"): failure = recordInteger(&f.T, &f.integers.T, &f.integers.valid, bit: 2, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "U"): failure = recordInteger(&f.U, &f.integers.U, &f.integers.valid, bit: 4, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "u"): failure = recordInteger(&f.u, &f.integers.u, &f.integers.valid, bit: 8, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "B"): failure = record(&f.B, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "A"): failure = record(&f.A, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "t"): failure = record(&f.t, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "p"): failure = record(&f.p, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "q"): failure = record(&f.q, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "m"): failure = record(&f.m, &c, depth: depth, payload: &f.payloadSeen)
                case UInt8(ascii: "X"): failure = record(&f.X, &c, depth: depth, payload: &f.payloadSeen)
                default: failure = c.skipValue(depth: depth)
                }
            case 2:
                if key.word == JSONKeyCode.pu {
                    failure = recordInteger(&f.pu, &f.integers.pu, &f.integers.valid, bit: 16, &c, depth: depth, payload: &f.payloadSeen)
                } else if key.word == JSONKeyCode.id {
                    failure = record(&f.id, &c, depth: depth, payload: &f.payloadSeen)
                } else {
                    failure = c.skipValue(depth: depth)
                }
            case 4:
                if key.word == JSONKeyCode.bids {
                    if let spec = snapshot, c.peekAfterWhitespace() == UInt8(ascii: "[") {
                        failure = eagerLevels(&c, &f.bids, parsed: &f.bidsParsed, side: .buy, spec: spec, depth: depth, levels: &levels)
                        f.payloadSeen = true
                    } else {
                        failure = record(&f.bids, &c, depth: depth, payload: &f.payloadSeen)
                    }
                } else if key.word == JSONKeyCode.asks {
                    if let spec = snapshot, c.peekAfterWhitespace() == UInt8(ascii: "[") {
                        failure = eagerLevels(&c, &f.asks, parsed: &f.asksParsed, side: .sell, spec: spec, depth: depth, levels: &levels)
                        f.payloadSeen = true
                    } else {
                        failure = record(&f.asks, &c, depth: depth, payload: &f.payloadSeen)
                    }
                } else if topLevel && key.word == JSONKeyCode.data {
                    guard f.data == nil else { return .error(.duplicateField) }
                    c.skipWhitespace()
                    f.data = c.p
                    if f.stream != nil && c.peek() == UInt8(ascii: "{") { return .data }
                    failure = c.skipValue(depth: depth)
                } else {
                    failure = c.skipValue(depth: depth)
                }
            case 5:
                if key.word == JSONKeyCode.error {
                    failure = record(&f.error, &c, depth: depth, payload: &f.payloadSeen)
                } else {
                    failure = c.skipValue(depth: depth)
                }
            case 6:
                if topLevel && key.word == JSONKeyCode.stream {
                    guard f.stream == nil else { return .error(.duplicateField) }
                    var start = c.p
                    var count = 0
                    failure = c.readPlainString(&start, &count)
                    f.stream = UnsafeRawBufferPointer(start: start, count: count)
                } else if key.word == JSONKeyCode.result {
                    failure = record(&f.result, &c, depth: depth, payload: &f.payloadSeen)
                } else {
                    failure = c.skipValue(depth: depth)
                }
            case 12:
                if key.word == JSONKeyCode.lastUpdateIdHead && key.tail == JSONKeyCode.lastUpdateIdTail {
                    failure = record(&f.lastUpdateId, &c, depth: depth, payload: &f.payloadSeen)
                } else {
                    failure = c.skipValue(depth: depth)
                }
            default:
                failure = c.skipValue(depth: depth)
            }
            if let failure { return .error(failure) }
            if c.consume(UInt8(ascii: ",")) { continue }
            return c.consume(UInt8(ascii: "}")) ? .finished : .error(.malformedJSON)
        }
    }

    /// `record` for a field that is usually an integer: reads it in place when it is a plain
    /// non-negative integer (setting `bit` in `valid`), else rewinds and skips it like `record`.
    /// Either way the cursor ends after the value, as `skipValue` would leave it.
    @inline(__always)
    func recordInteger(_ slot: inout UnsafePointer<UInt8>?, _ value: inout UInt64, _ valid: inout UInt8, bit: UInt8,
                       _ c: inout JSONCursor, depth: Int, payload: inout Bool) -> MarketDataParseError? {
        guard slot == nil else { return .duplicateField }
        c.skipWhitespace()
        let start = c.p
        slot = start
        payload = true
        if c.readUInt64(&value) == nil {
            valid |= bit
            return nil
        }
        c.p = start
        return c.skipValue(depth: depth)
    }

    /// Reads `e` and classifies the event.
    @inline(__always)
    func readEventKind(_ c: inout JSONCursor, _ f: inout BinanceFields) -> MarketDataParseError? {
        guard f.e == nil else { return .duplicateField }
        c.skipWhitespace()
        f.e = c.p
        f.payloadSeen = true
        var start = c.p
        var n = 0
        if let e = c.readPlainString(&start, &n) { return e }
        if bytesEqual(start, n, "depthUpdate") {
            f.kind = .depthUpdate
        } else if bytesEqual(start, n, "trade") {
            f.kind = .trade
        } else if bytesEqual(start, n, "aggTrade") {
            f.kind = .aggTrade
        } else if bytesEqual(start, n, "bookTicker") {
            f.kind = .bookTicker
        } else if bytesHavePrefix(start, n, "kline") || bytesHavePrefix(start, n, "continuous_kline") {
            f.kind = .kline
        } else if bytesEqual(start, n, "24hrTicker") || bytesEqual(start, n, "24hrMiniTicker") {
            f.kind = .ticker
        } else {
            f.kind = .other
        }
        return nil
    }

    /// Reads `s` and resolves the instrument (an unknown symbol is remembered, not yet an error:
    /// ignored streams of unknown symbols stay `.ignored`).
    @inline(__always)
    func readSymbol(_ c: inout JSONCursor, _ f: inout BinanceFields) -> MarketDataParseError? {
        guard f.s == nil else { return .duplicateField }
        c.skipWhitespace()
        f.s = c.p
        f.payloadSeen = true
        var start = c.p
        var n = 0
        if let e = c.readPlainString(&start, &n) { return e }
        f.spec = symbols.lookup(UnsafeRawBufferPointer(start: start, count: n))
        if f.spec == nil { f.symbolError = .unknownSymbol }
        return nil
    }

    /// Decodes a level array straight into the buffer during the first pass.
    @inline(always)
    func eagerLevels(_ c: inout JSONCursor, _ slot: inout UnsafePointer<UInt8>?, parsed: inout Bool, side: Side,
                     spec: InstrumentSpec, depth: Int, levels: inout DepthLevelBuffer) -> MarketDataParseError? {
        guard slot == nil else { return .duplicateField }
        c.skipWhitespace()
        slot = c.p
        parsed = true
        return readLevels(&c, side: side, spec: spec, depth: depth, levels: &levels)
    }

    /// Decodes one level array at the cursor into `side` of `levels`.
    @inline(never)
    func readLevels(_ c: inout JSONCursor, side: Side, spec: InstrumentSpec, depth: Int,
                    levels: inout DepthLevelBuffer) -> MarketDataParseError? {
        let capacity = levels.capacityPerSide
        if side == .buy {
            let storage = levels.bidStorage
            return c.readLevels(into: storage, count: &levels.bidCount, capacity: capacity,
                                pricePlaces: spec.priceScale.places, quantityPlaces: spec.quantityScale.places, depth: depth)
        } else {
            let storage = levels.askStorage
            return c.readLevels(into: storage, count: &levels.askCount, capacity: capacity,
                                pricePlaces: spec.priceScale.places, quantityPlaces: spec.quantityScale.places, depth: depth)
        }
    }

    /// Second-pass form of `readLevels`: decodes the level array recorded at `position`.
    func readLevels(at position: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, side: Side, spec: InstrumentSpec,
                    levels: inout DepthLevelBuffer) -> MarketDataParseError? {
        var c = JSONCursor(position, end: end)
        return readLevels(&c, side: side, spec: spec, depth: 2, levels: &levels)
    }

    /// Decodes a payload object (raw stream, or the `data` of a wrapper) at the cursor.
    func parsePayload(_ c: inout JSONCursor, stream: UnsafeRawBufferPointer?, receiveTime: Nanos,
                      levels: inout DepthLevelBuffer, trades: inout TradeBuffer) -> ParsedMessage {
        var f = BinanceFields()
        if case .error(let e) = walk(&c, &f, depth: 2, topLevel: false, snapshot: nil, resume: false, levels: &levels) {
            return .failure(e)
        }
        return evaluate(&f, end: c.end, stream: stream, receiveTime: receiveTime, levels: &levels, trades: &trades)
    }
}
