import HFTPrimitives

/// Where and why reading a capture stopped before the end of the file.
public struct CaptureTornTail: Sendable, Hashable {
    /// File offset of the first byte not read as a valid record.
    public var offset: Int
    /// Bytes from `offset` to the end of the file.
    public var bytes: Int
    public var reason: String
}

/// A capture read into memory: its frames, and the torn tail if reading stopped early.
public struct CaptureContents: Sendable {
    public var frames: FrameSequence
    public var tornTail: CaptureTornTail?
}

/// Reads capture files (`CaptureFileLayout`). Cold path: loads the file into memory once; the frame
/// table points into that one buffer (no per-frame copy).
public enum CaptureReader {
    /// Reads every valid record; a torn tail is reported in the result, not thrown.
    /// - Throws: I/O errors, a bad magic, an unknown version or a corrupt header.
    public static func read(path: String) throws(CaptureError) -> CaptureContents {
        try read(bytes: FileBytes.read(path))
    }

    /// Reads a capture held in memory.
    public static func read(bytes: [UInt8]) throws(CaptureError) -> CaptureContents {
        let parsed: (venue: VenueId?, symbols: [String], length: Int)
        parsed = try CaptureFileLayout.parseHeader(bytes)
        var frames: [FrameRecord] = []
        var torn: CaptureTornTail? = nil
        bytes.withUnsafeBytes { b in
            var offset = parsed.length
            scan: while true {
                switch CaptureFileLayout.checkRecord(b, at: offset) {
                case .record(let f, let next):
                    frames.append(f)
                    offset = next
                case .end:
                    break scan
                case .torn(let reason):
                    torn = CaptureTornTail(offset: offset, bytes: b.count - offset, reason: reason)
                    break scan
                }
            }
        }
        return CaptureContents(frames: FrameSequence(venue: parsed.venue, symbols: parsed.symbols, bytes: bytes, frames: frames), tornTail: torn)
    }
}
