/// Why a RegimeScalper config was refused.
public enum RegimeScalperConfigError: Error, Equatable, Sendable {
    /// Not JSON, or a value of the wrong type.
    case malformed(String)
    /// A parameter out of range.
    case invalid(String)
}
