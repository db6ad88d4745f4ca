import Foundation
import HFTPrimitives
@testable import MarketData

/// A decoded message in plain values, to compare the fast parsers with the reference decoder.
enum ReferenceMessage: Equatable, CustomStringConvertible {
    case depth(DepthUpdateHeader, bids: [DepthLevel], asks: [DepthLevel])
    case trades([TradeEvent])
    case bookTicker(BookTickerEvent)
    case control(ControlMessage)
    case ignored(IgnoredKind)
    case failure

    /// The fast parser's result with its buffers' contents.
    init(_ parsed: ParsedMessage, levels: borrowing DepthLevelBuffer, trades: borrowing TradeBuffer) {
        switch parsed {
        case .depth(let h): self = .depth(h, bids: Array(levels.bids), asks: Array(levels.asks))
        case .trades(let n): self = .trades((0..<n).map { trades[$0] })
        case .bookTicker(let t): self = .bookTicker(t)
        case .control(let c): self = .control(c)
        case .ignored(let k): self = .ignored(k)
        case .failure: self = .failure
        }
    }

    /// A depth, trade or book-ticker result (one the book or analytics would act on).
    var isMarketData: Bool {
        switch self {
        case .depth, .trades, .bookTicker: return true
        default: return false
        }
    }

    /// A short label for counting.
    var label: String {
        switch self {
        case .depth(let h, _, _): return h.kind == .snapshot ? "snapshot" : "diff"
        case .trades: return "trades"
        case .bookTicker: return "bookTicker"
        case .control(let c): return "control.\(c)"
        case .ignored(let k): return "ignored.\(k)"
        case .failure: return "failure"
        }
    }

    var description: String {
        switch self {
        case .depth(let h, let b, let a): return "depth(\(h), bids: \(b.count), asks: \(a.count))"
        default: return label
        }
    }
}

/// A plain decoder written with Foundation (`JSONSerialization`, `Decimal`), independent of the fast
/// parsers' code, that encodes the same contract: the oracle of the differential tests.
struct ReferenceDecoder {
    struct Invalid: Error {}

    /// Instruments by ASCII-upper-cased symbol.
    let specs: [String: InstrumentSpec]

    init(specs: [String: InstrumentSpec]) {
        self.specs = Dictionary(uniqueKeysWithValues: specs.map { (ReferenceDecoder.upper($0.key), $0.value) })
    }

    static func upper(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    func lookup(_ symbol: String) throws -> InstrumentSpec {
        guard let s = specs[ReferenceDecoder.upper(symbol)] else { throw Invalid() }
        return s
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? [String: Any] else {
            throw Invalid()
        }
        return o
    }

    static func string(_ v: Any?) throws -> String {
        guard let s = v as? String else { throw Invalid() }
        return s
    }

    static func uint(_ v: Any?) throws -> UInt64 {
        guard let n = v as? NSNumber, !(v is String) else { throw Invalid() }
        let t = String(cString: n.objCType)
        guard ["i", "l", "q", "s", "I", "L", "Q", "S"].contains(t) else { throw Invalid() }
        if ["i", "l", "q", "s"].contains(t) && n.int64Value < 0 { throw Invalid() }
        return n.uint64Value
    }

    static func bool(_ v: Any?) throws -> Bool {
        guard let n = v as? NSNumber, String(cString: n.objCType) == "c" else { throw Invalid() }
        return n.boolValue
    }

    static func millis(_ v: Any?) throws -> Nanos {
        let ms = try uint(v)
        guard ms <= UInt64(Int64.max / 1_000_000) else { throw Invalid() }
        return Nanos(raw: Int64(ms) * 1_000_000)
    }

    /// An exact non-negative decimal string at `places`, via Foundation's `Decimal`.
    static func decimal(_ v: Any?, places: Int) throws -> Int64 {
        let s = try string(v)
        let digits = s.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.count
        let points = s.utf8.filter { $0 == 0x2E }.count
        guard digits > 0, points <= 1, digits + points == s.utf8.count, let d = Decimal(string: s) else { throw Invalid() }
        var scaled = d * pow(Decimal(10), places)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled, let v = Int64("\(rounded)") else { throw Invalid() }
        return v
    }

    static func levels(_ v: Any?, _ spec: InstrumentSpec) throws -> [DepthLevel] {
        guard let rows = v as? [Any] else { throw Invalid() }
        return try rows.map { row in
            guard let pair = row as? [Any], pair.count >= 2 else { throw Invalid() }
            return DepthLevel(price: Price(raw: try decimal(pair[0], places: spec.priceScale.places)),
                              quantity: Quantity(raw: try decimal(pair[1], places: spec.quantityScale.places)))
        }
    }

    // MARK: Binance

    static let binancePayloadKeys: Set<String> = ["e", "E", "T", "s", "U", "u", "pu", "b", "a", "B", "A", "t", "p", "q", "m", "X",
                                                  "lastUpdateId", "bids", "asks", "result", "id", "error"]

    func binance(_ bytes: [UInt8], receiveTime: Nanos) -> ReferenceMessage {
        do {
            let top = try ReferenceDecoder.object(bytes)
            var stream: String? = nil
            if let s = top["stream"] { stream = try ReferenceDecoder.string(s) }
            if let data = top["data"] {
                if top.keys.contains(where: { ReferenceDecoder.binancePayloadKeys.contains($0) }) { throw Invalid() }
                guard let payload = data as? [String: Any] else { return .ignored(.otherStream) }
                return try binancePayload(payload, stream: stream, receiveTime: receiveTime)
            }
            return try binancePayload(top, stream: nil, receiveTime: receiveTime)
        } catch {
            return .failure
        }
    }

    func binancePayload(_ d: [String: Any], stream: String?, receiveTime: Nanos) throws -> ReferenceMessage {
        let e = try d["e"].map(ReferenceDecoder.string)
        let s = try d["s"].map(ReferenceDecoder.string)
        func instrument() throws -> InstrumentSpec {
            if let s { return try lookup(s) }
            guard let stream, !stream.isEmpty else { throw Invalid() }
            return try lookup(String(stream.prefix { $0 != "@" }))
        }
        switch e {
        case nil:
            if d["lastUpdateId"] != nil { return .ignored(.restSnapshot) }
            if d["error"] != nil { return .control(.venueError) }
            if d["result"] != nil { return .control(.response) }
            if ["u", "b", "a", "B", "A"].allSatisfy({ d[$0] != nil }) {
                return try binanceBookTicker(d, spec: instrument(), receiveTime: receiveTime)
            }
            return .ignored(.unrecognized)
        case "depthUpdate":
            guard let U = d["U"], let u = d["u"], let b = d["b"], let a = d["a"] else { throw Invalid() }
            let spec = try instrument()
            let header = DepthUpdateHeader(
                instrument: spec.id, venue: spec.venue, kind: .diff, firstUpdateId: try ReferenceDecoder.uint(U),
                finalUpdateId: try ReferenceDecoder.uint(u), previousFinalUpdateId: try d["pu"].map(ReferenceDecoder.uint) ?? 0,
                sequence: 0, exchangeTime: try d["E"].map(ReferenceDecoder.millis) ?? .zero, receiveTime: receiveTime,
                bidCount: 0, askCount: 0)
            return ReferenceDecoder.depth(header, bids: try ReferenceDecoder.levels(b, spec), asks: try ReferenceDecoder.levels(a, spec))
        case "trade", "aggTrade":
            let aggregated = e == "aggTrade"
            guard let id = aggregated ? d["a"] : d["t"], let p = d["p"], let q = d["q"], let T = d["T"], let m = d["m"] else {
                throw Invalid()
            }
            let spec = try instrument()
            var flags: TradeFlags = aggregated ? .aggregated : []
            if let X = d["X"], try ReferenceDecoder.string(X) != "MARKET" { flags.insert(.nonMarket) }
            let tradeId = try ReferenceDecoder.uint(id)
            let price = try ReferenceDecoder.decimal(p, places: spec.priceScale.places)
            let quantity = try ReferenceDecoder.decimal(q, places: spec.quantityScale.places)
            return .trades([TradeEvent(
                instrument: spec.id, venue: spec.venue, aggressor: try ReferenceDecoder.bool(m) ? .sell : .buy, flags: flags,
                price: Price(raw: price), quantity: Quantity(raw: quantity), tradeId: tradeId,
                exchangeTime: try ReferenceDecoder.millis(T), receiveTime: receiveTime)])
        case "bookTicker":
            return try binanceBookTicker(d, spec: instrument(), receiveTime: receiveTime)
        case let kind? where kind.hasPrefix("kline") || kind.hasPrefix("continuous_kline"):
            return .ignored(.kline)
        case "24hrTicker", "24hrMiniTicker":
            return .ignored(.ticker)
        default:
            return .ignored(.otherStream)
        }
    }

    func binanceBookTicker(_ d: [String: Any], spec: InstrumentSpec, receiveTime: Nanos) throws -> ReferenceMessage {
        guard let u = d["u"], let b = d["b"], let B = d["B"], let a = d["a"], let A = d["A"] else { throw Invalid() }
        let p = spec.priceScale.places
        let q = spec.quantityScale.places
        return .bookTicker(BookTickerEvent(
            instrument: spec.id, venue: spec.venue, updateId: try ReferenceDecoder.uint(u),
            bidPrice: Price(raw: try ReferenceDecoder.decimal(b, places: p)), bidQuantity: Quantity(raw: try ReferenceDecoder.decimal(B, places: q)),
            askPrice: Price(raw: try ReferenceDecoder.decimal(a, places: p)), askQuantity: Quantity(raw: try ReferenceDecoder.decimal(A, places: q)),
            exchangeTime: try d["E"].map(ReferenceDecoder.millis) ?? .zero, receiveTime: receiveTime))
    }

    /// A Binance REST depth snapshot body for `spec`.
    func binanceSnapshot(_ bytes: [UInt8], spec: InstrumentSpec, receiveTime: Nanos) -> ReferenceMessage {
        do {
            let d = try ReferenceDecoder.object(bytes)
            _ = try d["e"].map(ReferenceDecoder.string)
            _ = try d["s"].map(ReferenceDecoder.string)
            guard let id = d["lastUpdateId"], let bids = d["bids"], let asks = d["asks"] else { throw Invalid() }
            let last = try ReferenceDecoder.uint(id)
            let header = DepthUpdateHeader(
                instrument: spec.id, venue: spec.venue, kind: .snapshot, firstUpdateId: last, finalUpdateId: last,
                previousFinalUpdateId: 0, sequence: 0, exchangeTime: try d["E"].map(ReferenceDecoder.millis) ?? .zero,
                receiveTime: receiveTime, bidCount: 0, askCount: 0)
            return ReferenceDecoder.depth(header, bids: try ReferenceDecoder.levels(bids, spec), asks: try ReferenceDecoder.levels(asks, spec))
        } catch {
            return .failure
        }
    }

    static func depth(_ header: DepthUpdateHeader, bids: [DepthLevel], asks: [DepthLevel]) -> ReferenceMessage {
        var h = header
        h.bidCount = Int32(bids.count)
        h.askCount = Int32(asks.count)
        return .depth(h, bids: bids, asks: asks)
    }

    // MARK: Bybit

    func bybit(_ bytes: [UInt8], receiveTime: Nanos) -> ReferenceMessage {
        do {
            let top = try ReferenceDecoder.object(bytes)
            guard let topicValue = top["topic"] else { return try bybitControl(top) }
            let topic = try ReferenceDecoder.string(topicValue)
            let isBook = topic.hasPrefix("orderbook.")
            let isTrade = topic.hasPrefix("publicTrade.")
            if !isBook && !isTrade {
                if topic.hasPrefix("tickers") { return .ignored(.ticker) }
                if topic.hasPrefix("kline") { return .ignored(.kline) }
                return .ignored(.otherStream)
            }
            let spec = try lookup(String(topic.split(separator: ".", omittingEmptySubsequences: false).last ?? ""))
            guard let data = top["data"] else { throw Invalid() }
            func checkSymbol(_ v: Any?) throws {
                guard let v else { return }
                let other = try lookup(try ReferenceDecoder.string(v))
                guard other.id == spec.id && other.venue == spec.venue else { throw Invalid() }
            }
            if isTrade {
                guard let rows = data as? [Any] else { throw Invalid() }
                return .trades(try rows.map { row in
                    guard let t = row as? [String: Any], let T = t["T"], let S = t["S"], let v = t["v"], let p = t["p"], let i = t["i"] else {
                        throw Invalid()
                    }
                    try checkSymbol(t["s"])
                    let side: Side
                    switch try ReferenceDecoder.string(S) {
                    case "Buy": side = .buy
                    case "Sell": side = .sell
                    default: throw Invalid()
                    }
                    let block = try t["BT"].map(ReferenceDecoder.bool) ?? false
                    return TradeEvent(
                        instrument: spec.id, venue: spec.venue, aggressor: side, flags: block ? .blockTrade : [],
                        price: Price(raw: try ReferenceDecoder.decimal(p, places: spec.priceScale.places)),
                        quantity: Quantity(raw: try ReferenceDecoder.decimal(v, places: spec.quantityScale.places)),
                        tradeId: ReferenceDecoder.bybitTradeId(try ReferenceDecoder.string(i)),
                        exchangeTime: try ReferenceDecoder.millis(T), receiveTime: receiveTime)
                })
            }
            guard let book = data as? [String: Any], let b = book["b"], let a = book["a"], let u = book["u"] else { throw Invalid() }
            try checkSymbol(book["s"])
            let bids = try ReferenceDecoder.levels(b, spec)
            let asks = try ReferenceDecoder.levels(a, spec)
            let updateId = try ReferenceDecoder.uint(u)
            let sequence = try book["seq"].map(ReferenceDecoder.uint) ?? 0
            let kind: DepthUpdateKind
            switch try ReferenceDecoder.string(top["type"]) {
            case "snapshot": kind = .snapshot
            case "delta": kind = .diff
            default: throw Invalid()
            }
            let header = DepthUpdateHeader(
                instrument: spec.id, venue: spec.venue, kind: kind, firstUpdateId: updateId, finalUpdateId: updateId,
                previousFinalUpdateId: 0, sequence: sequence, exchangeTime: try top["ts"].map(ReferenceDecoder.millis) ?? .zero,
                receiveTime: receiveTime, bidCount: 0, askCount: 0)
            return ReferenceDecoder.depth(header, bids: bids, asks: asks)
        } catch {
            return .failure
        }
    }

    func bybitControl(_ top: [String: Any]) throws -> ReferenceMessage {
        guard let opValue = top["op"] else { return top["success"] != nil ? .control(.response) : .ignored(.unrecognized) }
        let op = try ReferenceDecoder.string(opValue)
        let success = try top["success"].map(ReferenceDecoder.bool) ?? true
        switch op {
        case "subscribe": return .control(success ? .subscribed : .subscribeFailed)
        case "unsubscribe": return .control(.unsubscribed)
        case "pong": return .control(.pong)
        case "ping":
            if let r = top["ret_msg"], try ReferenceDecoder.string(r) == "pong" { return .control(.pong) }
            return .control(.ping)
        default: return .control(.response)
        }
    }

    /// Bybit `i`: the number when it is 1...20 digits that fit in UInt64, else FNV-1a 64 of its UTF-8 bytes.
    static func bybitTradeId(_ i: String) -> UInt64 {
        if !i.isEmpty && i.utf8.count <= 20 && i.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = UInt64(i) { return v }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in i.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    // MARK: Instruments of a capture

    /// Symbols and scales of a capture, from every price and quantity string in it (most fraction
    /// digits seen), with ids in symbol order: what a config would give for these files.
    static func inferSpecs(_ frames: [RecordedFrame], venue: VenueId) -> [String: InstrumentSpec] {
        var digits: [String: (Int, Int)] = [:]
        func fraction(_ v: Any?) -> Int {
            guard let s = v as? String, let dot = s.firstIndex(of: ".") else { return 0 }
            return s.distance(from: dot, to: s.endIndex) - 1
        }
        func note(_ symbol: String, price: Any?, quantity: Any?) {
            let key = upper(symbol)
            let old = digits[key] ?? (0, 0)
            digits[key] = (max(old.0, fraction(price)), max(old.1, fraction(quantity)))
        }
        func noteLevels(_ symbol: String, _ v: Any?) {
            for row in (v as? [Any]) ?? [] {
                if let pair = row as? [Any], pair.count >= 2 { note(symbol, price: pair[0], quantity: pair[1]) }
            }
        }
        for frame in frames {
            guard let top = try? object(frame.bytes) else { continue }
            if case .restSnapshot(let urlSymbol) = frame.kind {
                guard let symbol = urlSymbol ?? frames.lazy.compactMap({ f -> String? in
                    guard let o = try? object(f.bytes), let d = o["data"] as? [String: Any] else { return nil }
                    return d["s"] as? String
                }).first else { continue }
                noteLevels(symbol, top["bids"])
                noteLevels(symbol, top["asks"])
                continue
            }
            if let topic = top["topic"] as? String {
                guard topic.hasPrefix("orderbook.") || topic.hasPrefix("publicTrade.") else { continue }
                let symbol = String(topic.split(separator: ".").last ?? "")
                if let book = top["data"] as? [String: Any] {
                    noteLevels(symbol, book["b"])
                    noteLevels(symbol, book["a"])
                } else if let rows = top["data"] as? [[String: Any]] {
                    for t in rows { note(symbol, price: t["p"], quantity: t["v"]) }
                }
                continue
            }
            let d = (top["data"] as? [String: Any]) ?? top
            guard let symbol = d["s"] as? String else { continue }
            switch d["e"] as? String {
            case "depthUpdate":
                noteLevels(symbol, d["b"])
                noteLevels(symbol, d["a"])
            case "trade", "aggTrade":
                note(symbol, price: d["p"], quantity: d["q"])
            case nil, "bookTicker":
                note(symbol, price: d["b"], quantity: d["B"])
                note(symbol, price: d["a"], quantity: d["A"])
            default:
                break
            }
        }
        var out: [String: InstrumentSpec] = [:]
        for (n, symbol) in digits.keys.sorted().enumerated() {
            let (p, q) = digits[symbol]!
            out[symbol] = InstrumentSpec(id: InstrumentId(raw: UInt32(n + 1)), venue: venue,
                                         priceScale: DecimalScale(places: min(p, 18)), quantityScale: DecimalScale(places: min(q, 18)))
        }
        return out
    }
}
