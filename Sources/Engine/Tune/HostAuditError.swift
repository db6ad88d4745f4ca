/// Why `HostAudit` could not audit a host.
public enum HostAuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The filesystem root to audit is not a readable directory.
    case rootNotFound(String)

    public var description: String {
        switch self {
        case .rootNotFound(let root): "host root '\(root)' is not a readable directory"
        }
    }
}
