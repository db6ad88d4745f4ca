/// Why the journal could not be opened or read (cold path: start-up).
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `open`, `read`, `ftruncate` or `lseek` failed with this `errno`.
    case io(operation: String, errno: Int32)
    /// A record in the middle of the file fails its CRC while later records are valid: the file
    /// was damaged, not torn by a crash; refuse to start rather than drop acknowledged history.
    case corruptRecord(offset: Int)
    /// Replaying needs more working orders at once than the order table holds (this id collides).
    case tableTooSmall(clientOrderId: UInt64)
    /// The journal names more instruments than the order manager tracks.
    case tooManyInstruments

    public var description: String {
        switch self {
        case .io(let op, let e): return "journal \(op) failed (errno \(e))"
        case .corruptRecord(let offset): return "journal record at byte \(offset) is corrupt and valid records follow it"
        case .tableTooSmall(let id): return "order table too small to replay the journal (order \(id) collides with a working order)"
        case .tooManyInstruments: return "journal names more instruments than maxInstruments"
        }
    }
}
