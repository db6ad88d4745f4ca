/// The fixed byte layout of one `ByteRing` allocation. All offsets are from the page-aligned base.
///
/// ```
/// [   0, 128)  writer line pair: tail, cachedHead, claimed record position, padding position,
///              claimed length                                              — writer only
/// [ 128, 256)  reader line pair: head (atomic)                             — written by the reader
/// [ 256, 256 + capacity)            record area, records start on 64-byte boundaries
/// [ 256 + capacity, + 64)           slack: readable bytes after the last record (SIMD over-read)
/// ```
///
/// A record is a 32-byte header followed by its payload, padded to a multiple of 64 bytes so that
/// the writer filling record n + 1 never shares a cache line with the reader reading record n:
/// ```
/// +0  stamp   Int   (atomic) position + 1 once committed; 0 while free or being written
/// +8  length  UInt32  payload bytes (for padding: bytes to skip, header included)
/// +12 channel UInt16
/// +14 kind    UInt16  0 = record, 1 = padding (skip to the start of the area)
/// +16 receive time, ns (Int64)
/// +24 reserved (0)
/// +32 payload (32-byte aligned)
/// ```
/// Records never wrap: one that does not fit before the end goes to the start and leaves a padding
/// record behind. On commit the writer zeroes the stamp of the next record position before
/// publishing, so the reader can trust a stamp equal to `position + 1` (payload bytes of older laps
/// could otherwise look like one).
///
/// Constants and helpers are `@_transparent` computed properties and functions: they fold to
/// immediates in client modules (a cross-module `static let` is a call to its accessor) and inline
/// even in debug builds, where generic calls made a push + pop ≈ 7× slower (480 ns against 70 ns).
@frozen
public enum ByteRingLayout {
    /// Offset of the writer's private fields.
    @_transparent public static var writerOffset: Int { 0 }
    /// Offset of the reader's `head` (atomic `Int`).
    @_transparent public static var readerOffset: Int { 128 }
    /// Offset of the record area.
    @_transparent public static var recordsOffset: Int { 256 }
    /// Readable bytes after the record area, so a decoder may over-read a record's end by up to this much.
    @_transparent public static var slack: Int { 64 }
    /// Record header bytes; the payload starts this far into the record.
    @_transparent public static var headerSize: Int { 32 }
    /// Records start on multiples of this.
    @_transparent public static var recordAlignment: Int { 64 }
    /// Header field offsets.
    @_transparent public static var stampOffset: Int { 0 }
    @_transparent public static var lengthOffset: Int { 8 }
    @_transparent public static var channelOffset: Int { 12 }
    @_transparent public static var kindOffset: Int { 14 }
    @_transparent public static var receiveTimeOffset: Int { 16 }
    /// `kind` of a data record.
    @_transparent public static var kindRecord: UInt16 { 0 }
    /// `kind` of a padding record.
    @_transparent public static var kindPadding: UInt16 { 1 }

    /// Bytes a record with `length` payload bytes occupies (header + payload, rounded up to 64).
    @_transparent
    public static func recordSize(length: Int) -> Int {
        (headerSize &+ length &+ (recordAlignment &- 1)) & ~(recordAlignment &- 1)
    }

    /// The smallest capacity that always fits a record of `maxRecordLength` bytes: in the worst case a
    /// record that does not fit before the end leaves almost its own size as padding, plus one line
    /// for the next record's stamp. Rounded up to a power of two.
    public static func minimumCapacity(maxRecordLength: Int) -> Int {
        let needed = 2 * recordSize(length: maxRecordLength) + recordAlignment
        var capacity = 4096
        while capacity < needed { capacity <<= 1 }
        return capacity
    }
}
