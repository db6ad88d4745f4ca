/// Writes the feature stream as CSV: a header `time_ns,event,<feature names in schema order>`, then
/// one row per event with the engine clock in integer ns, the event kind (0 book, 1 trade) and each
/// feature with full `Double`
/// round-trip precision (Swift's shortest representation). Cold path (research and training
/// export, e.g. `hft replay --features out.csv`): it allocates per row.
public final class FeatureCSVWriter {
    public let schema: FeatureSchema
    private let file: FeatureFileWriter
    private var line: [UInt8] = []
    public private(set) var rows = 0

    /// Creates (truncates) `path` and writes the header.
    public init(path: String, schema: FeatureSchema) throws(FeatureExportError) {
        self.schema = schema
        self.file = try FeatureFileWriter(path: path)
        try file.write(Array(("time_ns,event," + schema.names.joined(separator: ",") + "\n").utf8))
    }

    /// Appends one row. - Throws: `.rowWidth` when `features.count != schema.count`, `.write` on I/O failure.
    public func append(time: Int64, event: FeatureEventKind, features: UnsafeBufferPointer<Double>) throws(FeatureExportError) {
        guard features.count == schema.count else { throw .rowWidth(expected: schema.count, actual: features.count) }
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: String(time).utf8)
        line.append(UInt8(ascii: ","))
        line.append(UInt8(ascii: "0") + event.rawValue)
        for v in features {
            line.append(UInt8(ascii: ","))
            if v == 0 {
                line.append(UInt8(ascii: "0"))
            } else {
                line.append(contentsOf: v.description.utf8)
            }
        }
        line.append(UInt8(ascii: "\n"))
        try file.write(line)
        rows += 1
    }

    /// Flushes and closes the file.
    public func close() throws(FeatureExportError) { try file.close() }
}
