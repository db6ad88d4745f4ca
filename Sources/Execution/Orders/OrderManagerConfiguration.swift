/// Configuration of an `OrderManager`.
public struct OrderManagerConfiguration: Sendable {
    /// The journal file (created 0600 if absent).
    public var journalPath: String
    public var fsync: JournalFsyncPolicy
    /// Order table slots (a power of two). A slot is reused by the id `capacity` later, so at most
    /// `capacity` orders can be working at once and ended orders stay readable for `capacity` ids.
    public var capacity: Int
    /// Distinct instruments tracked.
    public var maxInstruments: Int

    public init(journalPath: String, fsync: JournalFsyncPolicy = .none, capacity: Int = 1024, maxInstruments: Int = 16) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "capacity must be a power of two")
        precondition(maxInstruments > 0, "maxInstruments must be positive")
        self.journalPath = journalPath
        self.fsync = fsync
        self.capacity = capacity
        self.maxInstruments = maxInstruments
    }
}
