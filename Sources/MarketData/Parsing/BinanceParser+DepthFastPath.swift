import HFTPrimitives

extension BinanceParser {
    /// The frame in the form Binance sends, decoded without the general walker's key dispatch: the
    /// combined-stream wrapper `{"stream":"<name>","data":{...}}` (no whitespace, no other keys)
    /// around any payload, the payload decoded by `fastDepthPayload` when it is a depth diff in
    /// Binance's own key order, else by `parsePayload`; or a raw payload that `fastDepthPayload` takes.
    ///
    /// Returns nil on anything else, having possibly written levels or trades: the caller clears them
    /// and runs the general walker from the start. Wherever this answers, the general walker gives the
    /// same result (it would meet the same keys in the same order; checked on every real message and
    /// on rewritten variants by `ParserDepthFastPathTests`).
    @inline(__always)
    func fastFrame(_ start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, receiveTime: Nanos,
                   levels: inout DepthLevelBuffer, trades: inout TradeBuffer) -> ParsedMessage? {
        // SAFETY: every literal is compared only with 8 readable bytes (`DepthLiteral.at`); close[9]
        // only when below end.
        guard DepthLiteral.at(start, end, DepthLiteral.streamHead, length: 8) else {
            var c = JSONCursor(start, end: end)
            guard let message = fastDepthPayload(&c, depth: 1, receiveTime: receiveTime, levels: &levels), c.p == end else {
                return nil
            }
            return message
        }
        guard DepthLiteral.at(start + 8, end, DepthLiteral.streamTail, length: 3),
              let close = DepthLiteral.plainStringEnd(start + 11, end),
              DepthLiteral.at(close + 1, end, DepthLiteral.data, length: 8),
              end - close > 9, close[9] == UInt8(ascii: "{") else { return nil }
        let stream = UnsafeRawBufferPointer(start: start + 11, count: close - (start + 11))
        var c = JSONCursor(close + 9, end: end)
        var message: ParsedMessage
        if let depth = fastDepthPayload(&c, depth: 2, receiveTime: receiveTime, levels: &levels) {
            message = depth
        } else {
            levels.removeAll()
            c = JSONCursor(close + 9, end: end)
            message = parsePayload(&c, stream: stream, receiveTime: receiveTime, levels: &levels, trades: &trades)
            if case .failure = message { return message }
        }
        // SAFETY: dereferenced only below end.
        guard c.p < end, c.p[0] == UInt8(ascii: "}"), c.p + 1 == end else { return nil }
        return message
    }

    /// A depth diff payload in Binance's own form at the cursor:
    /// `{"e":"depthUpdate","E":n,("T":n,)"s":"<symbol>","U":n,"u":n,("pu":n,)"b":[..],"a":[..]}`,
    /// those keys in that order, no other keys, no whitespace between them, a known symbol and plain
    /// integers; the level arrays are read by `JSONCursor.readLevels` (any valid form). Leaves the
    /// cursor after the payload's `}`. `depth` is the payload object's nesting (1 raw, 2 wrapped).
    ///
    /// Returns nil on anything else (other kinds, key orders, extra keys, whitespace, any error),
    /// having possibly written levels.
    /// - Complexity: O(payload bytes); one predictable compare per key instead of a key dispatch.
    @inline(__always)
    func fastDepthPayload(_ c: inout JSONCursor, depth: Int, receiveTime: Nanos, levels: inout DepthLevelBuffer) -> ParsedMessage? {
        let end = c.end
        let p = c.p
        guard DepthLiteral.at(p, end, DepthLiteral.eventHead, length: 8),
              DepthLiteral.at(p + 8, end, DepthLiteral.eventMiddle, length: 8),
              DepthLiteral.at(p + 16, end, DepthLiteral.eventTail, length: 7) else { return nil }
        c.p = p + 23
        var eventTime: UInt64 = 0
        var first: UInt64 = 0
        var final: UInt64 = 0
        var previous: UInt64 = 0
        var ignored: UInt64 = 0
        guard c.readUInt64(&eventTime) == nil, eventTime <= UInt64(Int64.max / 1_000_000) else { return nil }
        if DepthLiteral.at(c.p, end, DepthLiteral.transactionTime, length: 5) {
            c.p += 5
            guard c.readUInt64(&ignored) == nil else { return nil }
        }
        guard DepthLiteral.at(c.p, end, DepthLiteral.symbol, length: 6),
              let symbolEnd = DepthLiteral.plainStringEnd(c.p + 6, end),
              let spec = symbols.lookup(UnsafeRawBufferPointer(start: c.p + 6, count: symbolEnd - (c.p + 6))),
              DepthLiteral.at(symbolEnd, end, DepthLiteral.firstUpdateId, length: 6) else { return nil }
        c.p = symbolEnd + 6
        guard c.readUInt64(&first) == nil, DepthLiteral.at(c.p, end, DepthLiteral.finalUpdateId, length: 5) else {
            return nil
        }
        c.p += 5
        guard c.readUInt64(&final) == nil else { return nil }
        if DepthLiteral.at(c.p, end, DepthLiteral.previousUpdateId, length: 6) {
            c.p += 6
            guard c.readUInt64(&previous) == nil else { return nil }
        }
        guard DepthLiteral.at(c.p, end, DepthLiteral.bids, length: 5) else { return nil }
        c.p += 5
        guard readLevels(&c, side: .buy, spec: spec, depth: depth, levels: &levels) == nil,
              DepthLiteral.at(c.p, end, DepthLiteral.asks, length: 5) else { return nil }
        c.p += 5
        // SAFETY: the closing brace is read only below end.
        guard readLevels(&c, side: .sell, spec: spec, depth: depth, levels: &levels) == nil,
              c.p < end, c.p[0] == UInt8(ascii: "}") else { return nil }
        c.p += 1
        return .depth(DepthUpdateHeader(
            instrument: spec.id, venue: spec.venue, kind: .diff, firstUpdateId: first, finalUpdateId: final,
            previousFinalUpdateId: previous, sequence: 0, exchangeTime: Nanos(raw: Int64(eventTime) &* 1_000_000),
            receiveTime: receiveTime, bidCount: Int32(truncatingIfNeeded: levels.bidCount),
            askCount: Int32(truncatingIfNeeded: levels.askCount)))
    }

    /// The fixed byte runs of a Binance depth diff, packed little-endian (at most 8 bytes each, see
    /// `BinanceParser.fastDepthDiff`; checked against their text by `ParserDepthFastPathTests`).
    enum DepthLiteral {
        /// `{"stream` then `":"`.
        static let streamHead: UInt64 = 0x6D61_6572_7473_227B
        static let streamTail: UInt64 = 0x22_3A22
        /// `","data":` minus its leading quote: `,"data":`.
        static let data: UInt64 = 0x3A22_6174_6164_222C
        /// `{"e":"depthUpdate","E":` in three runs: `{"e":"de`, `pthUpdat`, `e","E":`.
        static let eventHead: UInt64 = 0x6564_223A_2265_227B
        static let eventMiddle: UInt64 = 0x7461_6470_5568_7470
        static let eventTail: UInt64 = 0x3A_2245_222C_2265
        /// `,"T":`
        static let transactionTime: UInt64 = 0x3A_2254_222C
        /// `,"s":"`
        static let symbol: UInt64 = 0x223A_2273_222C
        /// `","U":` (from the symbol's closing quote)
        static let firstUpdateId: UInt64 = 0x3A22_5522_2C22
        /// `,"u":`
        static let finalUpdateId: UInt64 = 0x3A_2275_222C
        /// `,"pu":`
        static let previousUpdateId: UInt64 = 0x3A22_7570_222C
        /// `,"b":`
        static let bids: UInt64 = 0x3A_2262_222C
        /// `,"a":`
        static let asks: UInt64 = 0x3A_2261_222C

        /// True when the `length` (≤ 8) bytes at `p` are `packed`; false when fewer than 8 bytes remain
        /// (every literal above is followed by at least that much in a frame that can match).
        @inline(__always)
        static func at(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ packed: UInt64, length: Int) -> Bool {
            // SAFETY: reads p[0..<8] only when 8 bytes remain.
            end - p >= 8 && JSONCursor.load64(UnsafeRawPointer(p)) & JSONCursor.lowBytes(length) == packed
        }

        /// The closing quote of the string whose content starts at `s`, if it has no escape or control
        /// byte and is found by whole-word reads (else nil: the general walker decides).
        @inline(__always)
        static func plainStringEnd(_ s: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
            var q = s
            // SAFETY: whole words are read only while 8 bytes remain.
            while end - q >= 8 {
                let stops = JSONCursor.keyStops(JSONCursor.load64(UnsafeRawPointer(q)))
                if stops != 0 {
                    let close = q + (stops.trailingZeroBitCount &>> 3)
                    return close[0] == UInt8(ascii: "\"") ? close : nil
                }
                q += 8
            }
            return nil
        }
    }
}
