/// Why a model bundle or plugin built for one feature schema was refused by another; names the
/// first difference.
public enum FeatureSchemaMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    /// The feature-semantics versions differ.
    case version(expected: Int, actual: Int)
    /// The first index where the names differ.
    case name(index: Int, expected: String, actual: String)
    /// Same name at `index`, different unit.
    case unit(index: Int, name: String, expected: String, actual: String)
    /// One list is a strict prefix of the other; the first feature present in only one of them.
    case count(expected: Int, actual: Int, firstUnmatched: String)
    /// Names, units and version agree but the ids differ (a corrupt or hand-edited id).
    case id(expected: String, actual: String)

    public var description: String {
        switch self {
        case .version(let e, let a): "feature schema version \(a), expected \(e)"
        case .name(let i, let e, let a): "feature \(i) is \(a), expected \(e)"
        case .unit(let i, let n, let e, let a): "feature \(i) (\(n)) has unit \(a), expected \(e)"
        case .count(let e, let a, let f): "feature schema has \(a) features, expected \(e); first unmatched: \(f)"
        case .id(let e, let a): "feature schema id \(a), expected \(e)"
        }
    }
}
