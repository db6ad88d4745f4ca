/// A parsed `ws://`, `wss://`, `http://` or `https://` URL: what libwebsockets needs to connect.
///
/// Parsing is cold-path (configuration time). Userinfo, IPv6 literals and fragments are not supported.
public struct TransportURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL scheme, which fixes the protocol and whether TLS is used.
    public enum Scheme: String, Sendable, Hashable {
        case ws, wss, http, https

        /// Whether the scheme runs over TLS.
        public var isSecure: Bool { self == .wss || self == .https }
        /// The port used when the URL does not name one.
        public var defaultPort: Int { isSecure ? 443 : 80 }
    }

    public var scheme: Scheme
    /// Host name or IPv4 literal, sent as SNI and `Host:` and checked against the certificate.
    public var host: String
    public var port: Int
    /// Path including the query string, always starting with `/` (e.g. `/stream?streams=a/b`).
    public var pathAndQuery: String

    public init(scheme: Scheme, host: String, port: Int? = nil, pathAndQuery: String = "/") {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.pathAndQuery = pathAndQuery.hasPrefix("/") ? pathAndQuery : "/" + pathAndQuery
    }

    /// Parses `scheme://host[:port][/path][?query]`; returns nil for anything else.
    public init?(_ string: String) {
        let utf8 = Array(string.utf8)
        guard let sepOffset = (0..<max(0, utf8.count - 2)).first(where: {
            utf8[$0] == UInt8(ascii: ":") && utf8[$0 + 1] == UInt8(ascii: "/") && utf8[$0 + 2] == UInt8(ascii: "/")
        }) else { return nil }
        let sep = string.utf8.index(string.startIndex, offsetBy: sepOffset)
        guard let scheme = Scheme(rawValue: string[..<sep].lowercased()) else { return nil }
        let rest = string[string.utf8.index(sep, offsetBy: 3)...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        if let hashIndex = path.firstIndex(of: "#") { path = String(path[..<hashIndex]) }
        guard !authority.isEmpty, !authority.contains("@"), !authority.hasPrefix("[") else { return nil }
        var host = Substring(authority)
        var port: Int? = nil
        if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        }
        guard !host.isEmpty else { return nil }
        self.init(scheme: scheme, host: String(host), port: port, pathAndQuery: path)
    }

    public var description: String {
        let showPort = port != scheme.defaultPort
        return "\(scheme.rawValue)://\(host)\(showPort ? ":\(port)" : "")\(pathAndQuery)"
    }
}
