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
    /// The first client order id of an empty journal (a recovered journal continues after its last
    /// id). Live runs start from a wall-clock base (`sessionBase`) so that a new journal never
    /// reuses a wire id (`hft-<id>`) the venue still knows from an earlier run; replays start at 1.
    public var firstClientOrderId: UInt64

    public init(journalPath: String, fsync: JournalFsyncPolicy = .none, capacity: Int = 1024, maxInstruments: Int = 16,
                firstClientOrderId: UInt64 = 1) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "capacity must be a power of two")
        precondition(maxInstruments > 0, "maxInstruments must be positive")
        self.journalPath = journalPath
        self.fsync = fsync
        self.capacity = capacity
        self.maxInstruments = maxInstruments
        self.firstClientOrderId = max(1, firstClientOrderId)
    }

    /// A first id unique per start second: Unix seconds × 2^24 (16.7 M ids before the next
    /// second's base; 17 digits, so `hft-<id>` stays far below Binance's 36 characters).
    public static func sessionBase(unixSeconds: Int64) -> UInt64 {
        UInt64(max(1, unixSeconds)) &<< 24
    }
}
