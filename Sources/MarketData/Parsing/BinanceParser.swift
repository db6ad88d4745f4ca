import HFTPrimitives

/// Decodes Binance spot and USD-M market-data frames (raw streams and the combined-stream wrapper
/// `{"stream":"<name>","data":{...}}`) and REST depth snapshot bodies.
///
/// Fields are read by key in any order; unknown fields are skipped with validation. Prices and
/// quantities are parsed exactly at the instrument's scales; `E`/`T` (ms) become Unix ns.
/// Handles `depthUpdate` (`U`, `u`, `pu` when present, `E`, `b`, `a`), `trade` (`m == true` →
/// `.sell` aggressor; USD-M `X != "MARKET"` → `.nonMarket`), `aggTrade` (`.aggregated`), and
/// `bookTicker` (spot without `e`; USD-M with `e`, `E`, `T`).
///
/// - Complexity: O(frame bytes), one pass when the venue's usual key order holds (`e` and `s`
///   before `b`/`a`), else a second pass over the fields that came too early. Never allocates,
///   throws, traps or uses floating point, on any input.
public struct BinanceParser: Sendable {
    /// The instruments this parser resolves `s` (or the stream name) against.
    public let symbols: SymbolTable

    public init(symbols: SymbolTable) {
        self.symbols = symbols
    }

    /// Decodes one websocket frame. `levels` and `trades` are cleared first and receive the levels
    /// of a `.depth` and the trades of a `.trades` result. A REST snapshot body returns
    /// `.ignored(.restSnapshot)`: use `parseDepthSnapshot`.
    ///
    /// Frames in the form Binance sends them take `fastFrame` (no key dispatch for the wrapper or a
    /// depth diff); any other frame, or one that path does not take, is walked key by key
    /// (`parseWalking`), with the same result.
    public func parse(_ frame: UnsafeRawBufferPointer, receiveTime: Nanos, levels: inout DepthLevelBuffer,
                      trades: inout TradeBuffer) -> ParsedMessage {
        levels.removeAll()
        trades.removeAll()
        guard let base = frame.baseAddress, frame.count > 0 else { return .failure(.emptyFrame) }
        // SAFETY: the frame's bytes are only read, as UInt8, within [base, base + count).
        let start = base.assumingMemoryBound(to: UInt8.self)
        if let message = fastFrame(start, end: start + frame.count, receiveTime: receiveTime, levels: &levels, trades: &trades) {
            return message
        }
        return parseWalking(frame, receiveTime: receiveTime, levels: &levels, trades: &trades)
    }

    /// `parse` by the general walker only: fields by key in any order, whitespace anywhere, unknown
    /// fields skipped with validation. Clears `levels` and `trades` first.
    func parseWalking(_ frame: UnsafeRawBufferPointer, receiveTime: Nanos, levels: inout DepthLevelBuffer,
                      trades: inout TradeBuffer) -> ParsedMessage {
        levels.removeAll()
        trades.removeAll()
        guard let base = frame.baseAddress, frame.count > 0 else { return .failure(.emptyFrame) }
        // SAFETY: the frame's bytes are only read, as UInt8, within [base, base + count).
        let start = base.assumingMemoryBound(to: UInt8.self)
        let end = start + frame.count
        var c = JSONCursor(start, end: end)
        var top = BinanceFields()
        var inner: ParsedMessage? = nil
        var step = walk(&c, &top, depth: 1, topLevel: true, snapshot: nil, resume: false, levels: &levels)
        while case .data = step {
            // Combined-stream wrapper with `stream` already seen: decode the payload in place, then resume.
            inner = parsePayload(&c, stream: top.stream, receiveTime: receiveTime, levels: &levels, trades: &trades)
            if case .failure(let e) = inner { return .failure(e) }
            step = walk(&c, &top, depth: 1, topLevel: true, snapshot: nil, resume: true, levels: &levels)
        }
        if case .error(let e) = step { return .failure(e) }
        guard c.atEndAfterWhitespace() else { return .failure(.malformedJSON) }
        if let dataPosition = top.data {
            // Combined-stream wrapper: the payload is the message; payload keys beside it are refused.
            if top.payloadSeen { return .failure(.malformedJSON) }
            if let inner { return inner }
            var d = JSONCursor(dataPosition, end: end)
            guard d.peek() == UInt8(ascii: "{") else { return .ignored(.otherStream) }
            return parsePayload(&d, stream: top.stream, receiveTime: receiveTime, levels: &levels, trades: &trades)
        }
        return evaluate(&top, end: end, stream: nil, receiveTime: receiveTime, levels: &levels, trades: &trades)
    }

    /// Decodes a REST depth snapshot body (`GET /api/v3/depth`, `/fapi/v1/depth`), which carries no symbol:
    /// `{"lastUpdateId":..,("E":..,"T":..,)"bids":[[p,q],..],"asks":[..]}` → `.depth` with kind `.snapshot`,
    /// `firstUpdateId == finalUpdateId == lastUpdateId`, and `exchangeTime` = `E` (USD-M) or 0 (spot).
    public func parseDepthSnapshot(_ body: UnsafeRawBufferPointer, instrument: InstrumentSpec, receiveTime: Nanos,
                                   levels: inout DepthLevelBuffer) -> ParsedMessage {
        levels.removeAll()
        guard let base = body.baseAddress, body.count > 0 else { return .failure(.emptyFrame) }
        // SAFETY: the body's bytes are only read, as UInt8, within [base, base + count).
        let start = base.assumingMemoryBound(to: UInt8.self)
        let end = start + body.count
        var c = JSONCursor(start, end: end)
        var f = BinanceFields()
        if case .error(let e) = walk(&c, &f, depth: 1, topLevel: false, snapshot: instrument, resume: false, levels: &levels) {
            return .failure(e)
        }
        guard c.atEndAfterWhitespace() else { return .failure(.malformedJSON) }
        guard let lastUpdateIdPosition = f.lastUpdateId, let bidsPosition = f.bids, let asksPosition = f.asks else {
            return .failure(.missingField)
        }
        var lastUpdateId: UInt64 = 0
        var r = JSONCursor(lastUpdateIdPosition, end: end)
        if let e = r.readUInt64(&lastUpdateId) { return .failure(e) }
        var exchangeTime = Nanos.zero
        if let p = f.E {
            r = JSONCursor(p, end: end)
            if let e = r.readMillisAsNanos(&exchangeTime) { return .failure(e) }
        }
        if !f.bidsParsed, let e = readLevels(at: bidsPosition, end: end, side: .buy, spec: instrument, levels: &levels) {
            return .failure(e)
        }
        if !f.asksParsed, let e = readLevels(at: asksPosition, end: end, side: .sell, spec: instrument, levels: &levels) {
            return .failure(e)
        }
        return .depth(DepthUpdateHeader(
            instrument: instrument.id, venue: instrument.venue, kind: .snapshot, firstUpdateId: lastUpdateId,
            finalUpdateId: lastUpdateId, previousFinalUpdateId: 0, sequence: 0, exchangeTime: exchangeTime,
            receiveTime: receiveTime, bidCount: Int32(truncatingIfNeeded: levels.bidCount),
            askCount: Int32(truncatingIfNeeded: levels.askCount)))
    }
}
