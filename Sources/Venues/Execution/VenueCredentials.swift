import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why credentials could not be loaded (cold path: start-up). Messages never contain a secret.
public enum VenueCredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The named environment variable is unset or empty.
    case missingEnvironment(String)
    /// The file could not be opened or read (`errno`).
    case unreadable(path: String, errno: Int32)
    /// The file is readable or writable by group or others; `chmod 600` it.
    case insecurePermissions(path: String, mode: UInt32)
    /// The file lacks an `api_key=` or `secret=` line.
    case malformed(path: String)

    public var description: String {
        switch self {
        case .missingEnvironment(let name): return "environment variable \(name) is not set"
        case .unreadable(let path, let e): return "cannot read credentials file \(path) (errno \(e))"
        case .insecurePermissions(let path, let mode):
            return "credentials file \(path) has mode \(String(mode & 0o777, radix: 8)); it must not be accessible by group or others (chmod 600)"
        case .malformed(let path): return "credentials file \(path) needs api_key= and secret= lines"
        }
    }
}

/// How a venue's requests are signed.
public enum SignatureScheme: String, Sendable, Equatable, CaseIterable {
    /// HMAC-SHA256 with the API secret (hex signature).
    case hmacSHA256 = "hmac"
    /// Ed25519 with the private key of a Binance Ed25519 API key (base64 signature).
    case ed25519
}

/// An API key and its secret. Never printed: `description` and `debugDescription` redact both
/// (the key shows its first 4 characters so operators can tell keys apart).
public struct VenueCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let apiKey: String
    /// The HMAC secret, or for `.ed25519` the private key: a PKCS#8 PEM (`-----BEGIN PRIVATE
    /// KEY-----`, what Binance's key generator writes) or the base64 of the raw 32-byte seed.
    public let secret: String
    public let scheme: SignatureScheme

    public init(apiKey: String, secret: String, scheme: SignatureScheme = .hmacSHA256) {
        self.apiKey = apiKey
        self.secret = secret
        self.scheme = scheme
    }

    /// The 32-byte Ed25519 seed in `secret`, or nil when it is neither form.
    public var ed25519Seed: [UInt8]? {
        var body = secret
        if secret.contains("-----BEGIN") {
            body = secret.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                .filter { !$0.hasPrefix("-----") }.joined()
        }
        guard let der = Data(base64Encoded: body.filter { !$0.isWhitespace }) else { return nil }
        let bytes = [UInt8](der)
        if bytes.count == 32 { return bytes }
        // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410): a fixed 16-byte header, then the seed.
        let header: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
        guard bytes.count == 48, Array(bytes[0..<16]) == header else { return nil }
        return Array(bytes[16...])
    }

    public var description: String { "VenueCredentials(apiKey: \(apiKey.prefix(4))…, secret: <redacted>)" }
    public var debugDescription: String { description }

    /// From environment variables (e.g. `HFT_BINANCE_API_KEY`, `HFT_BINANCE_SECRET`).
    public static func fromEnvironment(apiKey keyName: String, secret secretName: String) throws(VenueCredentialsError) -> VenueCredentials {
        guard let k = getenv(keyName).map({ String(cString: $0) }), !k.isEmpty else { throw .missingEnvironment(keyName) }
        guard let s = getenv(secretName).map({ String(cString: $0) }), !s.isEmpty else { throw .missingEnvironment(secretName) }
        return VenueCredentials(apiKey: k, secret: s)
    }

    /// From a file of `api_key=…` and `secret=…` lines (`#` comments allowed). Refuses a file that
    /// group or others can read or write (mode must be 0600 or 0400).
    public static func fromFile(_ path: String) throws(VenueCredentialsError) -> VenueCredentials {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, errno: errno) }
        defer { _ = close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(path: path, errno: errno) }
        guard st.st_mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: UInt32(st.st_mode)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw .unreadable(path: path, errno: errno) }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > 65_536 { throw .malformed(path: path) }
        }
        var key: String?
        var secret: String?
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let t = line.trimmingSpaces
            if t.hasPrefix("#") || t.isEmpty { continue }
            if t.hasPrefix("api_key=") { key = String(t.dropFirst(8)) }
            if t.hasPrefix("secret=") { secret = String(t.dropFirst(7)) }
        }
        guard let key, !key.isEmpty, let secret, !secret.isEmpty else { throw .malformed(path: path) }
        return VenueCredentials(apiKey: key, secret: secret)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
