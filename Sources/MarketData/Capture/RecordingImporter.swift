import HFTPrimitives

/// Loads recorded market data in any `RecordingFormat` into one `FrameSequence` (receive ns,
/// channel, raw bytes), the input of replay and `hft book-check`. Cold path.
///
/// Files given together are one continuous recording in the order given. The format is detected
/// from the content (gzip is unwrapped first) unless forced.
public enum RecordingImporter {
    /// Detects the format of the file at `path` from its content.
    public static func detectFormat(path: String) throws(CaptureError) -> RecordingFormat {
        try detectFormat(content: decodedContent(path))
    }

    /// Detects the format of (already gunzipped) content.
    public static func detectFormat(content: [UInt8]) throws(CaptureError) -> RecordingFormat {
        if content.count >= 8 && Array(content[0..<8]) == CaptureFileLayout.magic { return .capture }
        var firstLine: Range<Int>? = nil
        for line in TextLines(bytes: content) { firstLine = line; break }
        guard let line = firstLine else { throw .unrecognizedFormat("empty file") }
        let text = content[line]
        let arrow = Array(" <-> ".utf8)
        if text.count >= arrow.count && (0...(text.count - arrow.count)).contains(where: { Array(text.dropFirst($0).prefix(arrow.count)) == arrow }) {
            return .cryptofeed
        }
        if let f = text.first, f >= 0x30 && f <= 0x39, let sp = text.firstIndex(of: 0x20), ByteSearch.integer(content[line.lowerBound..<sp]) != nil {
            return .hftbacktest
        }
        if text.first == 0x7B { return .jsonl }
        throw .unrecognizedFormat("first line matches no known format")
    }

    /// Loads one file.
    public static func load(path: String, format: RecordingFormat? = nil) throws(CaptureError) -> FrameSequence {
        if format == .capture || (format == nil && isCapture(path)) {
            let contents = try CaptureReader.read(path: path)
            return contents.frames
        }
        let content = try decodedContent(path)
        let fmt: RecordingFormat
        if let f = format { fmt = f } else { fmt = try detectFormat(content: content) }
        var frames: FrameSequence
        switch fmt {
        case .capture:
            frames = try CaptureReader.read(bytes: content).frames
        case .hftbacktest:
            frames = try loadHftbacktest(content, path: path)
        case .cryptofeed:
            frames = try loadCryptofeed(content, path: path)
        case .jsonl:
            frames = try loadJSONLines(content, path: path)
        }
        if frames.venue == nil { frames.venue = RecordingInspector.detectVenue(frames) }
        return frames
    }

    /// Loads several files as one continuous recording, in the order given.
    public static func load(paths: [String], format: RecordingFormat? = nil) throws(CaptureError) -> FrameSequence {
        var out = FrameSequence()
        for p in paths { out.append(contentsOf: try load(path: p, format: format)) }
        return out
    }

    static func isCapture(_ path: String) -> Bool {
        guard let bytes = try? FileBytes.read(path) else { return false }
        return bytes.count >= 8 && Array(bytes[0..<8]) == CaptureFileLayout.magic
    }

    /// The file's bytes, gunzipped when they are gzip.
    static func decodedContent(_ path: String) throws(CaptureError) -> [UInt8] {
        let raw = try FileBytes.read(path)
        return Gzip.isGzip(raw) ? try Gzip.decompress(raw) : raw
    }

    /// hftbacktest lines `<ns> <frame>`; inline REST snapshots `{"lastUpdateId":…}` belong to the
    /// file's single symbol.
    static func loadHftbacktest(_ content: [UInt8], path: String) throws(CaptureError) -> FrameSequence {
        var out = FrameSequence()
        out.reserve(frames: content.count / 200, bytes: content.count)
        let restPrefix = Array("{\"lastUpdateId\"".utf8)
        var restFrames: [Int] = []
        var lineNumber = 0
        for line in TextLines(bytes: content) {
            lineNumber += 1
            guard let sp = content[line].firstIndex(of: 0x20), let ns = ByteSearch.integer(content[line.lowerBound..<sp]) else {
                throw .malformedLine(path: path, line: lineNumber, reason: "expected `<receive_ns> <frame>`")
            }
            let frame = content[(sp + 1)..<line.upperBound]
            if frame.starts(with: restPrefix) {
                restFrames.append(out.count)
                out.append(receiveTime: Nanos(raw: ns), channel: .restDepthSnapshot(symbolIndex: 0), contents: frame)
            } else {
                out.append(receiveTime: Nanos(raw: ns), channel: .websocket, contents: frame)
            }
        }
        out.symbols = RecordingInspector.discoverSymbols(out)
        if !restFrames.isEmpty && out.symbols.count != 1 {
            throw .malformedLine(path: path, line: 0, reason: "REST snapshot in a file with \(out.symbols.count) symbols: cannot tell whose")
        }
        return out
    }

    /// cryptofeed `*.ws.1.0` + companion `*.http.0.0`, merged by receive time.
    static func loadCryptofeed(_ content: [UInt8], path: String) throws(CaptureError) -> FrameSequence {
        struct Pending { var time: Int64; var channel: CaptureChannel; var range: Range<Int>; var fromHTTP: Bool }
        var pending: [Pending] = []
        var symbols: [String] = []
        var venue: VenueId? = nil
        let separator = Array(": ".utf8)
        var lineNumber = 0
        for line in TextLines(bytes: content) {
            lineNumber += 1
            if lineNumber == 1 {
                venue = venueFromURL(String(decoding: content[line], as: UTF8.self))
                continue
            }
            guard let cut = firstIndex(of: separator, in: content, range: line),
                  let ns = ByteSearch.secondsToNanos(content[line.lowerBound..<cut]) else {
                throw .malformedLine(path: path, line: lineNumber, reason: "expected `<receive_s>: <frame>`")
            }
            pending.append(Pending(time: ns, channel: .websocket, range: (cut + 2)..<line.upperBound, fromHTTP: false))
        }
        var http: [UInt8] = []
        let httpPath = companionHTTPPath(path)
        if let hp = httpPath, FileBytes.exists(hp) {
            http = try FileBytes.read(hp)
            let arrow = Array(" -> ".utf8)
            let symbolKey = Array("symbol=".utf8)
            var n = 0
            for line in TextLines(bytes: http) {
                n += 1
                guard let a = firstIndex(of: arrow, in: http, range: line),
                      let cut = firstIndex(of: separator, in: http, range: (a + arrow.count)..<line.upperBound),
                      let ns = ByteSearch.secondsToNanos(http[(a + arrow.count)..<cut]) else {
                    throw .malformedLine(path: hp, line: n, reason: "expected `<url> -> <receive_s>: <body>`")
                }
                let url = Array(http[line.lowerBound..<a])
                guard let s = url.withUnsafeBytes({ ByteSearch.value(after: symbolKey, in: $0, terminators: [0x26]) ?? symbolAtEnd(url, key: symbolKey) }) else {
                    throw .malformedLine(path: hp, line: n, reason: "no symbol= in the URL")
                }
                let symbol = String(decoding: s, as: UTF8.self).uppercased()
                let index: Int
                if let i = symbols.firstIndex(of: symbol) { index = i } else { symbols.append(symbol); index = symbols.count - 1 }
                pending.append(Pending(time: ns, channel: .restDepthSnapshot(symbolIndex: index), range: (cut + 2)..<line.upperBound, fromHTTP: true))
            }
        }
        // Stable merge by receive time (the two files are each in time order).
        let order = pending.indices.sorted { (pending[$0].time, $0) < (pending[$1].time, $1) }
        var out = FrameSequence(venue: venue, symbols: symbols)
        out.reserve(frames: pending.count, bytes: content.count + http.count)
        for i in order {
            let p = pending[i]
            if p.fromHTTP {
                out.append(receiveTime: Nanos(raw: p.time), channel: p.channel, contents: http[p.range])
            } else {
                out.append(receiveTime: Nanos(raw: p.time), channel: p.channel, contents: content[p.range])
            }
        }
        for s in RecordingInspector.discoverSymbols(out) where !out.symbols.contains(s) { out.symbols.append(s) }
        return out
    }

    /// One message per line; receive time = the message's `"ts"` (ms), else the previous line's.
    static func loadJSONLines(_ content: [UInt8], path: String) throws(CaptureError) -> FrameSequence {
        var out = FrameSequence()
        out.reserve(frames: content.count / 200, bytes: content.count)
        let tsKey = Array("\"ts\":".utf8)
        var last: Int64 = 0
        var lineNumber = 0
        for line in TextLines(bytes: content) {
            lineNumber += 1
            guard content[line.lowerBound] == 0x7B else {
                throw .malformedLine(path: path, line: lineNumber, reason: "expected a JSON object per line")
            }
            let frame = content[line]
            let ts: Int64? = frame.withUnsafeBytes { b in
                ByteSearch.value(after: tsKey, in: b, terminators: [0x2C, 0x7D]).flatMap { ByteSearch.integer($0) }
            }
            if let ms = ts { last = ms * 1_000_000 }
            out.append(receiveTime: Nanos(raw: last), channel: .websocket, contents: frame)
        }
        out.symbols = RecordingInspector.discoverSymbols(out)
        return out
    }

    static func symbolAtEnd(_ url: [UInt8], key: [UInt8]) -> [UInt8]? {
        url.withUnsafeBytes { b in
            guard let k = ByteSearch.find(key, in: b) else { return nil }
            return Array(url[(k + key.count)...])
        }
    }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8], range: Range<Int>) -> Int? {
        bytes.withUnsafeBytes { b in
            let slice = UnsafeRawBufferPointer(rebasing: b[range])
            return ByteSearch.find(needle, in: slice).map { $0 + range.lowerBound }
        }
    }

    /// `X.ws.1.0` → `X.http.0.0`.
    static func companionHTTPPath(_ path: String) -> String? {
        let bytes = Array(path.utf8)
        let marker = Array(".ws.".utf8)
        guard bytes.count >= marker.count else { return nil }
        for i in stride(from: bytes.count - marker.count, through: 0, by: -1) where Array(bytes[i..<(i + marker.count)]) == marker {
            return String(decoding: bytes[..<i], as: UTF8.self) + ".http.0.0"
        }
        return nil
    }

    /// The venue a websocket URL belongs to.
    static func venueFromURL(_ url: String) -> VenueId? {
        if url.contains("fstream.binance") { return .binanceUsdm }
        if url.contains("binance") { return .binanceSpot }
        if url.contains("bybit") { return url.contains("/spot") ? .bybitSpot : .bybitLinear }
        return nil
    }
}
