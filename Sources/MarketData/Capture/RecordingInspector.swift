import HFTPrimitives

/// Content inspection of a recording: which venue, which symbols. Cold path, byte scans.
public enum RecordingInspector {
    /// The venue the frames look like: Bybit if any frame has a `"topic"`, Binance USD-M if a depth
    /// diff carries `"pu"`, else Binance spot; nil when nothing is recognisable.
    /// - Note: Bybit spot and linear share one wire format: this returns `.bybitLinear` (same sync rules).
    public static func detectVenue(_ frames: FrameSequence) -> VenueId? {
        let topic = Array("\"topic\":\"".utf8)
        let pu = Array("\"pu\":".utf8)
        let depth = Array("\"depthUpdate\"".utf8)
        let binance = Array("\"stream\":\"".utf8)
        let snapshot = Array("\"lastUpdateId\"".utf8)
        var sawBinance = false
        var sawUsdm = false
        var sawBybit = false
        frames.withFrames { table, base in
            for f in table {
                let b = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)])
                if ByteSearch.find(topic, in: b) != nil { sawBybit = true; break }
                if ByteSearch.find(binance, in: b) != nil || ByteSearch.find(snapshot, in: b) != nil { sawBinance = true }
                if ByteSearch.find(depth, in: b) != nil && ByteSearch.find(pu, in: b) != nil { sawUsdm = true; break }
            }
        }
        if sawBybit { return .bybitLinear }
        if sawUsdm { return .binanceUsdm }
        return sawBinance ? .binanceSpot : nil
    }

    /// Symbols named by the frames, in order of first appearance: Binance combined-stream names
    /// (`ethusdt@depth` → `ETHUSDT`) and Bybit topics (`orderbook.200.BTCUSDT` → `BTCUSDT`).
    public static func discoverSymbols(_ frames: FrameSequence) -> [String] {
        var symbols: [String] = []
        let stream = Array("\"stream\":\"".utf8)
        let topic = Array("\"topic\":\"".utf8)
        frames.withFrames { table, base in
            for f in table {
                let b = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)])
                var name: String? = nil
                if let v = ByteSearch.value(after: stream, in: b, terminators: [0x40, 0x22]) {
                    name = String(decoding: v, as: UTF8.self).uppercased()
                } else if let v = ByteSearch.value(after: topic, in: b) {
                    let parts = v.split(separator: 0x2E)
                    let known = ["orderbook", "publicTrade", "tickers", "kline", "trade"].map { Array($0.utf8) }
                    if parts.count >= 2, known.contains(Array(parts[0])) {
                        name = String(decoding: parts[parts.count - 1], as: UTF8.self)
                    }
                }
                if let n = name, !n.isEmpty, !symbols.contains(n) { symbols.append(n) }
            }
        }
        return symbols
    }
}

extension RecordingInspector {
    /// The symbol a websocket frame is about: Bybit topic suffix, else the Binance `"s"` field.
    public static func symbol(ofFrame b: UnsafeRawBufferPointer) -> String? {
        if let v = ByteSearch.value(after: Array("\"topic\":\"".utf8), in: b) {
            guard let dot = v.lastIndex(of: 0x2E) else { return nil }
            return String(decoding: v[(dot + 1)...], as: UTF8.self)
        }
        if let v = ByteSearch.value(after: Array("\"s\":\"".utf8), in: b) { return String(decoding: v, as: UTF8.self) }
        return nil
    }
}
