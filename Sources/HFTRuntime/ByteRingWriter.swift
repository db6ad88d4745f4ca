import Atomics
import HFTPrimitives

/// The writing end of a `ByteRing`: trivially copyable, no ARC. Its state (tail, cached head, the
/// open claim) lives in the ring's writer line, so copies are interchangeable.
///
/// Two ways to write: `claim(maxLength:)`, fill the returned buffer in place (e.g. the socket read
/// or the frame reassembly writes straight into the ring), then `commit(length:channel:receiveTime:)`;
/// or `write(_:channel:receiveTime:)`, which copies.
/// - Precondition: one thread at a time writes to a given ring; at most one claim is open.
/// - Warning: dangles once the owning `ByteRing` is destroyed.
@frozen
public struct ByteRingWriter {
    /// Base of the ring's allocation (see `ByteRingLayout`).
    @usableFromInline let base: UnsafeMutableRawPointer
    /// Record area bytes - 1.
    @usableFromInline let mask: Int
    /// Largest payload accepted.
    public let maxRecordLength: Int

    @usableFromInline static let fieldCount = 5
    @usableFromInline @_transparent static var tailField: Int { 0 }
    @usableFromInline @_transparent static var cachedHeadField: Int { 1 }
    @usableFromInline @_transparent static var claimRecordField: Int { 2 }
    @usableFromInline @_transparent static var claimPaddingField: Int { 3 }
    @usableFromInline @_transparent static var claimLengthField: Int { 4 }

    @inlinable
    init(base: UnsafeMutableRawPointer, mask: Int, maxRecordLength: Int) {
        self.base = base
        self.mask = mask
        self.maxRecordLength = maxRecordLength
    }

    /// The writer's private words.
    @usableFromInline @_transparent
    var fields: UnsafeMutablePointer<Int> {
        // SAFETY: bound to Int at init, `fieldCount` words at `writerOffset`.
        (base + ByteRingLayout.writerOffset).assumingMemoryBound(to: Int.self)
    }

    /// The start of the record at `position`.
    @usableFromInline @_transparent
    func record(_ position: Int) -> UnsafeMutableRawPointer {
        // SAFETY: `position & mask` < capacity: inside the record area.
        base + (ByteRingLayout.recordsOffset &+ (position & mask))
    }

    /// The stamp of the record at `position`.
    @usableFromInline @_transparent
    func stamp(_ position: Int) -> UnsafeAtomic<Int> {
        // SAFETY: records start on 64-byte lines whose first word was bound as the atomic stamp at init.
        UnsafeAtomic<Int>(at: record(position).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }

    /// Reserves room for a record of up to `maxLength` payload bytes.
    ///
    /// - Returns: `.claimed(buffer)` (`buffer.count == maxLength`), `.backPressured` when the reader
    ///   has not freed enough space yet, or `.tooLarge` when `maxLength > maxRecordLength`.
    /// - Precondition: `maxLength ≥ 0`; no claim is open.
    /// - Complexity: O(1); reads the reader's `head` only when the cached one says there is no room.
    @_transparent
    public func claim(maxLength: Int) -> ByteRingClaim {
        precondition(maxLength >= 0, "ByteRingWriter: negative length")
        if maxLength > maxRecordLength { return .tooLarge }
        let fields = self.fields
        precondition(fields[Self.claimRecordField] < 0, "ByteRingWriter: claim while a claim is open")
        let capacity = mask &+ 1
        let tail = fields[Self.tailField]
        let size = ByteRingLayout.recordSize(length: maxLength)
        let offset = tail & mask
        var position = tail
        var padding = -1
        if offset &+ size > capacity {
            padding = tail
            position = tail &+ (capacity &- offset)
        }
        // The record, plus the first line of the next record (its stamp is zeroed on commit).
        let end = position &+ size &+ ByteRingLayout.recordAlignment
        if end &- fields[Self.cachedHeadField] > capacity {
            // SAFETY: bound to Int.AtomicRepresentation at init at `readerOffset`.
            let head = UnsafeAtomic<Int>(at: (base + ByteRingLayout.readerOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
            // ORDERING: acquiring pairs with the reader's releasing store: its reads of the bytes
            // below `head` happen before we overwrite them.
            let fresh = head.load(ordering: .acquiring)
            fields[Self.cachedHeadField] = fresh
            if end &- fresh > capacity { return .backPressured }
        }
        fields[Self.claimRecordField] = position
        fields[Self.claimPaddingField] = padding
        fields[Self.claimLengthField] = maxLength
        // SAFETY: [position, position + size) is free (checked above) and contiguous in the area.
        return .claimed(UnsafeMutableRawBufferPointer(start: record(position) + ByteRingLayout.headerSize, count: maxLength))
    }

    /// Publishes the claimed record with its first `length` bytes.
    ///
    /// - Precondition: a claim is open and `0 ≤ length ≤` the claimed `maxLength`.
    /// - Complexity: O(1): writes the header, zeroes the next record's stamp, two releasing stores at most.
    @_transparent
    public func commit(length: Int, channel: UInt16, receiveTime: Nanos) {
        let fields = self.fields
        let position = fields[Self.claimRecordField]
        precondition(position >= 0, "ByteRingWriter: commit without a claim")
        precondition(length >= 0 && length <= fields[Self.claimLengthField], "ByteRingWriter: commit longer than the claim")
        let header = record(position)
        // SAFETY: the header lies in the claimed, still unpublished record.
        header.storeBytes(of: UInt32(truncatingIfNeeded: length), toByteOffset: ByteRingLayout.lengthOffset, as: UInt32.self)
        header.storeBytes(of: channel, toByteOffset: ByteRingLayout.channelOffset, as: UInt16.self)
        header.storeBytes(of: ByteRingLayout.kindRecord, toByteOffset: ByteRingLayout.kindOffset, as: UInt16.self)
        header.storeBytes(of: receiveTime.raw, toByteOffset: ByteRingLayout.receiveTimeOffset, as: Int64.self)
        let end = position &+ ByteRingLayout.recordSize(length: length)
        // ORDERING: relaxed: the reader can reach `end` only through the releasing store below.
        stamp(end).store(0, ordering: .relaxed)
        // ORDERING: releasing publishes the header, the payload and the zeroed next stamp.
        stamp(position).store(position &+ 1, ordering: .releasing)
        let padding = fields[Self.claimPaddingField]
        if padding >= 0 {
            let pad = record(padding)
            // SAFETY: the padding header lies in claimed space; its stamp was zeroed by the previous commit.
            pad.storeBytes(of: UInt32(truncatingIfNeeded: position &- padding), toByteOffset: ByteRingLayout.lengthOffset, as: UInt32.self)
            pad.storeBytes(of: ByteRingLayout.kindPadding, toByteOffset: ByteRingLayout.kindOffset, as: UInt16.self)
            // ORDERING: releasing, after the record's own stamp: a reader that skips the padding then
            // finds the record published.
            stamp(padding).store(padding &+ 1, ordering: .releasing)
        }
        fields[Self.tailField] = end
        fields[Self.claimRecordField] = -1
        fields[Self.claimPaddingField] = -1
    }

    /// Drops the open claim; nothing becomes visible.
    /// - Precondition: a claim is open.
    @inlinable
    public func abandonClaim() {
        let fields = self.fields
        precondition(fields[Self.claimRecordField] >= 0, "ByteRingWriter: abandon without a claim")
        fields[Self.claimRecordField] = -1
        fields[Self.claimPaddingField] = -1
    }

    /// Copies `bytes` into a new record and publishes it.
    /// - Returns: `.published`, `.backPressured` (nothing written) or `.tooLarge` (never fits).
    /// - Complexity: O(`bytes.count`) for the copy.
    @_transparent
    public func write(_ bytes: UnsafeRawBufferPointer, channel: UInt16, receiveTime: Nanos) -> ByteRingPublishResult {
        switch claim(maxLength: bytes.count) {
        case .claimed(let buffer):
            if let source = bytes.baseAddress, let target = buffer.baseAddress {
                // SAFETY: `buffer` has exactly `bytes.count` bytes of claimed ring memory.
                target.copyMemory(from: source, byteCount: bytes.count)
            }
            commit(length: bytes.count, channel: channel, receiveTime: receiveTime)
            return .published
        case .backPressured:
            return .backPressured
        case .tooLarge:
            return .tooLarge
        }
    }
}

// SAFETY: the view is a pointer into memory the owning `ByteRing` keeps alive; the SPSC protocol
// (one writer thread, release/acquire on stamps and head) orders every access to it.
extension ByteRingWriter: @unchecked Sendable {}
