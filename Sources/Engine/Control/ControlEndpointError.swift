import Transport

/// Why a `ControlEndpoint` could not be created or started.
public enum ControlEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bearer token is shorter than `ControlEndpoint.minimumTokenLength` bytes (or empty).
    case tokenTooShort(length: Int)
    /// The bearer token contains bytes outside printable ASCII (it must fit an HTTP header).
    case tokenNotPrintableASCII
    /// The port is outside 0...65535.
    case invalidPort(Int)
    /// The HTTP server could not bind 127.0.0.1:port or start its thread (port in use, ...).
    case startFailed(TransportError)

    public var description: String {
        switch self {
        case .tokenTooShort(let n): "control token must be at least \(ControlEndpoint.minimumTokenLength) bytes (got \(n))"
        case .tokenNotPrintableASCII: "control token must be printable ASCII without spaces"
        case .invalidPort(let p): "control port \(p) is outside 0...65535"
        case .startFailed(let e): "control endpoint failed to start: \(e)"
        }
    }
}
