import CSimdjson
import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData

/// The Binance depth diffs of one real hb capture, copied into one arena, each followed by
/// simdjson's padding, plus the instrument inferred from the capture. Cold path: built once
/// before measuring; the measured loops read it only through raw pointers.
struct DepthCorpus: @unchecked Sendable {
    // SAFETY: (Sendable) immutable after init; the arena and table are never freed (process lifetime).
    let name: String
    let arena: UnsafeMutableRawPointer
    /// (offset, length) per message.
    let table: UnsafeMutableBufferPointer<(Int, Int)>
    let spec: InstrumentSpec
    let symbol: String
    let totalBytes: Int
    let levelCount: Int

    var count: Int { table.count }

    /// Loads `relativePath` (an hb `.gz`), keeping the frames whose stream is `<symbol>@depth...`.
    init(name: String, relativePath: String, venue: VenueId) {
        self.name = name
        let url = MarketDataDirectory.url.appendingPathComponent(relativePath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { fatalError("cannot run gzip on \(url.path): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, !data.isEmpty else { fatalError("cannot read \(url.path)") }

        var frames: [[UInt8]] = []
        var inference = ScaleInference()
        var symbol = ""
        for line in data.split(separator: 0x0A) {
            guard let space = line.firstIndex(of: 0x20) else { continue }
            let body = Array(line[(space + 1)...])
            let isDepth = String(decoding: body.prefix(48), as: UTF8.self).contains("@depth")
            let isSnapshot = String(decoding: body.prefix(24), as: UTF8.self).contains("lastUpdateId")
            if isDepth || isSnapshot {
                _ = body.withUnsafeBytes { inference.observe($0) }
            }
            if isDepth {
                if symbol.isEmpty, let text = String(bytes: body.prefix(64), encoding: .utf8),
                   let range = text.range(of: "\"stream\":\""), let at = text[range.upperBound...].firstIndex(of: "@") {
                    symbol = String(text[range.upperBound..<at]).uppercased()
                }
                frames.append(body)
            }
        }
        guard !frames.isEmpty else { fatalError("no depth diffs in \(url.path)") }
        let padding = hft_simdjson_padding()
        let total = frames.reduce(0) { $0 + $1.count + padding }
        let arena = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: total)
        let table = UnsafeMutableBufferPointer<(Int, Int)>.allocate(capacity: frames.count)
        var offset = 0
        for (i, f) in frames.enumerated() {
            // SAFETY: offset + f.count + padding <= total by construction.
            f.withUnsafeBytes { (arena + offset).copyMemory(from: $0.baseAddress!, byteCount: f.count) }
            table[i] = (offset, f.count)
            offset += f.count + padding
        }
        self.arena = arena
        self.table = table
        self.symbol = symbol
        let spec = inference.spec(id: InstrumentId(raw: 1), venue: venue)
        self.spec = spec
        self.totalBytes = frames.reduce(0) { $0 + $1.count }
        var levels = 0
        // Both decoders must agree on every message before anything is measured.
        let parser = BinanceParser(symbols: SymbolTable([(symbol: symbol, spec: spec)]))
        var buffer = DepthLevelBuffer(capacityPerSide: 5_000)
        var trades = TradeBuffer(capacity: 16)
        guard let sj = hft_simdjson_parser_create(1 << 20) else { fatalError("simdjson parser") }
        defer { hft_simdjson_parser_destroy(sj) }
        for i in 0..<table.count {
            let (o, n) = table[i]
            let r = parser.parse(UnsafeRawBufferPointer(start: arena + o, count: n), receiveTime: .zero, levels: &buffer, trades: &trades)
            var out = hft_simdjson_depth()
            let code = hft_simdjson_parse_depth(sj, (arena + o).assumingMemoryBound(to: CChar.self), n, n + padding, &out)
            guard case .depth(let h) = r, code == 0, UInt64(h.bidCount) == out.bid_count, UInt64(h.askCount) == out.ask_count,
                  h.firstUpdateId == out.first_update_id, h.finalUpdateId == out.final_update_id else {
                fatalError("\(relativePath): message \(i): Swift \(r) vs simdjson code \(code) \(out)")
            }
            levels += Int(h.bidCount + h.askCount)
        }
        self.levelCount = levels
    }

    func describe() -> String {
        "\(name): \(count) depth diffs of \(symbol), \(totalBytes / count) B and \(Double(levelCount) / Double(count)) levels "
            + "per message on average, scales \(spec.priceScale)/\(spec.quantityScale), simdjson kernel \(String(cString: hft_simdjson_implementation()))"
    }
}
