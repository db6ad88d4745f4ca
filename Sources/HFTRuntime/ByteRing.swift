import Atomics

/// A single-producer single-consumer queue of variable-length records (raw websocket frames with
/// their receive time and a channel id): the Feed → Book edge of DESIGN.md.
///
/// `ByteRing` is the `~Copyable` owner of one `UnsafeAlignedMemory` block laid out as
/// `ByteRingLayout` describes; it frees the block in `deinit`. The ends are `ByteRingWriter` and
/// `ByteRingReader`, trivially copyable views (no ARC) handed to one thread each. Records are
/// contiguous (the writer fills them in place, the reader reads them in place) and never wrap.
///
/// - Warning: the views dangle once the owner is destroyed; keep it alive until both threads stop.
///   Exactly one thread may write and one read at any time.
@frozen
public struct ByteRing: ~Copyable {
    /// The ring's memory; freed in `deinit`.
    @usableFromInline let memory: UnsafeAlignedMemory
    /// Bytes in the record area (a power of two).
    public let capacity: Int
    /// Largest payload a record may have; bigger ones are `.tooLarge`.
    public let maxRecordLength: Int

    /// Allocates and initializes a ring.
    ///
    /// - Parameters:
    ///   - capacity: bytes of record area, a power of two ≥ `ByteRingLayout.minimumCapacity(maxRecordLength:)`.
    ///   - maxRecordLength: the largest payload accepted (e.g. the websocket frame limit).
    ///   - placement: NUMA node for the memory (the reader's); ignored on one-node machines.
    /// - Precondition: the capacity conditions above; `0 < maxRecordLength ≤ UInt32.max`.
    /// - Complexity: O(`capacity`), allocates; cold path only.
    public init(capacity: Int, maxRecordLength: Int, placement: NumaPlacement = .anyNode) {
        precondition(maxRecordLength > 0 && maxRecordLength <= Int(UInt32.max), "ByteRing: maxRecordLength out of range")
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "ByteRing: capacity must be a power of two")
        precondition(
            capacity >= ByteRingLayout.minimumCapacity(maxRecordLength: maxRecordLength),
            "ByteRing: capacity too small for two maximal records plus a line"
        )
        let bytes = ByteRingLayout.recordsOffset + capacity + ByteRingLayout.slack
        let memory = UnsafeAlignedMemory.allocate(byteCount: bytes, placement: placement)
        let base = memory.base
        // SAFETY: every offset below lies inside the zeroed block. Writer fields are Ints; every
        // 64-byte line of the record area may start a record, so its first word is bound as the
        // atomic stamp (payload bytes are only ever stored and loaded through raw pointers).
        let fields = (base + ByteRingLayout.writerOffset).bindMemory(to: Int.self, capacity: ByteRingWriter.fieldCount)
        fields.initialize(repeating: 0, count: ByteRingWriter.fieldCount)
        fields[ByteRingWriter.claimRecordField] = -1
        fields[ByteRingWriter.claimPaddingField] = -1
        (base + ByteRingLayout.readerOffset).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1)
            .initialize(to: Int.AtomicRepresentation(0))
        var line = 0
        while line < capacity {
            (base + ByteRingLayout.recordsOffset + line).bindMemory(to: Int.AtomicRepresentation.self, capacity: 1)
                .initialize(to: Int.AtomicRepresentation(0))
            line += ByteRingLayout.recordAlignment
        }
        self.memory = memory
        self.capacity = capacity
        self.maxRecordLength = maxRecordLength
    }

    deinit {
        memory.deallocate()
    }

    /// The writing end. Hand it to exactly one thread.
    @inlinable
    public var writer: ByteRingWriter {
        ByteRingWriter(base: memory.base, mask: capacity - 1, maxRecordLength: maxRecordLength)
    }

    /// The reading end. Hand it to exactly one thread.
    @inlinable
    public var reader: ByteRingReader {
        ByteRingReader(base: memory.base, mask: capacity - 1)
    }

    /// The NUMA node the memory was placed on, or `nil` when the kernel chose.
    public var node: Int? { memory.node }
}

// SAFETY: the owner only frees its memory in deinit, which runs once after the last use; the views
// it hands out synchronize through the ring's atomics.
extension ByteRing: @unchecked Sendable {}
