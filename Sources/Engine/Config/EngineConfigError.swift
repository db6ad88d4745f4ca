/// Why a config file was refused at start-up. Every case names the key (a dotted path) it is about.
public enum EngineConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not a JSON object.
    case malformed(String)
    /// A key the config does not define (usually a typo).
    case unknownKey(String)
    /// A required key is missing.
    case missing(String)
    /// A value has the wrong type or is out of range.
    case invalid(key: String, problem: String)
    /// A secret could not be read safely (a file readable by others, an unset variable).
    case secret(key: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "config \(path): cannot read it: \(reason)"
        case .malformed(let detail): return "config: not a JSON object: \(detail)"
        case .unknownKey(let key): return "config: unknown key \(key)"
        case .missing(let key): return "config: \(key) is required"
        case .invalid(let key, let problem): return "config: \(key): \(problem)"
        case .secret(let key, let problem): return "config: \(key): \(problem)"
        }
    }
}
