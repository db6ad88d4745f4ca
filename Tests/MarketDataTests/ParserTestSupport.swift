import Foundation
import HFTPrimitives
import HFTTestSupport
@testable import MarketData

/// Both venue parsers with their buffers over one instrument set: decodes a recorded frame with
/// the fast parser and with the reference decoder.
struct ParserHarness: ~Copyable {
    let venue: VenueId
    let specs: [String: InstrumentSpec]
    let binance: BinanceParser
    let bybit: BybitParser
    let reference: ReferenceDecoder
    var levels = DepthLevelBuffer(capacityPerSide: 5_000)
    var trades = TradeBuffer(capacity: 1_024)

    init(venue: VenueId, specs: [String: InstrumentSpec]) {
        self.venue = venue
        self.specs = specs
        let table = SymbolTable(specs.sorted { $0.key < $1.key }.map { (symbol: $0.key, spec: $0.value) })
        self.binance = BinanceParser(symbols: table)
        self.bybit = BybitParser(symbols: table)
        self.reference = ReferenceDecoder(specs: specs)
    }

    var isBinance: Bool { venue == .binanceSpot || venue == .binanceUsdm }

    /// The fast parser's `parse` on a websocket frame.
    mutating func fast(_ bytes: [UInt8], receiveTime: Nanos = Nanos(raw: 7)) -> ReferenceMessage {
        let parsed = bytes.withUnsafeBytes { raw in
            isBinance ? binance.parse(raw, receiveTime: receiveTime, levels: &levels, trades: &trades)
                : bybit.parse(raw, receiveTime: receiveTime, levels: &levels, trades: &trades)
        }
        return ReferenceMessage(parsed, levels: levels, trades: trades)
    }

    /// The fast parser's raw result (for error-code checks).
    mutating func parsed(_ bytes: [UInt8]) -> ParsedMessage {
        bytes.withUnsafeBytes { raw in
            isBinance ? binance.parse(raw, receiveTime: Nanos(raw: 7), levels: &levels, trades: &trades)
                : bybit.parse(raw, receiveTime: Nanos(raw: 7), levels: &levels, trades: &trades)
        }
    }

    /// The reference decoder on a websocket frame.
    func slow(_ bytes: [UInt8], receiveTime: Nanos = Nanos(raw: 7)) -> ReferenceMessage {
        isBinance ? reference.binance(bytes, receiveTime: receiveTime) : reference.bybit(bytes, receiveTime: receiveTime)
    }

    mutating func fastSnapshot(_ bytes: [UInt8], spec: InstrumentSpec, receiveTime: Nanos = Nanos(raw: 7)) -> ReferenceMessage {
        let parsed = bytes.withUnsafeBytes { binance.parseDepthSnapshot($0, instrument: spec, receiveTime: receiveTime, levels: &levels) }
        return ReferenceMessage(parsed, levels: levels, trades: trades)
    }

    /// The instrument of a REST snapshot frame: from its URL, else the capture's only instrument.
    func snapshotSpec(_ frame: RecordedFrame) -> InstrumentSpec? {
        guard case .restSnapshot(let symbol) = frame.kind else { return nil }
        if let symbol { return specs[ReferenceDecoder.upper(symbol)] }
        return specs.count == 1 ? specs.first?.value : nil
    }
}

/// Re-encodes a Foundation JSON tree with shuffled key order, random whitespace and extra unknown fields.
struct ShuffledJSONWriter {
    var rng: SplitMix64
    var addUnknownFields: Bool

    mutating func write(_ v: Any) -> String {
        var out = ""
        emit(v, into: &out, depth: 0)
        return out
    }

    mutating func space() -> String {
        ["", "", " ", "\n", " \t ", "\r\n  "][Int.random(in: 0..<6, using: &rng)]
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    mutating func emit(_ v: Any, into out: inout String, depth: Int) {
        switch v {
        case let s as String:
            out += ShuffledJSONWriter.quoted(s)
        case let n as NSNumber:
            out += String(cString: n.objCType) == "c" ? (n.boolValue ? "true" : "false") : n.stringValue
        case is NSNull:
            out += "null"
        case let a as [Any]:
            out += "[" + space()
            for (i, e) in a.enumerated() {
                if i > 0 { out += space() + "," + space() }
                emit(e, into: &out, depth: depth + 1)
            }
            out += space() + "]"
        case let d as [String: Any]:
            var pairs: [(String, Any)] = d.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
            pairs.shuffle(using: &rng)
            // Unknown fields go into the message's own objects only (depth <= 2), never into the junk itself.
            if addUnknownFields && depth <= 2 && !d.keys.contains(where: { $0.hasPrefix("zz_") || $0 == "nested" }) {
                let junk: [Any] = [
                    ["nested": ["x": [1, 2, ["y": "z\"q\\"]], "t": true, "n": NSNull()] as [String: Any]] as [String: Any],
                    "esc\\aped \u{1} \"quoted\" é ☃",
                    [[["deep"]], [], [:] as [String: Any]] as [Any],
                    -12.5e-3 as NSNumber,
                ]
                let count = Int.random(in: 0...2, using: &rng)
                for k in 0..<count {
                    let position = Int.random(in: 0...pairs.count, using: &rng)
                    pairs.insert(("zz_unknown_\(k)_\(Int.random(in: 0..<1000, using: &rng))", junk[Int.random(in: 0..<junk.count, using: &rng)]), at: position)
                }
            }
            out += "{" + space()
            for (i, (k, e)) in pairs.enumerated() {
                if i > 0 { out += space() + "," + space() }
                out += ShuffledJSONWriter.quoted(k) + space() + ":" + space()
                emit(e, into: &out, depth: depth + 1)
            }
            out += space() + "}"
        default:
            out += "null"
        }
    }
}
