import Foundation
import Testing
import HFTPrimitives
@testable import MarketData

@Suite struct ParserUnitTests {
    static func spec(_ id: UInt32, _ venue: VenueId = .binanceSpot, _ p: Int = 8, _ q: Int = 8) -> InstrumentSpec {
        InstrumentSpec(id: InstrumentId(raw: id), venue: venue, priceScale: DecimalScale(places: p), quantityScale: DecimalScale(places: q))
    }

    @Test func keyCodesMatchTheirKeys() {
        let codes: [(String, UInt64)] = [("pu", JSONKeyCode.pu), ("id", JSONKeyCode.id), ("op", JSONKeyCode.op), ("ts", JSONKeyCode.ts),
                                         ("BT", JSONKeyCode.BT), ("cts", JSONKeyCode.cts), ("seq", JSONKeyCode.seq), ("data", JSONKeyCode.data),
                                         ("bids", JSONKeyCode.bids), ("asks", JSONKeyCode.asks), ("type", JSONKeyCode.type),
                                         ("topic", JSONKeyCode.topic), ("error", JSONKeyCode.error), ("stream", JSONKeyCode.stream),
                                         ("result", JSONKeyCode.result), ("success", JSONKeyCode.success), ("ret_msg", JSONKeyCode.retMsg),
                                         ("lastUpdateId", JSONKeyCode.lastUpdateIdHead)]
        for (key, code) in codes { #expect(JSONKey.pack(key).word == code, "\(key)") }
        #expect(JSONKey.pack("lastUpdateId").tail == JSONKeyCode.lastUpdateIdTail)
    }

    @Test func symbolTableIsCaseInsensitiveAndExact() {
        var entries: [(symbol: String, spec: InstrumentSpec)] = []
        for i in 0..<300 { entries.append((symbol: "SYM\(i)USDT", spec: ParserUnitTests.spec(UInt32(i)))) }
        entries.append((symbol: "1000000BOBUSDT-PERPETUAL-XYZ123", spec: ParserUnitTests.spec(999)))
        let table = SymbolTable(entries)
        func find(_ s: String) -> UInt32? { Array(s.utf8).withUnsafeBytes { table.lookup($0)?.id.raw } }
        #expect(find("SYM7USDT") == 7)
        #expect(find("sym7usdt") == 7)
        #expect(find("Sym299UsDt") == 299)
        #expect(find("SYM300USDT") == nil)
        #expect(find("SYM7USD") == nil)
        #expect(find("SYM7USDT ") == nil)
        #expect(find("") == nil)
        #expect(find("1000000bobusdt-perpetual-xyz123") == 999)
        #expect(find(String(repeating: "A", count: 33)) == nil)
        #expect(table.specs.count == 301)
    }

    @Test func tradeBufferHoldsWhatItWasGiven() {
        var buffer = TradeBuffer(capacity: 2)
        let t = TradeEvent(instrument: InstrumentId(raw: 1), venue: .bybitSpot, aggressor: .buy, flags: [], price: Price(raw: 1),
                           quantity: Quantity(raw: 2), tradeId: 3, exchangeTime: .zero, receiveTime: .zero)
        #expect(buffer.append(t) && buffer.append(t) && !buffer.append(t))
        #expect(buffer.count == 2 && buffer[1] == t && buffer.events.count == 2)
        buffer.removeAll()
        #expect(buffer.count == 0)
    }

    @Test func binanceTradesControlAndStreamFallback() {
        let eth = ParserUnitTests.spec(1, .binanceUsdm, 2, 3)
        var h = ParserHarness(venue: .binanceUsdm, specs: ["ETHUSDT": eth])
        let liquidation = Array(#"{"e":"trade","E":2,"T":3,"s":"ETHUSDT","t":7,"p":"2681.62","q":"1.000","X":"INSURANCE_FUND","m":false}"#.utf8)
        guard case .trades(let trades) = h.fast(liquidation), let trade = trades.first else {
            Issue.record("no trade")
            return
        }
        #expect(trade.flags == .nonMarket && trade.aggressor == .buy && trade.tradeId == 7 && trade.exchangeTime == .milliseconds(3))
        let agg = Array(#"{"e":"aggTrade","E":2,"s":"ETHUSDT","a":9,"p":"1","q":"2","f":1,"l":2,"T":4,"m":true}"#.utf8)
        guard case .trades(let aggs) = h.fast(agg), let a = aggs.first else {
            Issue.record("no aggTrade")
            return
        }
        #expect(a.flags == .aggregated && a.aggressor == .sell && a.tradeId == 9 && a.price.raw == 100 && a.quantity.raw == 2_000)
        #expect(h.fast(Array(#"{"result":null,"id":1}"#.utf8)) == .control(.response))
        #expect(h.fast(Array(#"{"error":{"code":2,"msg":"Invalid request"},"id":1}"#.utf8)) == .control(.venueError))
        #expect(h.fast(Array(#"{"stream":"ethusdt@markPrice","data":{"e":"markPriceUpdate","E":1,"s":"ETHUSDT","p":"1"}}"#.utf8)) == .ignored(.otherStream))
        #expect(h.fast(Array(#"{"stream":"!ticker@arr","data":[{"e":"24hrTicker"}]}"#.utf8)) == .ignored(.otherStream))
        #expect(h.fast(Array(#"{"lastUpdateId":1,"bids":[],"asks":[]}"#.utf8)) == .ignored(.restSnapshot))
        // No `s`: the symbol comes from the stream name, wherever `stream` is in the wrapper.
        for frame in [#"{"stream":"ethusdt@bookTicker","data":{"u":5,"b":"1.00","B":"2.000","a":"1.01","A":"3.000"}}"#,
                      #"{"data":{"u":5,"b":"1.00","B":"2.000","a":"1.01","A":"3.000"},"stream":"ethusdt@bookTicker"}"#] {
            guard case .bookTicker(let t) = h.fast(Array(frame.utf8)) else {
                Issue.record("no bookTicker from \(frame)")
                continue
            }
            #expect(t.instrument == eth.id && t.updateId == 5 && t.bidPrice.raw == 100 && t.askQuantity.raw == 3_000)
        }
    }

    @Test func bybitControlAndTradeIds() {
        var h = ParserHarness(venue: .bybitLinear, specs: ["BTCUSDT": ParserUnitTests.spec(1, .bybitLinear, 2, 3)])
        #expect(h.fast(Array(#"{"success":true,"ret_msg":"","conn_id":"x","op":"subscribe"}"#.utf8)) == .control(.subscribed))
        #expect(h.fast(Array(#"{"success":false,"ret_msg":"error:handler not found","conn_id":"x","op":"subscribe"}"#.utf8)) == .control(.subscribeFailed))
        #expect(h.fast(Array(#"{"req_id":"1","op":"pong","args":["1672916271846"],"conn_id":"x"}"#.utf8)) == .control(.pong))
        #expect(h.fast(Array(#"{"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"}"#.utf8)) == .control(.pong))
        #expect(h.fast(Array(#"{"topic":"tickers.BTCUSDT","ts":1,"type":"snapshot","data":{}}"#.utf8)) == .ignored(.ticker))
        #expect(h.fast(Array(#"{"topic":"liquidation.BTCUSDT","ts":1,"type":"snapshot","data":{}}"#.utf8)) == .ignored(.otherStream))
        let uuid = "a1e34f5d-5e2e-5a4d-8f6c-2b0f1f0b0c11"
        let frame = #"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[{"T":5,"s":"BTCUSDT","S":"Sell","v":"0.001","p":"75916.60","L":"MinusTick","i":"\#(uuid)","BT":true},{"i":"123","T":6,"p":"1","v":"2","S":"Buy"}]}"#
        guard case .trades(let trades) = h.fast(Array(frame.utf8)), trades.count == 2 else {
            Issue.record("no trades")
            return
        }
        #expect(trades[0].tradeId == ReferenceDecoder.bybitTradeId(uuid) && trades[0].flags == .blockTrade && trades[0].aggressor == .sell)
        #expect(trades[0].price.raw == 7_591_660 && trades[0].quantity.raw == 1 && trades[0].exchangeTime == .milliseconds(5))
        #expect(trades[1].tradeId == 123 && trades[1].flags == [] && trades[1].aggressor == .buy)
        let mismatch = #"{"topic":"orderbook.1.BTCUSDT","type":"delta","ts":1,"data":{"s":"ETHUSDT","b":[],"a":[],"u":2,"seq":3}}"#
        #expect(h.parsed(Array(mismatch.utf8)).failureCode == .symbolMismatch)
        let badType = #"{"topic":"orderbook.1.BTCUSDT","type":"weird","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":2}}"#
        #expect(h.parsed(Array(badType.utf8)).failureCode == .invalidFieldValue)
        let dataFirst = #"{"data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2,"seq":3},"type":"snapshot","topic":"orderbook.50.BTCUSDT","ts":7}"#
        guard case .depth(let header, let bids, _) = h.fast(Array(dataFirst.utf8)) else {
            Issue.record("no depth when data precedes topic")
            return
        }
        #expect(header.kind == .snapshot && header.finalUpdateId == 2 && header.sequence == 3 && bids.first?.price.raw == 150)
    }

    @Test func scaleInferenceReadsTheMostFractionDigits() throws {
        let body = Array(#"{"lastUpdateId":1,"bids":[["0.35210000","672.00"],["1.5","3"]],"asks":[["0.4","1.123"]]}"#.utf8)
        let spec = try #require(body.withUnsafeBytes { ScaleInference.infer(fromSnapshot: $0, id: InstrumentId(raw: 4), venue: .binanceSpot) })
        #expect(spec.priceScale.places == 8 && spec.quantityScale.places == 3)
        var inference = ScaleInference()
        let bybit = Array(#"{"topic":"orderbook.1.X","type":"delta","ts":1,"data":{"s":"X","b":[["65140.4","0.875077"]],"a":[]}}"#.utf8)
        #expect(bybit.withUnsafeBytes { inference.observe($0) })
        #expect(inference.priceScale.places == 1 && inference.quantityScale.places == 6 && inference.levelCount == 1)
        #expect(!Array("{".utf8).withUnsafeBytes { inference.observe($0) })
        // Every real snapshot: the inferred scales parse that snapshot exactly.
        for file in try MarketDataFiles.all() where file.isBinance {
            for frame in try file.frames() {
                guard case .restSnapshot = frame.kind else { continue }
                let spec = try #require(frame.withBytes { ScaleInference.infer(fromSnapshot: $0, id: InstrumentId(raw: 1), venue: file.venue) })
                var h = ParserHarness(venue: file.venue, specs: ["X": spec])
                let fast = h.fastSnapshot(frame.bytes, spec: spec)
                #expect(fast.isMarketData && fast == h.reference.binanceSnapshot(frame.bytes, spec: spec, receiveTime: Nanos(raw: 7)))
            }
        }
    }
}

extension ParsedMessage {
    var failureCode: MarketDataParseError? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
