#if canImport(Glibc)
import Glibc
#endif
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
        if let topic = stringValue(after: "\"topic\":\"", in: frame) {
            return RecordedFrameInfo(kind: .market, topic: topic)
        }
        if let stream = stringValue(after: "\"stream\":\"", in: frame) {
            var info = RecordedFrameInfo(kind: .market, stream: normalizeStream(stream))
            let key = "\"data\":"
            if let k = find(key, in: frame), frame.last == UInt8(ascii: "}") {
                info.dataRange = (k + key.utf8.count)..<(frame.count - 1)
            }
            return info
        }
        // A raw (unwrapped) Binance payload: name the stream from "e" and "s".
        if let event = stringValue(after: "\"e\":\"", in: frame), let symbol = stringValue(after: "\"s\":\"", in: frame) {
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
        if find("\"lastUpdateId\"", in: frame) == nil, let symbol = stringValue(after: "\"s\":\"", in: frame),
           find("\"u\":", in: frame) != nil, find("\"B\":", in: frame) != nil {
            // Spot bookTicker payloads carry no "e".
            return RecordedFrameInfo(kind: .market, stream: symbol.lowercased() + "@bookticker")
        }
        return RecordedFrameInfo(kind: .other)
    }

    /// Offset of the first occurrence of `needle` in `bytes` (`memchr` for the first byte, then `memcmp`).
    static func find(_ needle: String, in bytes: UnsafeRawBufferPointer) -> Int? {
        var n = needle
        return n.withUTF8 { k -> Int? in
            guard let base = bytes.baseAddress, let kb = k.baseAddress, k.count > 0, k.count <= bytes.count else { return nil }
            let last = bytes.count - k.count
            var i = 0
            while i <= last {
                // SAFETY: memchr scans [base + i, base + last + 1); memcmp compares k.count bytes starting at most at base + last.
                guard let hit = memchr(base + i, Int32(k[0]), last - i + 1) else { return nil }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, kb, k.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { b in find(String(decoding: needle, as: UTF8.self), in: b) }
    }

    static func stringValue(after key: String, in bytes: UnsafeRawBufferPointer) -> String? {
        guard let start = find(key, in: bytes) else { return nil }
        let from = start + key.utf8.count
        guard from <= bytes.count, let end = bytes[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<end]), as: UTF8.self)
    }
}
