import HFTPrimitives

/// Decodes Bybit v5 public websocket frames (spot, linear, inverse share the schema).
///
/// Handles `orderbook.{1,50,200,500,...}.<SYMBOL>` `snapshot`/`delta` (`data.s`, `data.b`, `data.a`,
/// `data.u`, `data.seq`, `ts`; `cts` is accepted and not used), `publicTrade.<SYMBOL>` (each entry's
/// `T`, `s`, `S` = taker side, `v`, `p`, `i`, `BT == true` → `.blockTrade`), subscribe acks and pongs
/// (`{"op":"pong",...}` and the spot form `{"op":"ping","ret_msg":"pong",...}`); `tickers.*`,
/// `kline.*` and other topics are `.ignored`.
///
/// The instrument comes from the topic; a `data.s`/trade `s` that names another instrument is
/// `.symbolMismatch`. Depth headers carry `firstUpdateId == finalUpdateId == u`, `sequence = seq`
/// and `exchangeTime = ts` (the push time, like Binance `E`). Trade ids: `i` as a number when it is
/// all digits and fits in UInt64, else the 64-bit FNV-1a hash of its bytes (deterministic).
///
/// - Complexity: O(frame bytes); one pass when `topic` precedes `data` (always, on the wire), else
///   two. Never allocates, throws, traps or uses floating point, on any input.
public struct BybitParser: Sendable {
    /// The instruments this parser resolves topics against.
    public let symbols: SymbolTable

    public init(symbols: SymbolTable) {
        self.symbols = symbols
    }

    /// Decodes one websocket frame. `levels` and `trades` are cleared first and receive the levels
    /// of a `.depth` and the trades of a `.trades` result.
    public func parse(_ frame: UnsafeRawBufferPointer, receiveTime: Nanos, levels: inout DepthLevelBuffer,
                      trades: inout TradeBuffer) -> ParsedMessage {
        levels.removeAll()
        trades.removeAll()
        guard let base = frame.baseAddress, frame.count > 0 else { return .failure(.emptyFrame) }
        // SAFETY: the frame's bytes are only read, as UInt8, within [base, base + count).
        let start = base.assumingMemoryBound(to: UInt8.self)
        let end = start + frame.count
        var c = JSONCursor(start, end: end)
        var f = BybitFields()
        if let e = walk(&c, &f, receiveTime: receiveTime, levels: &levels, trades: &trades) { return .failure(e) }
        guard c.atEndAfterWhitespace() else { return .failure(.malformedJSON) }
        return evaluate(&f, end: end, receiveTime: receiveTime, levels: &levels, trades: &trades)
    }
}
