import HFTPrimitives

extension BinanceParser {
    /// Second pass: decides the message kind from the recorded fields and decodes what it needs.
    func evaluate(_ f: inout BinanceFields, end: UnsafePointer<UInt8>, stream: UnsafeRawBufferPointer?, receiveTime: Nanos,
                  levels: inout DepthLevelBuffer, trades: inout TradeBuffer) -> ParsedMessage {
        switch f.kind {
        case .absent:
            if f.lastUpdateId != nil { return .ignored(.restSnapshot) }
            if f.error != nil { return .control(.venueError) }
            if f.result != nil { return .control(.response) }
            if f.u != nil && f.b != nil && f.a != nil && f.B != nil && f.A != nil {
                return bookTicker(&f, end: end, stream: stream, receiveTime: receiveTime)
            }
            return .ignored(.unrecognized)
        case .depthUpdate:
            return depthUpdate(&f, end: end, stream: stream, receiveTime: receiveTime, levels: &levels)
        case .trade, .aggTrade:
            return trade(&f, end: end, stream: stream, receiveTime: receiveTime, trades: &trades)
        case .bookTicker:
            return bookTicker(&f, end: end, stream: stream, receiveTime: receiveTime)
        case .kline:
            return .ignored(.kline)
        case .ticker:
            return .ignored(.ticker)
        case .other:
            return .ignored(.otherStream)
        }
    }

    /// The instrument from `s`, else from the stream name's prefix before `@`.
    @inline(__always)
    func instrument(_ f: BinanceFields, stream: UnsafeRawBufferPointer?, _ spec: inout InstrumentSpec) -> MarketDataParseError? {
        if let s = f.spec {
            spec = s
            return nil
        }
        if let e = f.symbolError { return e }
        guard let stream, stream.count > 0 else { return .missingField }
        var n = 0
        while n < stream.count && stream[n] != UInt8(ascii: "@") { n &+= 1 }
        guard let s = symbols.lookup(UnsafeRawBufferPointer(rebasing: stream[0..<n])) else { return .unknownSymbol }
        spec = s
        return nil
    }

    func depthUpdate(_ f: inout BinanceFields, end: UnsafePointer<UInt8>, stream: UnsafeRawBufferPointer?, receiveTime: Nanos,
                     levels: inout DepthLevelBuffer) -> ParsedMessage {
        guard let uFirst = f.U, let uFinal = f.u, let b = f.b, let a = f.a else { return .failure(.missingField) }
        var spec = InstrumentSpec.placeholder
        if let e = instrument(f, stream: stream, &spec) { return .failure(e) }
        var first: UInt64 = 0
        var final: UInt64 = 0
        var previous: UInt64 = 0
        var exchangeTime = Nanos.zero
        if let e = integer(f.integers.U, f.integers.valid & 4 != 0, at: uFirst, end: end, &first) { return .failure(e) }
        if let e = integer(f.integers.u, f.integers.valid & 8 != 0, at: uFinal, end: end, &final) { return .failure(e) }
        if let pu = f.pu, let e = integer(f.integers.pu, f.integers.valid & 16 != 0, at: pu, end: end, &previous) {
            return .failure(e)
        }
        if let E = f.E, let e = millis(f.integers.E, f.integers.valid & 1 != 0, at: E, end: end, &exchangeTime) {
            return .failure(e)
        }
        if !f.bidsParsed, let e = readLevels(at: b, end: end, side: .buy, spec: spec, levels: &levels) { return .failure(e) }
        if !f.asksParsed, let e = readLevels(at: a, end: end, side: .sell, spec: spec, levels: &levels) { return .failure(e) }
        return .depth(DepthUpdateHeader(
            instrument: spec.id, venue: spec.venue, kind: .diff, firstUpdateId: first, finalUpdateId: final,
            previousFinalUpdateId: previous, sequence: 0, exchangeTime: exchangeTime, receiveTime: receiveTime,
            bidCount: Int32(truncatingIfNeeded: levels.bidCount), askCount: Int32(truncatingIfNeeded: levels.askCount)))
    }

    /// An integer field: the value the first pass read, else read again at `position` (reporting why it is not one).
    @inline(__always)
    func integer(_ value: UInt64, _ valid: Bool, at position: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>,
                 _ out: inout UInt64) -> MarketDataParseError? {
        if valid {
            out = value
            return nil
        }
        var c = JSONCursor(position, end: end)
        return c.readUInt64(&out)
    }

    /// A millisecond field as Unix ns: the value the first pass read, else read again at `position`.
    @inline(__always)
    func millis(_ value: UInt64, _ valid: Bool, at position: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>,
                _ out: inout Nanos) -> MarketDataParseError? {
        if valid {
            guard value <= UInt64(Int64.max / 1_000_000) else { return .numberOverflow }
            out = Nanos(raw: Int64(value) &* 1_000_000)
            return nil
        }
        var c = JSONCursor(position, end: end)
        return c.readMillisAsNanos(&out)
    }

    func trade(_ f: inout BinanceFields, end: UnsafePointer<UInt8>, stream: UnsafeRawBufferPointer?, receiveTime: Nanos,
               trades: inout TradeBuffer) -> ParsedMessage {
        let aggregated = f.kind == .aggTrade
        guard let idPosition = aggregated ? f.a : f.t, let p = f.p, let q = f.q, let T = f.T, let m = f.m else {
            return .failure(.missingField)
        }
        var spec = InstrumentSpec.placeholder
        if let e = instrument(f, stream: stream, &spec) { return .failure(e) }
        var id: UInt64 = 0
        var price: Int64 = 0
        var quantity: Int64 = 0
        var time = Nanos.zero
        var buyerIsMaker = false
        var c = JSONCursor(idPosition, end: end)
        if let e = c.readUInt64(&id) { return .failure(e) }
        c = JSONCursor(p, end: end)
        if let e = c.readDecimal(places: spec.priceScale.places, &price) { return .failure(e) }
        c = JSONCursor(q, end: end)
        if let e = c.readDecimal(places: spec.quantityScale.places, &quantity) { return .failure(e) }
        if let e = millis(f.integers.T, f.integers.valid & 2 != 0, at: T, end: end, &time) { return .failure(e) }
        c = JSONCursor(m, end: end)
        if let e = c.readBool(&buyerIsMaker) { return .failure(e) }
        var flags: TradeFlags = aggregated ? .aggregated : []
        if let X = f.X {
            c = JSONCursor(X, end: end)
            var start = X
            var n = 0
            if let e = c.readPlainString(&start, &n) { return .failure(e) }
            if !bytesEqual(start, n, "MARKET") { flags.insert(.nonMarket) }
        }
        let event = TradeEvent(instrument: spec.id, venue: spec.venue, aggressor: buyerIsMaker ? .sell : .buy, flags: flags,
                               price: Price(raw: price), quantity: Quantity(raw: quantity), tradeId: id,
                               exchangeTime: time, receiveTime: receiveTime)
        guard trades.append(event) else { return .failure(.tradeCapacityExceeded) }
        return .trades(count: 1)
    }

    func bookTicker(_ f: inout BinanceFields, end: UnsafePointer<UInt8>, stream: UnsafeRawBufferPointer?,
                    receiveTime: Nanos) -> ParsedMessage {
        guard let u = f.u, let b = f.b, let B = f.B, let a = f.a, let A = f.A else { return .failure(.missingField) }
        var spec = InstrumentSpec.placeholder
        if let e = instrument(f, stream: stream, &spec) { return .failure(e) }
        var updateId: UInt64 = 0
        var bidPrice: Int64 = 0
        var bidQuantity: Int64 = 0
        var askPrice: Int64 = 0
        var askQuantity: Int64 = 0
        var exchangeTime = Nanos.zero
        if let e = integer(f.integers.u, f.integers.valid & 8 != 0, at: u, end: end, &updateId) { return .failure(e) }
        var c = JSONCursor(b, end: end)
        if let e = c.readDecimal(places: spec.priceScale.places, &bidPrice) { return .failure(e) }
        c = JSONCursor(B, end: end)
        if let e = c.readDecimal(places: spec.quantityScale.places, &bidQuantity) { return .failure(e) }
        c = JSONCursor(a, end: end)
        if let e = c.readDecimal(places: spec.priceScale.places, &askPrice) { return .failure(e) }
        c = JSONCursor(A, end: end)
        if let e = c.readDecimal(places: spec.quantityScale.places, &askQuantity) { return .failure(e) }
        if let E = f.E, let e = millis(f.integers.E, f.integers.valid & 1 != 0, at: E, end: end, &exchangeTime) {
            return .failure(e)
        }
        return .bookTicker(BookTickerEvent(
            instrument: spec.id, venue: spec.venue, updateId: updateId, bidPrice: Price(raw: bidPrice),
            bidQuantity: Quantity(raw: bidQuantity), askPrice: Price(raw: askPrice), askQuantity: Quantity(raw: askQuantity),
            exchangeTime: exchangeTime, receiveTime: receiveTime))
    }
}

extension InstrumentSpec {
    /// A value to initialise a local before the real instrument is assigned (never returned to callers).
    static var placeholder: InstrumentSpec {
        InstrumentSpec(id: InstrumentId(raw: 0), venue: .paper, priceScale: DecimalScale(places: 0), quantityScale: DecimalScale(places: 0))
    }
}
