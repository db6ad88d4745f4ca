import HFTPrimitives

/// The kind of Bybit topic, from its prefix.
@usableFromInline
enum BybitTopicKind: UInt8 {
    case absent, orderbook, publicTrade, ticker, kline, other
}

/// First-pass state of one Bybit frame: where each top-level field starts, and what `data` held
/// when it was decoded in place.
@usableFromInline
struct BybitFields {
    var topic: UnsafePointer<UInt8>? = nil
    var type: UnsafePointer<UInt8>? = nil
    var ts: UnsafePointer<UInt8>? = nil
    var cts: UnsafePointer<UInt8>? = nil
    var data: UnsafePointer<UInt8>? = nil
    var success: UnsafePointer<UInt8>? = nil
    var retMsg: UnsafePointer<UInt8>? = nil
    var op: UnsafePointer<UInt8>? = nil
    var kind = BybitTopicKind.absent
    var spec: InstrumentSpec? = nil
    var dataParsed = false
    /// Order-book `data.u`, `data.seq`.
    var updateId: UInt64 = 0
    var sequence: UInt64 = 0
}

extension BybitParser {
    @inline(__always)
    func record(_ slot: inout UnsafePointer<UInt8>?, _ c: inout JSONCursor) -> MarketDataParseError? {
        guard slot == nil else { return .duplicateField }
        c.skipWhitespace()
        slot = c.p
        return c.skipValue(depth: 1)
    }

    /// First pass over the top-level object; decodes `data` in place once the topic is known.
    func walk(_ c: inout JSONCursor, _ f: inout BybitFields, receiveTime: Nanos, levels: inout DepthLevelBuffer,
              trades: inout TradeBuffer) -> MarketDataParseError? {
        guard c.consume(UInt8(ascii: "{")) else { return c.typeMismatch() }
        if c.consume(UInt8(ascii: "}")) { return nil }
        var key = JSONKey()
        while true {
            if let e = c.readKey(&key) { return e }
            var failure: MarketDataParseError? = nil
            switch key.length {
            case 2:
                if key.word == JSONKeyCode.ts {
                    failure = record(&f.ts, &c)
                } else if key.word == JSONKeyCode.op {
                    failure = record(&f.op, &c)
                } else {
                    failure = c.skipValue(depth: 1)
                }
            case 3:
                failure = key.word == JSONKeyCode.cts ? record(&f.cts, &c) : c.skipValue(depth: 1)
            case 4:
                if key.word == JSONKeyCode.type {
                    failure = record(&f.type, &c)
                } else if key.word == JSONKeyCode.data {
                    guard f.data == nil else { return .duplicateField }
                    c.skipWhitespace()
                    f.data = c.p
                    if let spec = f.spec, f.kind == .orderbook || f.kind == .publicTrade {
                        f.dataParsed = true
                        failure = parseData(&c, &f, spec: spec, receiveTime: receiveTime, levels: &levels, trades: &trades)
                    } else {
                        failure = c.skipValue(depth: 1)
                    }
                } else {
                    failure = c.skipValue(depth: 1)
                }
            case 5:
                failure = key.word == JSONKeyCode.topic ? readTopic(&c, &f) : c.skipValue(depth: 1)
            case 7:
                if key.word == JSONKeyCode.success {
                    failure = record(&f.success, &c)
                } else if key.word == JSONKeyCode.retMsg {
                    failure = record(&f.retMsg, &c)
                } else {
                    failure = c.skipValue(depth: 1)
                }
            default:
                failure = c.skipValue(depth: 1)
            }
            if let failure { return failure }
            if c.consume(UInt8(ascii: ",")) { continue }
            return c.consume(UInt8(ascii: "}")) ? nil : .malformedJSON
        }
    }

    /// Reads `topic`, classifies it and resolves the symbol after its last `.`.
    @inline(__always)
    func readTopic(_ c: inout JSONCursor, _ f: inout BybitFields) -> MarketDataParseError? {
        guard f.topic == nil else { return .duplicateField }
        c.skipWhitespace()
        f.topic = c.p
        var start = c.p
        var n = 0
        if let e = c.readPlainString(&start, &n) { return e }
        if bytesHavePrefix(start, n, "orderbook.") {
            f.kind = .orderbook
        } else if bytesHavePrefix(start, n, "publicTrade.") {
            f.kind = .publicTrade
        } else if bytesHavePrefix(start, n, "tickers") {
            f.kind = .ticker
            return nil
        } else if bytesHavePrefix(start, n, "kline") {
            f.kind = .kline
            return nil
        } else {
            f.kind = .other
            return nil
        }
        var dot = n
        // SAFETY: 0 <= dot - 1 < n while reading.
        while dot > 0 && start[dot &- 1] != UInt8(ascii: ".") { dot &-= 1 }
        f.spec = symbols.lookup(UnsafeRawBufferPointer(start: start + dot, count: n &- dot))
        return nil
    }

    /// Decodes `data` for an order-book or trade topic.
    func parseData(_ c: inout JSONCursor, _ f: inout BybitFields, spec: InstrumentSpec, receiveTime: Nanos,
                   levels: inout DepthLevelBuffer, trades: inout TradeBuffer) -> MarketDataParseError? {
        if f.kind == .orderbook {
            return parseBook(&c, &f, spec: spec, levels: &levels)
        }
        return parseTrades(&c, spec: spec, receiveTime: receiveTime, trades: &trades)
    }

    /// Checks a symbol field against the topic's instrument.
    @inline(__always)
    func checkSymbol(_ c: inout JSONCursor, spec: InstrumentSpec) -> MarketDataParseError? {
        var start = c.p
        var n = 0
        if let e = c.readPlainString(&start, &n) { return e }
        guard let other = symbols.lookup(UnsafeRawBufferPointer(start: start, count: n)),
              other.id == spec.id && other.venue == spec.venue else { return .symbolMismatch }
        return nil
    }

    /// Order-book `data`: `{"s":..,"b":[[p,q],..],"a":[..],"u":..,"seq":..}` in any order.
    func parseBook(_ c: inout JSONCursor, _ f: inout BybitFields, spec: InstrumentSpec,
                   levels: inout DepthLevelBuffer) -> MarketDataParseError? {
        guard c.consume(UInt8(ascii: "{")) else { return c.typeMismatch() }
        var seen: UInt8 = 0
        if !c.consume(UInt8(ascii: "}")) {
            var key = JSONKey()
            loop: while true {
                if let e = c.readKey(&key) { return e }
                var bit: UInt8 = 0
                var failure: MarketDataParseError? = nil
                if key.length == 1 {
                    switch UInt8(truncatingIfNeeded: key.word) {
                    case UInt8(ascii: "s"):
                        bit = 1
                        failure = checkSymbol(&c, spec: spec)
                    case UInt8(ascii: "b"):
                        bit = 2
                        let capacity = levels.capacityPerSide
                        let storage = levels.bidStorage
                        failure = c.readLevels(into: storage, count: &levels.bidCount, capacity: capacity,
                                               pricePlaces: spec.priceScale.places, quantityPlaces: spec.quantityScale.places, depth: 2)
                    case UInt8(ascii: "a"):
                        bit = 4
                        let capacity = levels.capacityPerSide
                        let storage = levels.askStorage
                        failure = c.readLevels(into: storage, count: &levels.askCount, capacity: capacity,
                                               pricePlaces: spec.priceScale.places, quantityPlaces: spec.quantityScale.places, depth: 2)
                    case UInt8(ascii: "u"):
                        bit = 8
                        failure = c.readUInt64(&f.updateId)
                    default:
                        failure = c.skipValue(depth: 2)
                    }
                } else if key.length == 3 && key.word == JSONKeyCode.seq {
                    bit = 16
                    failure = c.readUInt64(&f.sequence)
                } else {
                    failure = c.skipValue(depth: 2)
                }
                if let failure { return failure }
                if seen & bit != 0 { return .duplicateField }
                seen |= bit
                if c.consume(UInt8(ascii: ",")) { continue loop }
                guard c.consume(UInt8(ascii: "}")) else { return .malformedJSON }
                break loop
            }
        }
        return seen & (2 | 4 | 8) == (2 | 4 | 8) ? nil : .missingField
    }

    /// Trade `data`: an array of `{"T","s","S","v","p","i","BT",...}` objects.
    func parseTrades(_ c: inout JSONCursor, spec: InstrumentSpec, receiveTime: Nanos,
                     trades: inout TradeBuffer) -> MarketDataParseError? {
        guard c.consume(UInt8(ascii: "[")) else { return c.typeMismatch() }
        if c.consume(UInt8(ascii: "]")) { return nil }
        while true {
            if let e = parseTrade(&c, spec: spec, receiveTime: receiveTime, trades: &trades) { return e }
            if c.consume(UInt8(ascii: ",")) { continue }
            return c.consume(UInt8(ascii: "]")) ? nil : .malformedJSON
        }
    }

    func parseTrade(_ c: inout JSONCursor, spec: InstrumentSpec, receiveTime: Nanos,
                    trades: inout TradeBuffer) -> MarketDataParseError? {
        guard c.consume(UInt8(ascii: "{")) else { return c.typeMismatch() }
        if c.consume(UInt8(ascii: "}")) { return .missingField }
        var seen: UInt8 = 0
        var time = Nanos.zero
        var side = Side.buy
        var quantity: Int64 = 0
        var price: Int64 = 0
        var id: UInt64 = 0
        var block = false
        var key = JSONKey()
        while true {
            if let e = c.readKey(&key) { return e }
            var bit: UInt8 = 0
            var failure: MarketDataParseError? = nil
            if key.length == 1 {
                switch UInt8(truncatingIfNeeded: key.word) {
                case UInt8(ascii: "T"):
                    bit = 1
                    failure = c.readMillisAsNanos(&time)
                case UInt8(ascii: "s"):
                    bit = 2
                    failure = checkSymbol(&c, spec: spec)
                case UInt8(ascii: "S"):
                    bit = 4
                    var start = c.p
                    var n = 0
                    failure = c.readPlainString(&start, &n)
                    if failure == nil {
                        if bytesEqual(start, n, "Buy") {
                            side = .buy
                        } else if bytesEqual(start, n, "Sell") {
                            side = .sell
                        } else {
                            failure = .invalidFieldValue
                        }
                    }
                case UInt8(ascii: "v"):
                    bit = 8
                    failure = c.readDecimal(places: spec.quantityScale.places, &quantity)
                case UInt8(ascii: "p"):
                    bit = 16
                    failure = c.readDecimal(places: spec.priceScale.places, &price)
                case UInt8(ascii: "i"):
                    bit = 32
                    var start = c.p
                    var n = 0
                    failure = c.readPlainString(&start, &n)
                    if failure == nil { id = BybitParser.tradeId(start, n) }
                default:
                    failure = c.skipValue(depth: 3)
                }
            } else if key.length == 2 && key.word == JSONKeyCode.BT {
                bit = 64
                failure = c.readBool(&block)
            } else {
                failure = c.skipValue(depth: 3)
            }
            if let failure { return failure }
            if seen & bit != 0 { return .duplicateField }
            seen |= bit
            if c.consume(UInt8(ascii: ",")) { continue }
            guard c.consume(UInt8(ascii: "}")) else { return .malformedJSON }
            break
        }
        guard seen & (1 | 4 | 8 | 16 | 32) == (1 | 4 | 8 | 16 | 32) else { return .missingField }
        let event = TradeEvent(instrument: spec.id, venue: spec.venue, aggressor: side, flags: block ? .blockTrade : [],
                               price: Price(raw: price), quantity: Quantity(raw: quantity), tradeId: id,
                               exchangeTime: time, receiveTime: receiveTime)
        return trades.append(event) ? nil : .tradeCapacityExceeded
    }

    /// `i` as a number when it is 1...20 digits that fit in UInt64, else its 64-bit FNV-1a hash.
    @inline(__always)
    static func tradeId(_ start: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var value: UInt64 = 0
        var numeric = n > 0 && n <= 20
        var i = 0
        // SAFETY: i < n, the string's length.
        while numeric && i < n {
            let d = start[i] &- 0x30
            if d >= 10 {
                numeric = false
                break
            }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { numeric = false }
            value = s
            i &+= 1
        }
        if numeric { return value }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        i = 0
        while i < n {
            h ^= UInt64(start[i])
            h = h &* 0x0000_0100_0000_01B3
            i &+= 1
        }
        return h
    }

    /// Second pass: the message kind from the topic (or `op`) and whatever `data` still needs.
    func evaluate(_ f: inout BybitFields, end: UnsafePointer<UInt8>, receiveTime: Nanos, levels: inout DepthLevelBuffer,
                  trades: inout TradeBuffer) -> ParsedMessage {
        switch f.kind {
        case .absent:
            return control(f, end: end)
        case .ticker:
            return .ignored(.ticker)
        case .kline:
            return .ignored(.kline)
        case .other:
            return .ignored(.otherStream)
        case .orderbook, .publicTrade:
            break
        }
        guard let spec = f.spec else { return .failure(.unknownSymbol) }
        guard let data = f.data else { return .failure(.missingField) }
        if !f.dataParsed {
            var c = JSONCursor(data, end: end)
            if let e = parseData(&c, &f, spec: spec, receiveTime: receiveTime, levels: &levels, trades: &trades) {
                return .failure(e)
            }
        }
        if f.kind == .publicTrade { return .trades(count: trades.count) }
        guard let typePosition = f.type else { return .failure(.missingField) }
        var c = JSONCursor(typePosition, end: end)
        var start = typePosition
        var n = 0
        if let e = c.readPlainString(&start, &n) { return .failure(e) }
        let kind: DepthUpdateKind
        if bytesEqual(start, n, "snapshot") {
            kind = .snapshot
        } else if bytesEqual(start, n, "delta") {
            kind = .diff
        } else {
            return .failure(.invalidFieldValue)
        }
        var exchangeTime = Nanos.zero
        if let ts = f.ts {
            c = JSONCursor(ts, end: end)
            if let e = c.readMillisAsNanos(&exchangeTime) { return .failure(e) }
        }
        return .depth(DepthUpdateHeader(
            instrument: spec.id, venue: spec.venue, kind: kind, firstUpdateId: f.updateId, finalUpdateId: f.updateId,
            previousFinalUpdateId: 0, sequence: f.sequence, exchangeTime: exchangeTime, receiveTime: receiveTime,
            bidCount: Int32(truncatingIfNeeded: levels.bidCount), askCount: Int32(truncatingIfNeeded: levels.askCount)))
    }

    /// A frame without a topic: a command response, keyed by `op`.
    func control(_ f: BybitFields, end: UnsafePointer<UInt8>) -> ParsedMessage {
        guard let opPosition = f.op else {
            return f.success != nil ? .control(.response) : .ignored(.unrecognized)
        }
        var c = JSONCursor(opPosition, end: end)
        var op = opPosition
        var n = 0
        if let e = c.readPlainString(&op, &n) { return .failure(e) }
        var success = true
        if let s = f.success {
            c = JSONCursor(s, end: end)
            if let e = c.readBool(&success) { return .failure(e) }
        }
        if bytesEqual(op, n, "subscribe") { return .control(success ? .subscribed : .subscribeFailed) }
        if bytesEqual(op, n, "unsubscribe") { return .control(.unsubscribed) }
        if bytesEqual(op, n, "pong") { return .control(.pong) }
        if bytesEqual(op, n, "ping") {
            if let r = f.retMsg {
                c = JSONCursor(r, end: end)
                var msg = r
                var m = 0
                if let e = c.readPlainString(&msg, &m) { return .failure(e) }
                if bytesEqual(msg, m, "pong") { return .control(.pong) }
            }
            return .control(.ping)
        }
        return .control(.response)
    }
}
