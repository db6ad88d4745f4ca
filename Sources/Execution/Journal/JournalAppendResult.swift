/// The outcome of appending one record: a value, never a throw (hot path).
@frozen
public enum JournalAppendResult: BitwiseCopyable, Sendable, Equatable {
    /// The record is in the kernel (and on disk if the fsync policy said so).
    case written
    /// `write` or `fsync` failed with this `errno`: the caller must not act on the record.
    case failed(errno: Int32)
}
