#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HFTPrimitives

/// When a `CaptureWriter` forces its data to stable storage.
@frozen
public enum CaptureFsyncPolicy: Sendable, Hashable {
    /// Never (the OS writes back; a crash loses what the kernel had not written).
    case none
    /// Flush and `fsync` after every N records.
    case everyRecords(Int)
    /// Flush and `fsync` after every record (slowest, loses nothing acknowledged).
    case everyRecord
}

/// Appends records to a capture file (`CaptureFileLayout`) through a user-space buffer.
///
/// Opening an existing capture validates its header, scans its records and truncates a torn tail
/// (partial record or bad CRC at the end, from a crash) before appending; `truncatedTailBytes`
/// says how much was cut. Used by the recorder thread, not the book's hot path: appends copy into
/// the buffer (no allocation) and write when it fills.
public struct CaptureWriter: ~Copyable {
    public let path: String
    public let venue: VenueId?
    public let symbols: [String]
    public let fsyncPolicy: CaptureFsyncPolicy
    /// Bytes of torn tail removed when the file was opened.
    public let truncatedTailBytes: Int
    /// Records already in the file when it was opened.
    public let existingRecords: Int
    @usableFromInline let fd: Int32
    @usableFromInline let buffer: UnsafeMutableRawPointer
    @usableFromInline let bufferCapacity: Int
    @usableFromInline var buffered: Int
    @usableFromInline var sinceSync: Int
    /// Records appended through this writer.
    public private(set) var appendedRecords: Int
    @usableFromInline var closed: Bool

    /// Opens (creating if absent or empty) the capture at `path`. An existing file keeps its own
    /// venue and symbols; `venue`/`symbols` only describe a new file.
    public init(path: String, venue: VenueId?, symbols: [String], fsync: CaptureFsyncPolicy = .none, bufferBytes: Int = 1 << 20) throws(CaptureError) {
        var truncated = 0
        var existing = 0
        var headerVenue = venue
        var headerSymbols = symbols
        var size = 0
        if FileBytes.exists(path) {
            let bytes = try FileBytes.read(path)
            size = bytes.count
            if size > 0 {
                let parsed: (venue: VenueId?, symbols: [String], length: Int)
                parsed = try CaptureFileLayout.parseHeader(bytes)
                headerVenue = parsed.venue
                headerSymbols = parsed.symbols
                var offset = parsed.length
                bytes.withUnsafeBytes { b in
                    scan: while true {
                        switch CaptureFileLayout.checkRecord(b, at: offset) {
                        case .record(_, let next): offset = next; existing += 1
                        case .end, .torn: break scan
                        }
                    }
                }
                truncated = size - offset
                if truncated > 0 {
                    guard truncate(path, off_t(offset)) == 0 else { throw .io(operation: "truncate", path: path, errno: errno) }
                }
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        if size == 0 {
            let header: [UInt8]
            do throws(CaptureError) {
                header = try CaptureFileLayout.header(venue: venue, symbols: symbols)
                try FileBytes.writeAll(fd, header, path: path)
            } catch {
                Glibc.close(fd)
                throw error
            }
        }
        self.path = path
        self.venue = headerVenue
        self.symbols = headerSymbols
        self.fsyncPolicy = fsync
        self.truncatedTailBytes = truncated
        self.existingRecords = existing
        self.fd = fd
        self.bufferCapacity = max(4096, bufferBytes)
        self.buffer = .allocate(byteCount: max(4096, bufferBytes), alignment: 64)
        self.buffered = 0
        self.sinceSync = 0
        self.appendedRecords = 0
        self.closed = false
    }

    deinit {
        if !closed {
            // Best effort: the owner should call `close()` to see errors.
            if buffered > 0 { _ = write(fd, buffer, buffered) }
            Glibc.close(fd)
        }
        buffer.deallocate()
    }

    /// Appends one record. Throws only when a write or fsync fails.
    /// - Precondition: `bytes.count <= CaptureFileLayout.maxRecordLength`; the writer is open.
    public mutating func append(receiveTime: Nanos, channel: CaptureChannel, bytes: UnsafeRawBufferPointer) throws(CaptureError) {
        precondition(!closed, "capture writer is closed")
        guard bytes.count <= CaptureFileLayout.maxRecordLength else { throw .recordTooLarge(bytes.count) }
        let total = CaptureFileLayout.recordHeaderLength + bytes.count + CaptureFileLayout.recordTrailerLength
        let fits = total <= bufferCapacity
        if buffered + (fits ? total : CaptureFileLayout.recordHeaderLength) > bufferCapacity { try flush() }
        // SAFETY: after the flush there are at least `recordHeaderLength` (or `total` when it fits) free bytes at `buffered`.
        let head = buffer + buffered
        head.storeBytes(of: UInt32(truncatingIfNeeded: bytes.count).littleEndian, as: UInt32.self)
        head.storeBytes(of: channel.raw.littleEndian, toByteOffset: 4, as: UInt16.self)
        head.storeBytes(of: UInt16(0), toByteOffset: 6, as: UInt16.self)
        head.storeBytes(of: UInt64(bitPattern: receiveTime.raw).littleEndian, toByteOffset: 8, as: UInt64.self)
        let crc = CRC32C.update(CRC32C.update(0, UnsafeRawBufferPointer(start: head, count: CaptureFileLayout.recordHeaderLength)), bytes)
        if fits {
            if bytes.count > 0 { (head + CaptureFileLayout.recordHeaderLength).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
            (head + CaptureFileLayout.recordHeaderLength + bytes.count).storeBytes(of: crc.littleEndian, as: UInt32.self)
            buffered += total
        } else {
            buffered += CaptureFileLayout.recordHeaderLength
            try flush()
            try FileBytes.writeAll(fd, bytes, path: path)
            buffer.storeBytes(of: crc.littleEndian, as: UInt32.self)
            buffered = CaptureFileLayout.recordTrailerLength
            try flush()
        }
        appendedRecords += 1
        sinceSync += 1
        switch fsyncPolicy {
        case .none: break
        case .everyRecord: try sync()
        case .everyRecords(let n): if sinceSync >= max(1, n) { try sync() }
        }
    }

    /// Appends one record from an array (tools and tests; the recorder uses the pointer form).
    public mutating func append(receiveTime: Nanos, channel: CaptureChannel, contents: [UInt8]) throws(CaptureError) {
        var failure: CaptureError? = nil
        contents.withUnsafeBytes { b in
            do throws(CaptureError) { try append(receiveTime: receiveTime, channel: channel, bytes: b) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes the buffer to the file (no fsync).
    public mutating func flush() throws(CaptureError) {
        guard buffered > 0 else { return }
        try FileBytes.writeAll(fd, UnsafeRawBufferPointer(start: buffer, count: buffered), path: path)
        buffered = 0
    }

    /// Flushes and forces the file to stable storage.
    public mutating func sync() throws(CaptureError) {
        try flush()
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
        sinceSync = 0
    }

    /// Flushes, syncs unless the policy is `.none`, and closes the file.
    public mutating func close() throws(CaptureError) {
        guard !closed else { return }
        if case .none = fsyncPolicy { try flush() } else { try sync() }
        closed = true
        guard Glibc.close(fd) == 0 else { throw .io(operation: "close", path: path, errno: errno) }
    }
}
