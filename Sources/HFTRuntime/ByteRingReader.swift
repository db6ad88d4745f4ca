import Atomics
import HFTPrimitives

/// The reading end of a `ByteRing`: trivially copyable, no ARC. Reads records in place.
/// - Precondition: one thread at a time reads from a given ring.
/// - Warning: dangles once the owning `ByteRing` is destroyed.
@frozen
public struct ByteRingReader {
    /// Base of the ring's allocation (see `ByteRingLayout`).
    @usableFromInline let base: UnsafeMutableRawPointer
    /// Record area bytes - 1.
    @usableFromInline let mask: Int

    @inlinable
    init(base: UnsafeMutableRawPointer, mask: Int) {
        self.base = base
        self.mask = mask
    }

    /// Calls `body` for up to `maxRecords` committed records, oldest first, in place; then frees them
    /// with one store to `head`. Padding records are skipped and not counted.
    ///
    /// - Returns: the number of records passed to `body`.
    /// - Complexity: O(records); no allocation, no copy. `body` must not read from this ring, and the
    ///   record's bytes are valid only during the call.
    @_transparent
    public func consume(maxRecords: Int, _ body: (ByteRingRecord) -> Void) -> Int {
        // SAFETY: bound to Int.AtomicRepresentation at init at `readerOffset`.
        let head = UnsafeAtomic<Int>(at: (base + ByteRingLayout.readerOffset).assumingMemoryBound(to: Int.AtomicRepresentation.self))
        // ORDERING: relaxed: only this thread writes `head`.
        let start = head.load(ordering: .relaxed)
        var position = start
        var count = 0
        while count < maxRecords {
            // SAFETY: `position & mask` < capacity; records start on 64-byte lines whose first word
            // was bound as the atomic stamp at init.
            let record = base + (ByteRingLayout.recordsOffset &+ (position & mask))
            let stamp = UnsafeAtomic<Int>(at: record.assumingMemoryBound(to: Int.AtomicRepresentation.self))
            // ORDERING: acquiring pairs with the writer's releasing stamp store: header and payload
            // below are the ones written for this position.
            guard stamp.load(ordering: .acquiring) == position &+ 1 else { break }
            // SAFETY: the header fields lie in the published record.
            let length = Int(record.load(fromByteOffset: ByteRingLayout.lengthOffset, as: UInt32.self))
            if record.load(fromByteOffset: ByteRingLayout.kindOffset, as: UInt16.self) == ByteRingLayout.kindPadding {
                position &+= length
                continue
            }
            let channel = record.load(fromByteOffset: ByteRingLayout.channelOffset, as: UInt16.self)
            let time = record.load(fromByteOffset: ByteRingLayout.receiveTimeOffset, as: Int64.self)
            // SAFETY: the payload's `length` bytes lie in the published record, contiguous.
            let bytes = UnsafeRawBufferPointer(start: record + ByteRingLayout.headerSize, count: length)
            body(ByteRingRecord(bytes: bytes, channel: channel, receiveTime: Nanos(raw: time)))
            position &+= ByteRingLayout.recordSize(length: length)
            count &+= 1
        }
        if position != start {
            // ORDERING: releasing: our reads of the consumed records happen before the writer reuses them.
            head.store(position, ordering: .releasing)
        }
        return count
    }

    /// Reads one record in place if there is one.
    /// - Returns: whether a record was passed to `body`.
    @_transparent
    public func read(_ body: (ByteRingRecord) -> Void) -> Bool {
        consume(maxRecords: 1, body) == 1
    }
}

// SAFETY: the view is a pointer into memory the owning `ByteRing` keeps alive; the SPSC protocol
// (one reader thread, release/acquire on stamps and head) orders every access to it.
extension ByteRingReader: @unchecked Sendable {}
