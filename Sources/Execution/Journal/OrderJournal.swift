import HFTPrimitives
#if canImport(Glibc)
import Glibc
#endif

/// The append-only order journal: every intent and order event is written here (one 80-byte
/// CRC32C frame) before the order manager acts on it.
///
/// The file is memory-mapped (`MAP_SHARED`) over space reserved with `posix_fallocate`, so an
/// append is an encode into the page cache with no system call: as durable against a process crash
/// as a `write(2)` (the kernel owns the pages), and, like it, made durable against power loss by the
/// fsync policy (`msync` + `fdatasync`). Reserving the blocks up front turns a full disk into an
/// error at open or growth, never a `SIGBUS` on a page fault; writing zeros over the reservation at
/// open and growth takes the first-write page faults off the hot path. Closing cuts the file back to its
/// records; after a crash the reserved tail is zeros, which a scan skips (see `JournalScan`).
///
/// Opening scans the file, truncates a torn tail (a crash mid-record or a power loss), and keeps
/// what it found in `recovered`; appends continue the sequence. One writer per file.
/// - Warning: an append that outgrows the reservation remaps the file (doubling it, ≥ 1 MiB each
///   time: once per 13 k records at the start): a system call on that one append. Nothing allocates.
public struct OrderJournal: ~Copyable {
    public let path: String
    public let policy: JournalFsyncPolicy
    /// What the file held when it was opened (its torn tail already cut off).
    public let recovered: JournalScan
    /// Sequence number of the last record written (or recovered).
    public private(set) var lastSequence: UInt64
    /// Records appended since open, fsyncs done, and remaps (growths of the reservation).
    public private(set) var appended: UInt64
    public private(set) var fsyncs: UInt64
    public private(set) var remaps: UInt64 = 0
    @usableFromInline let fd: Int32
    /// The mapping of `capacity` bytes; records occupy `[0, length)`.
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var length: Int
    /// Start of the bytes not yet made durable by the fsync policy.
    @usableFromInline var syncedLength: Int
    @usableFromInline var sinceSync: Int
    @usableFromInline var lastSyncAt: Int64
    /// Reservation granularity.
    public static let growth = 1 << 20

    /// Opens (creating if absent, mode 0600) the journal at `path`.
    /// - Throws: `JournalError` when the file cannot be opened, read, truncated, reserved or mapped,
    ///   or is corrupt before its tail.
    public init(path: String, policy: JournalFsyncPolicy) throws(JournalError) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(operation: "open", errno: errno) }
        let scan: JournalScan
        let capacity: Int
        let base: UnsafeMutableRawPointer
        do throws(JournalError) {
            let bytes = try JournalScan.readAll(fd)
            scan = try JournalScan.decode(array: bytes)
            if scan.tornBytes > 0 || bytes.count > scan.validLength {
                guard ftruncate(fd, off_t(scan.validLength)) == 0 else { throw JournalError.io(operation: "ftruncate", errno: errno) }
                _ = fsync(fd)
            }
            capacity = Self.reservation(for: scan.validLength + JournalRecord.size)
            base = try Self.map(fd, capacity: capacity)
            Self.prefault(base, from: scan.validLength, to: capacity)
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        self.path = path
        self.policy = policy
        self.recovered = scan
        self.fd = fd
        self.base = base
        self.capacity = capacity
        self.length = scan.validLength
        self.syncedLength = scan.validLength
        self.lastSequence = scan.records.last?.sequence ?? 0
        self.appended = 0
        self.fsyncs = 0
        self.sinceSync = 0
        self.lastSyncAt = Self.monotonicNow()
    }

    /// Bytes to reserve for `needed` bytes of records: a whole number of `growth` steps.
    static func reservation(for needed: Int) -> Int {
        (needed + growth - 1) / growth * growth
    }

    /// Reserves `capacity` bytes of blocks and maps them shared.
    static func map(_ fd: Int32, capacity: Int) throws(JournalError) -> UnsafeMutableRawPointer {
        let rc = posix_fallocate(fd, 0, off_t(capacity))
        guard rc == 0 else { throw .io(operation: "posix_fallocate", errno: rc) }
        guard let p = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw .io(operation: "mmap", errno: errno)
        }
        return p
    }

    /// Writes zeros over the reserved, unused bytes so that their first append takes no page fault
    /// (the first write to a reserved block otherwise converts its extent: hundreds of µs once).
    static func prefault(_ base: UnsafeMutableRawPointer, from start: Int, to end: Int) {
        guard end > start else { return }
        // SAFETY: [start, end) lies inside the mapping and holds no records yet.
        memset(base + start, 0, end - start)
    }

    @usableFromInline
    static func monotonicNow() -> Int64 {
        var ts = timespec()
        _ = clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    deinit {
        _ = msync(base, capacity, MS_ASYNC)
        _ = munmap(base, capacity)
        _ = ftruncate(fd, off_t(length))
        _ = Glibc.close(fd)
    }

    /// Appends `record` (its sequence set to the next number) and applies the fsync policy.
    /// - Complexity: an 80-byte encode into the mapping (+ `msync`/`fdatasync` per policy); no
    ///   allocation, no system call unless the reservation grows or the policy syncs.
    public mutating func append(_ record: JournalRecord) -> JournalAppendResult {
        if length + JournalRecord.size > capacity {
            let grown = capacity * 2
            _ = munmap(base, capacity)
            do {
                base = try Self.map(fd, capacity: grown)
            } catch {
                // Map the old size again so the journal stays usable for what fits.
                if let p = try? Self.map(fd, capacity: capacity) { base = p }
                if case .io(_, let e) = error { return .failed(errno: e) }
                return .failed(errno: EIO)
            }
            Self.prefault(base, from: capacity, to: grown)
            capacity = grown
            remaps &+= 1
        }
        var r = record
        r.sequence = lastSequence &+ 1
        // SAFETY: length + size ≤ capacity: the frame lies inside the mapping.
        r.encode(into: base + length)
        length &+= JournalRecord.size
        lastSequence = r.sequence
        appended &+= 1
        sinceSync &+= 1
        let due: Bool
        switch policy {
        case .none: due = false
        case .everyRecord: due = true
        case .everyRecords(let n): due = sinceSync >= n
        case .interval(let t): due = Self.monotonicNow() &- lastSyncAt >= t.raw
        }
        if due { return sync() }
        return .written
    }

    /// Reads one byte of every cache line the next `records` appends will write (reserved, zero, not
    /// yet written), changing nothing. Between orders those lines go cold (untouched since the
    /// reservation was zeroed, their page out of the TLB); an order's two records then wait for
    /// memory on its tick→order. Lines past the reservation are skipped (the append remaps anyway).
    /// Returns the bytes read (zeros), for the caller to keep.
    public func touchNext(records: Int) -> UInt64 {
        let end = min(capacity, length &+ records &* JournalRecord.size)
        var sum: UInt64 = 0
        var at = length
        while at < end {
            // SAFETY: length <= at < end <= capacity: inside the mapping.
            sum &+= UInt64(base.load(fromByteOffset: at, as: UInt8.self))
            at = (at | 63) &+ 1
        }
        return sum
    }

    /// Forces the records written so far to disk now.
    public mutating func sync() -> JournalAppendResult {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = syncedLength / page * page
        if length > start {
            // SAFETY: [start, length) lies inside the mapping; `start` is page aligned.
            guard msync(base + start, length - start, MS_SYNC) == 0 else { return .failed(errno: errno) }
        }
        guard fdatasync(fd) == 0 else { return .failed(errno: errno) }
        syncedLength = length
        fsyncs &+= 1
        sinceSync = 0
        lastSyncAt = Self.monotonicNow()
        return .written
    }
}
