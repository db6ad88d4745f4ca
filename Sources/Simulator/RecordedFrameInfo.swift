import MarketData

/// What the simulator knows about one recorded frame, worked out once at load.
struct RecordedFrameInfo: Sendable {
    enum Kind: Sendable, Equatable {
        /// A websocket frame with a Binance stream name or a Bybit topic: served to subscribers.
        case market
        /// A REST depth snapshot of instrument `instrument`: builds the simulator's book, never sent.
        case restSnapshot(instrument: Int)
        /// Recorded control traffic (subscribe acks) or an unroutable frame: feeds the book only.
        case other
    }

    var kind: Kind
    /// Binance stream name, lower case, with any `@<n>ms` suffix removed (`ethusdt@depth`).
    var stream: String?
    /// Binance combined-stream wrapper: the byte range of the `data` value inside the frame.
    var dataRange: Range<Int>?
    /// Bybit topic (`orderbook.200.BTCUSDT`).
    var topic: String?

    /// Normalizes a Binance stream name: lower case, `@<digits>ms` update-speed suffix removed.
    static func normalizeStream(_ name: String) -> String {
        let lower = name.lowercased()
        if let at = lower.lastIndex(of: "@") {
            let tail = lower[lower.index(after: at)...]
            if tail.hasSuffix("ms"), tail.dropLast(2).allSatisfy(\.isNumber), !tail.dropLast(2).isEmpty {
                return String(lower[..<at])
            }
        }
        return lower
    }

    /// Classifies `frame` (bytes of one recorded frame).
    static func inspect(_ frame: UnsafeRawBufferPointer, channel: CaptureChannel, instrumentOfSymbolIndex: (Int) -> Int?) -> RecordedFrameInfo {
        if channel.kind == .restDepthSnapshot {
            if let s = channel.symbolIndex, let i = instrumentOfSymbolIndex(s) { return RecordedFrameInfo(kind: .restSnapshot(instrument: i)) }
            return RecordedFrameInfo(kind: .other)
        }
        let bytes = Array(frame)
        if let topic = stringValue(after: "\"topic\":\"", in: bytes) {
            return RecordedFrameInfo(kind: .market, topic: topic)
        }
        if let stream = stringValue(after: "\"stream\":\"", in: bytes) {
            var info = RecordedFrameInfo(kind: .market, stream: normalizeStream(stream))
            let key = Array("\"data\":".utf8)
            if let k = find(key, in: bytes), bytes.last == UInt8(ascii: "}") {
                info.dataRange = (k + key.count)..<(bytes.count - 1)
            }
            return info
        }
        // A raw (unwrapped) Binance payload: name the stream from "e" and "s".
        if let event = stringValue(after: "\"e\":\"", in: bytes), let symbol = stringValue(after: "\"s\":\"", in: bytes) {
            let suffix: String
            switch event {
            case "depthUpdate": suffix = "depth"
            case "trade": suffix = "trade"
            case "aggTrade": suffix = "aggtrade"
            case "bookTicker": suffix = "bookticker"
            default: suffix = event.lowercased()
            }
            return RecordedFrameInfo(kind: .market, stream: symbol.lowercased() + "@" + suffix)
        }
        if find(Array("\"lastUpdateId\"".utf8), in: bytes) == nil, let symbol = stringValue(after: "\"s\":\"", in: bytes),
           find(Array("\"u\":".utf8), in: bytes) != nil, find(Array("\"B\":".utf8), in: bytes) != nil {
            // Spot bookTicker payloads carry no "e".
            return RecordedFrameInfo(kind: .market, stream: symbol.lowercased() + "@bookticker")
        }
        return RecordedFrameInfo(kind: .other)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    static func stringValue(after key: String, in bytes: [UInt8]) -> String? {
        let k = Array(key.utf8)
        guard let start = find(k, in: bytes) else { return nil }
        let from = start + k.count
        guard let end = bytes[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: bytes[from..<end], as: UTF8.self)
    }
}
