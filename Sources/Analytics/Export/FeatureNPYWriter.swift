/// Writes the feature stream as a NumPy `.npy` (format 1.0) 2-D little-endian array of shape
/// `(rows, 2 + features)`: column 0 is the engine clock in seconds (`time_ns / 1e9`, so about
/// 0.2 µs resolution at today's Unix times), column 1 the event kind (0 book, 1 trade), then the
/// features in schema order. Element type is
/// `<f4` (`Float`) or `<f8` (`Double`). The header is written with room for any row count and
/// rewritten with the final shape by `close()`; a file not closed has shape `(0, …)`.
/// Load with `numpy.load(path)`; the column names are `["time_s", "event"] + schema.names`.
/// Cold path: it buffers rows and writes them in blocks.
public final class FeatureNPYWriter {
    public enum Precision: Sendable {
        case float32, float64
    }

    public let schema: FeatureSchema
    public let precision: Precision
    private let file: FeatureFileWriter
    private var buffer: [UInt8] = []
    public private(set) var rows = 0
    /// Header length including magic and padding (a multiple of 64).
    static let headerLength = 128

    public init(path: String, schema: FeatureSchema, precision: Precision = .float32) throws(FeatureExportError) {
        self.schema = schema
        self.precision = precision
        self.file = try FeatureFileWriter(path: path)
        try file.write(header(rows: 0))
        buffer.reserveCapacity(1 << 16)
    }

    private func header(rows: Int) -> [UInt8] {
        let descr = precision == .float32 ? "<f4" : "<f8"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(schema.count + 2)), }"
        let fixed = 10
        while fixed + dict.utf8.count + 1 < FeatureNPYWriter.headerLength { dict += " " }
        dict += "\n"
        let len = UInt16(dict.utf8.count)
        var h: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(len & 0xFF), UInt8(len >> 8)]
        h += Array(dict.utf8)
        return h
    }

    /// Appends one row. - Throws: `.rowWidth` when `features.count != schema.count`, `.write` on I/O failure.
    public func append(time: Int64, event: FeatureEventKind, features: UnsafeBufferPointer<Double>) throws(FeatureExportError) {
        guard features.count == schema.count else { throw .rowWidth(expected: schema.count, actual: features.count) }
        put(Double(time) / 1e9)
        put(Double(event.rawValue))
        for v in features { put(v) }
        rows += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func put(_ v: Double) {
        switch precision {
        case .float32: withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
        case .float64: withUnsafeBytes(of: v.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
        }
    }

    private func flush() throws(FeatureExportError) {
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the remaining rows, the final shape, and closes the file.
    public func close() throws(FeatureExportError) {
        try flush()
        let h = header(rows: rows)
        precondition(h.count == FeatureNPYWriter.headerLength, "npy header must keep its reserved length")
        try file.rewrite(at: 0, h)
        try file.close()
    }
}
