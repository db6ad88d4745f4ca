/// Why a feature export file could not be written.
public enum FeatureExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be created or opened: path and `errno`.
    case open(path: String, errno: Int32)
    /// A write or the final header rewrite failed: path and `errno`.
    case write(path: String, errno: Int32)
    /// A row did not have the schema's feature count.
    case rowWidth(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .open(let p, let e): "cannot open \(p) for writing (errno \(e))"
        case .write(let p, let e): "write to \(p) failed (errno \(e))"
        case .rowWidth(let e, let a): "feature row has \(a) values, expected \(e)"
        }
    }
}
