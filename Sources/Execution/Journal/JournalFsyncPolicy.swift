import HFTPrimitives

/// When the journal calls `fsync`. Every record is handed to the kernel (`write`) before the
/// order manager acts on it, so a killed process never loses a record; the policy decides how
/// much a power loss or kernel crash can lose.
@frozen
public enum JournalFsyncPolicy: Sendable, Equatable {
    /// Never: the page cache decides (survives `kill -9`, not a power loss).
    case none
    /// After every `n` records.
    case everyRecords(Int)
    /// After every record (≈ 0.1–5 ms each on real disks: not for the hot path).
    case everyRecord
    /// When at least this long has passed since the last fsync (checked on append).
    case interval(Nanos)

    /// Parses the config value: `none`, `every-record`, `every:<n>`, `interval-ms:<ms>`.
    public init?(config text: String) {
        if text == "none" { self = .none; return }
        if text == "every-record" { self = .everyRecord; return }
        if text.hasPrefix("every:"), let n = Int(text.dropFirst(6)), n > 0 { self = .everyRecords(n); return }
        if text.hasPrefix("interval-ms:"), let ms = Int64(text.dropFirst(12)), ms > 0 { self = .interval(.milliseconds(ms)); return }
        return nil
    }
}
