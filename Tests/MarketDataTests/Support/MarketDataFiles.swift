import Foundation
import HFTPrimitives
import HFTTestSupport

/// How a capture file stores frames (see `../shared/data/market/README.md`).
enum CaptureFormat: String, Sendable {
    /// hftbacktest collector: `<receive_ns> <frame>` per line (optionally gzip-compressed, `.gz`).
    case hb
    /// cryptofeed `*.ws.*`: a header line `<url> <-> <connect_s>`, then `<receive_s>: <frame>`.
    case cryptofeedWebsocket
    /// cryptofeed `*.http.*`: `<url> -> <receive_s>: <body>`, symbol in the URL.
    case cryptofeedHTTP
    /// One JSON message per line, no receive time (`.jsonl`, nautilus `.data`).
    case jsonl
}

/// One recorded websocket frame or REST body.
struct RecordedFrame: Sendable {
    enum Kind: Sendable, Equatable {
        case websocket
        /// A Binance REST depth snapshot body; `symbol` comes from the request URL when the file has it
        /// (cryptofeed), nil for hb captures (single-symbol files: the symbol of their streams).
        case restSnapshot(symbol: String?)
    }

    var kind: Kind
    /// Local receive time in ns (hb: as recorded; cryptofeed: seconds converted exactly); 0 when the file has none.
    var receiveTime: Nanos
    /// The raw frame bytes, exactly as recorded.
    var bytes: [UInt8]
    /// 1-based line number in the (decompressed) file.
    var line: Int

    var text: String { String(decoding: bytes, as: UTF8.self) }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
}

/// A real capture under the market-data root.
struct CaptureFile: Sendable, CustomStringConvertible {
    /// Path relative to the data root, e.g. `binance/spot/hftbacktest_spot_ethusdt_20240808.gz`.
    var name: String
    var url: URL
    var format: CaptureFormat
    /// The market of the capture (Bybit files without "spot" in the name are linear).
    var venue: VenueId

    var isBinance: Bool { venue == .binanceSpot || venue == .binanceUsdm }
    var description: String { name }

    /// Every frame of the file in file order. Throws if the file cannot be read or a line does not fit its format.
    func frames() throws -> [RecordedFrame] {
        let data = try MarketDataFiles.readBytes(url)
        var out: [RecordedFrame] = []
        var lineNumber = 0
        var lineStart = 0
        var lines: [(Int, ArraySlice<UInt8>)] = []
        for i in 0...data.count where i == data.count || data[i] == 0x0A {
            lineNumber += 1
            var line = data[lineStart..<i]
            if line.last == 0x0D { line = line.dropLast() }
            lineStart = i + 1
            if !line.isEmpty { lines.append((lineNumber, line)) }
        }
        for (number, line) in lines {
            switch format {
            case .hb:
                guard let space = line.firstIndex(of: 0x20), let ns = Int64(String(decoding: line[..<space], as: UTF8.self)) else {
                    throw CaptureFileError.badLine(name, number)
                }
                let body = Array(line[(space + 1)...])
                let kind: RecordedFrame.Kind = MarketDataFiles.isRESTSnapshot(body) ? .restSnapshot(symbol: nil) : .websocket
                out.append(RecordedFrame(kind: kind, receiveTime: Nanos(raw: ns), bytes: body, line: number))
            case .cryptofeedWebsocket:
                if number == 1 && String(decoding: line, as: UTF8.self).contains(" <-> ") { continue }
                guard let colon = MarketDataFiles.find(Array(": ".utf8), in: line),
                      let ns = MarketDataFiles.secondsToNanos(String(decoding: line[..<colon], as: UTF8.self)) else {
                    throw CaptureFileError.badLine(name, number)
                }
                out.append(RecordedFrame(kind: .websocket, receiveTime: ns, bytes: Array(line[(colon + 2)...]), line: number))
            case .cryptofeedHTTP:
                guard let arrow = MarketDataFiles.find(Array(" -> ".utf8), in: line),
                      let colon = MarketDataFiles.find(Array(": ".utf8), in: line[(arrow + 4)...]),
                      let ns = MarketDataFiles.secondsToNanos(String(decoding: line[(arrow + 4)..<colon], as: UTF8.self)) else {
                    throw CaptureFileError.badLine(name, number)
                }
                let url = String(decoding: line[..<arrow], as: UTF8.self)
                let symbol = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "symbol" })?.value
                out.append(RecordedFrame(kind: .restSnapshot(symbol: symbol), receiveTime: ns, bytes: Array(line[(colon + 2)...]), line: number))
            case .jsonl:
                out.append(RecordedFrame(kind: .websocket, receiveTime: .zero, bytes: Array(line), line: number))
            }
        }
        return out
    }
}

enum CaptureFileError: Error, CustomStringConvertible {
    case badLine(String, Int)
    case gzipFailed(String, Int32)

    var description: String {
        switch self {
        case .badLine(let file, let line): return "\(file):\(line): line does not match the file's format"
        case .gzipFailed(let file, let status): return "gzip -dc \(file) exited with \(status)"
        }
    }
}

/// Locates and reads the real market data for tests (never copied into the repo).
enum MarketDataFiles {
    /// `$HFT_MARKET_DATA`, else `<package root>/../shared/data/market`.
    static var root: URL { MarketDataDirectory.url }

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// Every capture under the root (README and dot files excluded), sorted by name.
    static func all() throws -> [CaptureFile] {
        let base = root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var out: [CaptureFile] = []
        while let relative = walker.nextObject() as? String {
            let url = URL(fileURLWithPath: base).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let last = url.lastPathComponent
            if last.hasPrefix(".") || last.lowercased().hasSuffix(".md") { continue }
            if let file = file(relative) { out.append(file) }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// The capture at `relativePath`, with its format and venue from its name; nil for unknown extensions.
    static func file(_ relativePath: String) -> CaptureFile? {
        let url = root.appendingPathComponent(relativePath)
        let lower = relativePath.lowercased()
        let format: CaptureFormat
        if lower.hasSuffix(".gz") || lower.hasSuffix(".txt") {
            format = .hb
        } else if lower.contains(".ws.") {
            format = .cryptofeedWebsocket
        } else if lower.contains(".http.") {
            format = .cryptofeedHTTP
        } else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".data") || lower.hasSuffix(".json") {
            format = .jsonl
        } else {
            return nil
        }
        let venue: VenueId
        if lower.hasPrefix("binance") {
            venue = lower.contains("usdm") || lower.contains("futures") ? .binanceUsdm : .binanceSpot
        } else if lower.hasPrefix("bybit") {
            venue = lower.contains("spot") ? .bybitSpot : .bybitLinear
        } else {
            return nil
        }
        return CaptureFile(name: relativePath, url: url, format: format, venue: venue)
    }

    /// The file's bytes, decompressed with `/bin/gzip -dc` when it ends in `.gz`.
    static func readBytes(_ url: URL) throws -> [UInt8] {
        guard url.pathExtension == "gz" else { return Array(try Data(contentsOf: url)) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CaptureFileError.gzipFailed(url.path, process.terminationStatus) }
        return Array(data)
    }

    /// Frames of several files merged by receive time (stable: equal times keep file order, first file first).
    /// Use it to interleave a cryptofeed `*.ws.*` capture with its `*.http.*` snapshots.
    static func mergedByTime(_ streams: [[RecordedFrame]]) -> [RecordedFrame] {
        var tagged: [(RecordedFrame, Int, Int)] = []
        for (s, frames) in streams.enumerated() {
            for (i, f) in frames.enumerated() { tagged.append((f, s, i)) }
        }
        tagged.sort { a, b in
            if a.0.receiveTime != b.0.receiveTime { return a.0.receiveTime < b.0.receiveTime }
            return (a.1, a.2) < (b.1, b.2)
        }
        return tagged.map(\.0)
    }

    static func isRESTSnapshot(_ body: [UInt8]) -> Bool {
        let prefix = body.prefix(64)
        return find(Array("\"lastUpdateId\"".utf8), in: prefix[...]) != nil && find(Array("\"stream\"".utf8), in: prefix[...]) == nil
    }

    static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Exact decimal seconds (e.g. `1633998512.0633569`) to ns, no floating point.
    static func secondsToNanos(_ text: String) -> Nanos? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            var digits = String(parts[1].prefix(9))
            guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
            while digits.count < 9 { digits += "0" }
            fraction = Int64(digits) ?? 0
        }
        return Nanos(raw: whole * 1_000_000_000 + fraction)
    }
}
