import HFTPrimitives
#if canImport(Glibc)
import Glibc
#endif

/// The append-only order journal: every intent and order event is written here (one 80-byte
/// CRC32C frame, one `write`) before the order manager acts on it.
///
/// Opening scans the file, truncates a torn tail (a crash mid-`write` or a power loss), and keeps
/// what it found in `recovered`; appends continue the sequence. One writer per file.
/// - Warning: `append` is a system call (≈ 1–2 µs into the page cache); with `.everyRecord` it
///   also waits for the disk. Neither allocates.
public struct OrderJournal: ~Copyable {
    public let path: String
    public let policy: JournalFsyncPolicy
    /// What the file held when it was opened (its torn tail already cut off).
    public let recovered: JournalScan
    /// Sequence number of the last record written (or recovered).
    public private(set) var lastSequence: UInt64
    /// Records appended since open, and fsyncs done.
    public private(set) var appended: UInt64
    public private(set) var fsyncs: UInt64
    @usableFromInline let fd: Int32
    @usableFromInline let frame: UnsafeMutableRawPointer
    @usableFromInline var sinceSync: Int
    @usableFromInline var lastSyncAt: Int64

    /// Opens (creating if absent, mode 0600) the journal at `path`.
    /// - Throws: `JournalError` when the file cannot be opened, read or truncated, or is corrupt
    ///   before its tail.
    public init(path: String, policy: JournalFsyncPolicy) throws(JournalError) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(operation: "open", errno: errno) }
        let scan: JournalScan
        do throws(JournalError) {
            let bytes = try JournalScan.readAll(fd)
            scan = try JournalScan.decode(array: bytes)
            if scan.tornBytes > 0 {
                guard ftruncate(fd, off_t(scan.validLength)) == 0 else { throw JournalError.io(operation: "ftruncate", errno: errno) }
                _ = fsync(fd)
            }
            guard lseek(fd, off_t(scan.validLength), SEEK_SET) >= 0 else { throw JournalError.io(operation: "lseek", errno: errno) }
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        self.path = path
        self.policy = policy
        self.recovered = scan
        self.fd = fd
        self.lastSequence = scan.records.last?.sequence ?? 0
        self.appended = 0
        self.fsyncs = 0
        self.frame = .allocate(byteCount: JournalRecord.size, alignment: 16)
        self.sinceSync = 0
        self.lastSyncAt = Self.monotonicNow()
    }

    @usableFromInline
    static func monotonicNow() -> Int64 {
        var ts = timespec()
        _ = clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    deinit {
        frame.deallocate()
        _ = Glibc.close(fd)
    }

    /// Appends `record` (its sequence set to the next number) and applies the fsync policy.
    /// - Complexity: one `write` (+ `fsync` per policy), no allocation.
    public mutating func append(_ record: JournalRecord) -> JournalAppendResult {
        var r = record
        r.sequence = lastSequence &+ 1
        r.encode(into: frame)
        var done = 0
        while done < JournalRecord.size {
            // SAFETY: `frame` holds `JournalRecord.size` initialised bytes; we write the unwritten rest.
            let n = Glibc.write(fd, frame + done, JournalRecord.size - done)
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                // Cut a partial frame off so the next append starts on a boundary.
                if done > 0 { _ = ftruncate(fd, lseek(fd, 0, SEEK_CUR) - off_t(done)); _ = lseek(fd, 0, SEEK_END) }
                return .failed(errno: e)
            }
            done += n
        }
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

    /// Forces the file to disk now.
    public mutating func sync() -> JournalAppendResult {
        guard fdatasync(fd) == 0 else { return .failed(errno: errno) }
        fsyncs &+= 1
        sinceSync = 0
        lastSyncAt = Self.monotonicNow()
        return .written
    }
}
