import HFTPrimitives

/// The on-disk layout of a capture file (little-endian throughout).
///
/// ```
/// header:  magic "HFTCAPTR" (8) | version u16 | venue u8 (0 = unknown) | flags u8 | symbolCount u16 |
///          reserved u16 | headerLength u32 (whole header, CRC included) |
///          symbolCount × (length u8, UTF-8 bytes) | crc32c u32 of everything before it
/// record:  payloadLength u32 | channel u16 | flags u16 | receiveTime i64 (ns) | payload | crc32c u32
///          (CRC over the 16-byte record header and the payload)
/// ```
/// `channel` is a `CaptureChannel`: kind in the top 4 bits; the symbol index of a REST snapshot, or
/// the connection of a websocket frame (`hft record` since session 17; 0xFFF before and in imports),
/// in the low 12 bits. Readers of either meaning read both kinds of file (version unchanged).
/// Append-only: a crash can leave only a torn tail (a partial record or a bad CRC at the end),
/// which the writer truncates on open and the reader reports and stops at.
public enum CaptureFileLayout {
    public static let magic: [UInt8] = Array("HFTCAPTR".utf8)
    public static let version: UInt16 = 1
    public static let fixedHeaderLength = 20
    public static let recordHeaderLength = 16
    public static let recordTrailerLength = 4
    /// Largest payload accepted; a length above it marks a corrupt record.
    public static let maxRecordLength = 64 << 20

    /// The header bytes for a venue and symbol list.
    static func header(venue: VenueId?, symbols: [String]) throws(CaptureError) -> [UInt8] {
        guard symbols.count < CaptureChannel.noSymbol else { throw .tooManySymbols }
        var out = magic
        out.appendLE(version)
        out.append(venue?.rawValue ?? 0)
        out.append(0)
        out.appendLE(UInt16(symbols.count))
        out.appendLE(UInt16(0))
        var body: [UInt8] = []
        for s in symbols {
            let b = Array(s.utf8)
            guard b.count <= 255 else { throw .tooManySymbols }
            body.append(UInt8(b.count))
            body.append(contentsOf: b)
        }
        out.appendLE(UInt32(fixedHeaderLength + body.count + 4))
        out.append(contentsOf: body)
        let crc = out.withUnsafeBytes { CRC32C.checksum($0) }
        out.appendLE(crc)
        return out
    }

    /// Parses a header at the start of `bytes`.
    static func parseHeader(_ bytes: [UInt8]) throws(CaptureError) -> (venue: VenueId?, symbols: [String], length: Int) {
        let result = bytes.withUnsafeBytes { b in Result { () throws(CaptureError) in try parseHeader(b) } }
        return try result.get()
    }

    /// Parses a header at the start of `bytes`: venue, symbols, and the header length.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) -> (venue: VenueId?, symbols: [String], length: Int) {
        guard bytes.count >= fixedHeaderLength + 4 else {
            if bytes.count >= 8 && !zip(bytes.prefix(8), magic).allSatisfy({ $0 == $1 }) { throw .badMagic }
            throw .corruptHeader
        }
        guard zip(bytes.prefix(8), magic).allSatisfy({ $0 == $1 }) else { throw .badMagic }
        let version = bytes.loadLE(UInt16.self, at: 8)
        guard version == CaptureFileLayout.version else { throw .unsupportedVersion(version) }
        let venueRaw = bytes[10]
        let symbolCount = Int(bytes.loadLE(UInt16.self, at: 12))
        let length = Int(bytes.loadLE(UInt32.self, at: 16))
        guard length >= fixedHeaderLength + 4, length <= bytes.count else { throw .corruptHeader }
        let crc = bytes.loadLE(UInt32.self, at: length - 4)
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(length - 4)])) == crc else { throw .corruptHeader }
        var symbols: [String] = []
        var p = fixedHeaderLength
        for _ in 0..<symbolCount {
            guard p < length - 4 else { throw .corruptHeader }
            let n = Int(bytes[p])
            guard p + 1 + n <= length - 4 else { throw .corruptHeader }
            symbols.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(p + 1)..<(p + 1 + n)]), as: UTF8.self))
            p += 1 + n
        }
        return (venueRaw == 0 ? nil : VenueId(rawValue: venueRaw), symbols, length)
    }

    /// Result of checking one record at `offset`.
    enum RecordCheck {
        case record(FrameRecord, next: Int)
        case end
        case torn(reason: String)
    }

    /// Checks the record starting at `offset` (bounds, length limit, CRC).
    static func checkRecord(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> RecordCheck {
        let remaining = bytes.count - offset
        if remaining == 0 { return .end }
        guard remaining >= recordHeaderLength + recordTrailerLength else { return .torn(reason: "partial record header") }
        let length = Int(bytes.loadLE(UInt32.self, at: offset))
        guard length <= maxRecordLength else { return .torn(reason: "record length \(length) above the limit") }
        let total = recordHeaderLength + length + recordTrailerLength
        guard remaining >= total else { return .torn(reason: "partial record payload") }
        let crc = bytes.loadLE(UInt32.self, at: offset + recordHeaderLength + length)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + recordHeaderLength + length)]))
        guard crc == computed else { return .torn(reason: "record CRC mismatch") }
        let channel = CaptureChannel(raw: bytes.loadLE(UInt16.self, at: offset + 4))
        let time = Nanos(raw: Int64(bitPattern: bytes.loadLE(UInt64.self, at: offset + 8)))
        return .record(FrameRecord(receiveTime: time, channel: channel, offset: offset + recordHeaderLength, length: length), next: offset + total)
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        var x = v.littleEndian
        Swift.withUnsafeBytes(of: &x) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
