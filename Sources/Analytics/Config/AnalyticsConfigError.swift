/// Why an analytics configuration, micro-price table or HMM parameter file was refused at load.
public enum AnalyticsConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The JSON could not be decoded; the decoder's message.
    case malformed(String)
    /// A parameter is outside its allowed range: name and the reason.
    case invalid(parameter: String, reason: String)
    /// The HMM names an observation feature that the schema does not have.
    case unknownFeature(String)

    public var description: String {
        switch self {
        case .malformed(let m): "malformed analytics config: \(m)"
        case .invalid(let p, let r): "invalid analytics parameter \(p): \(r)"
        case .unknownFeature(let n): "HMM observation feature \(n) is not in the feature schema"
        }
    }
}
