import HFTPrimitives
@testable import MarketData

// The libFuzzer target for the market-data path: venue frames → parser → book sync → book. Built only
// with `HFT_FUZZ=1` (`make fuzz`; Package.swift adds libFuzzer's coverage and AddressSanitizer): a
// debug build, so `@testable` reaches the parser's fast path.
//
// An input is a venue byte (`input[0] % 3`: Binance USD-M, Binance spot, Bybit) and then frames
// separated by `\n`; a Binance frame starting `{"lastUpdateId"` is a REST snapshot of instrument
// `input[0] / 3` (modulo the venue's instrument count). Each frame is
// copied into an allocation of exactly its size, so AddressSanitizer reports any read past its end
// (the parsers read whole words ahead). Per frame it checks:
// - the fast Binance path (`fastFrame`), where it answers, gives what the general walker gives
//   (message, levels, trades);
// - the feed ingests it without trapping, the book's invariants hold (checked every 8th mutation
//   and at the end of the input), and a book that is not stale has strictly ordered top levels with
//   positive quantities.
// Any failure traps, which libFuzzer reports with the input that caused it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarketData(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    MarketDataFuzz.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

enum MarketDataFuzz {
    static let usdm = [(symbol: "ETHUSDT", spec: spec(0, .binanceUsdm, 2, 3))]
    static let spot = [(symbol: "ETHUSDT", spec: spec(0, .binanceSpot, 2, 4)), (symbol: "NKNUSDT", spec: spec(1, .binanceSpot, 8, 1))]
    static let bybit = [(symbol: "BTCUSDT", spec: spec(0, .bybitSpot, 2, 6)), (symbol: "ETHUSDT", spec: spec(1, .bybitSpot, 2, 5)),
                        (symbol: "XRPUSDT", spec: spec(2, .bybitSpot, 4, 0))]

    /// How a Binance REST depth snapshot body starts.
    static let snapshotStart = Array(#"{"lastUpdateId""#.utf8)

    static func spec(_ id: UInt32, _ venue: VenueId, _ pricePlaces: Int, _ quantityPlaces: Int) -> InstrumentSpec {
        InstrumentSpec(id: InstrumentId(raw: id), venue: venue, priceScale: DecimalScale(places: pricePlaces),
                       quantityScale: DecimalScale(places: quantityPlaces))
    }

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let instruments: [(symbol: String, spec: InstrumentSpec)]
        switch input[0] % 3 {
        case 0: instruments = usdm
        case 1: instruments = spot
        default: instruments = bybit
        }
        let venue = instruments[0].spec.venue
        let binance = venue == .binanceUsdm || venue == .binanceSpot
        // Small buffers, so that inputs also reach the capacity limits.
        var feed = BookFeed(venue: venue, instruments: instruments,
                            book: OrderBookConfiguration(ladderTicks: 256, overflowCapacity: 64, invariantCheckInterval: 8),
                            levelsPerSide: 300, tradeCapacity: 16, bufferMessages: 8, bufferLevels: 512, oracleWindow: 4)
        let parser = BinanceParser(symbols: SymbolTable(instruments))
        var fastLevels = DepthLevelBuffer(capacityPerSide: 300), walkedLevels = DepthLevelBuffer(capacityPerSide: 300)
        var fastTrades = TradeBuffer(capacity: 16), walkedTrades = TradeBuffer(capacity: 16)
        let top = UnsafeMutableBufferPointer<DepthLevel>.allocate(capacity: 32)
        defer { top.deallocate() }

        var start = 1
        var time: Int64 = 1
        while start <= input.count {
            var end = start
            while end < input.count, input[end] != UInt8(ascii: "\n") { end += 1 }
            let count = end - start
            let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
            defer { frame.deallocate() }
            if count > 0 { frame.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start..<end]))) }
            let bytes = UnsafeRawBufferPointer(start: frame.baseAddress, count: count)
            start = end + 1
            time += 1_000
            guard count > 0 else { continue }

            if binance {
                checkFastPath(parser, bytes, receiveTime: Nanos(raw: time), &fastLevels, &fastTrades, &walkedLevels, &walkedTrades)
            }
            if binance, bytes.starts(with: snapshotStart) {
                _ = feed.ingestSnapshot(bytes, instrument: InstrumentId(raw: UInt32(input[0] / 3) % UInt32(instruments.count)),
                                        receiveTime: Nanos(raw: time))
            } else {
                _ = feed.ingest(bytes, receiveTime: Nanos(raw: time))
            }
            for i in 0..<instruments.count {
                let id = InstrumentId(raw: UInt32(i))
                guard !feed.isStale(id) else { continue }
                checkOrdered(top, count: feed.topLevels(id, .buy, into: top), descending: true)
                checkOrdered(top, count: feed.topLevels(id, .sell, into: top), descending: false)
            }
        }
        // A broken invariant stays broken: the book's own check every 8th mutation, and one at the end.
        for i in 0..<instruments.count { feed.withBook(InstrumentId(raw: UInt32(i))) { $0.book.checkInvariants() } }
    }

    /// Where `fastFrame` answers, the general walker must give the same message, levels and trades.
    static func checkFastPath(_ parser: BinanceParser, _ bytes: UnsafeRawBufferPointer, receiveTime: Nanos,
                              _ fastLevels: inout DepthLevelBuffer, _ fastTrades: inout TradeBuffer,
                              _ walkedLevels: inout DepthLevelBuffer, _ walkedTrades: inout TradeBuffer) {
        fastLevels.removeAll()
        fastTrades.removeAll()
        let begin = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard let fast = parser.fastFrame(begin, end: begin + bytes.count, receiveTime: receiveTime, levels: &fastLevels, trades: &fastTrades) else {
            return
        }
        let walked = parser.parseWalking(bytes, receiveTime: receiveTime, levels: &walkedLevels, trades: &walkedTrades)
        let text = String(decoding: bytes, as: UTF8.self)
        precondition(same(fast, walked), "fast path \(fast) != walker \(walked) on \(text)")
        if case .depth = fast {
            precondition(Array(fastLevels.bids) == Array(walkedLevels.bids) && Array(fastLevels.asks) == Array(walkedLevels.asks),
                         "fast path levels differ from the walker's on \(text)")
        }
        if case .trades = fast {
            precondition(Array(fastTrades.events) == Array(walkedTrades.events), "fast path trades differ from the walker's on \(text)")
        }
    }

    static func same(_ a: ParsedMessage, _ b: ParsedMessage) -> Bool {
        switch (a, b) {
        case (.depth(let x), .depth(let y)): return x == y
        case (.trades(let x), .trades(let y)): return x == y
        case (.bookTicker(let x), .bookTicker(let y)): return x == y
        default: return "\(a)" == "\(b)"
        }
    }

    /// A live book's top levels: prices strictly better first, every quantity positive.
    static func checkOrdered(_ top: UnsafeMutableBufferPointer<DepthLevel>, count: Int, descending: Bool) {
        for k in 0..<count {
            precondition(top[k].quantity.raw > 0, "level \(k) with quantity \(top[k].quantity.raw)")
            if k > 0 {
                let a = top[k - 1].price.raw, b = top[k].price.raw
                precondition(descending ? a > b : a < b, "levels \(k - 1) and \(k) out of order: \(a), \(b)")
            }
        }
    }
}
