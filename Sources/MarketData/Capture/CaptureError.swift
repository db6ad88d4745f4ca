/// Why a capture or an import could not be read or written (boundary errors: these throw).
public enum CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A system call failed: the operation, the path and `errno`.
    case io(operation: String, path: String, errno: Int32)
    /// The file does not start with the capture magic.
    case badMagic
    /// A capture version this build cannot read.
    case unsupportedVersion(UInt16)
    /// The header is truncated or its CRC does not match.
    case corruptHeader
    /// A record payload above `CaptureFormat.maxRecordLength`.
    case recordTooLarge(Int)
    /// The content matches no known format (or not the one forced).
    case unrecognizedFormat(String)
    /// A line of a text format could not be read: file, 1-based line, reason.
    case malformedLine(path: String, line: Int, reason: String)
    /// gzip/zlib decoding failed with this zlib code.
    case decompression(Int32)
    /// More symbols than a channel can index, or a symbol longer than 255 bytes.
    case tooManySymbols

    public var description: String {
        switch self {
        case .io(let op, let path, let e): return "\(op) \(path): errno \(e)"
        case .badMagic: return "not a capture file (bad magic)"
        case .unsupportedVersion(let v): return "unsupported capture version \(v)"
        case .corruptHeader: return "corrupt capture header"
        case .recordTooLarge(let n): return "record of \(n) bytes exceeds the limit"
        case .unrecognizedFormat(let why): return "unrecognized format: \(why)"
        case .malformedLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .decompression(let code): return "gzip decoding failed (zlib \(code))"
        case .tooManySymbols: return "too many or too long symbols for a capture header"
        }
    }
}
