#if canImport(Glibc)
import Glibc
#endif

/// What reading a journal file found.
public struct JournalScan: Sendable {
    /// Every valid record, in file order.
    public var records: [JournalRecord]
    /// Bytes after the last valid record that were a torn tail (a short or CRC-failing last frame).
    public var tornBytes: Int
    /// Byte length of the valid prefix.
    public var validLength: Int

    public init(records: [JournalRecord], tornBytes: Int, validLength: Int) {
        self.records = records
        self.tornBytes = tornBytes
        self.validLength = validLength
    }

    /// Decodes a whole journal image. A bad frame followed only by bad or partial frames is a torn
    /// tail; a bad frame followed by a valid one is corruption. Trailing zero bytes after the last
    /// frame that holds data are the writer's reserved, never-written space (`OrderJournal` maps
    /// ahead): they are neither records nor a torn tail.
    public static func decode(_ all: UnsafeRawBufferPointer) throws(JournalError) -> JournalScan {
        var used = all.count
        while used > 0 && all[used - 1] == 0 { used -= 1 }
        used = min(all.count, (used + JournalRecord.size - 1) / JournalRecord.size * JournalRecord.size)
        let bytes = UnsafeRawBufferPointer(rebasing: all[0..<used])
        var records: [JournalRecord] = []
        records.reserveCapacity(bytes.count / JournalRecord.size)
        var offset = 0
        guard let base = bytes.baseAddress else { return JournalScan(records: [], tornBytes: 0, validLength: 0) }
        while offset + JournalRecord.size <= bytes.count {
            // SAFETY: offset + size ≤ count, so the frame lies inside `bytes`.
            guard let r = JournalRecord.decode(base + offset) else { break }
            records.append(r)
            offset += JournalRecord.size
        }
        if offset < bytes.count {
            // Anything valid after the first bad frame means the middle of the file is damaged.
            var probe = offset + JournalRecord.size
            while probe + JournalRecord.size <= bytes.count {
                if JournalRecord.decode(base + probe) != nil { throw .corruptRecord(offset: offset) }
                probe += JournalRecord.size
            }
        }
        return JournalScan(records: records, tornBytes: bytes.count - offset, validLength: offset)
    }

    /// Reads and decodes the file at `path` without changing it (an absent file is empty).
    public static func read(path: String) throws(JournalError) -> JournalScan {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return JournalScan(records: [], tornBytes: 0, validLength: 0) }
            throw .io(operation: "open", errno: errno)
        }
        defer { _ = Glibc.close(fd) }
        let bytes = try readAll(fd)
        return try decode(array: bytes)
    }

    /// `decode` over an array's bytes.
    static func decode(array bytes: [UInt8]) throws(JournalError) -> JournalScan {
        let result = bytes.withUnsafeBytes { b in Result { () throws(JournalError) -> JournalScan in try decode(b) } }
        return try result.get()
    }

    static func readAll(_ fd: Int32) throws(JournalError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}
