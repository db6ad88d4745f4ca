/// Reassembles websocket fragments (and the partial reads lws splits a frame into) into one
/// preallocated buffer.
///
/// A message larger than `capacity` is an `oversized` outcome: the bytes gathered so far are
/// dropped and every further fragment of that message is discarded until its final one.
/// - Complexity: O(fragment length) per append (one `memcpy`); no allocation after `init`.
struct MessageReassembler {
    /// What one `append` did.
    enum Outcome: Equatable {
        /// Stored; the message continues.
        case partial
        /// Stored; `message` now holds the complete message.
        case complete
        /// The message exceeds `capacity`: dropped (reported once per message).
        case oversized
        /// A later fragment of an oversized message, discarded.
        case discarded
    }

    let storage: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var count = 0
    private(set) var discarding = false

    /// Allocates `capacity` bytes (cold path). Pair with `deallocate()`.
    init(capacity: Int) {
        precondition(capacity > 0, "reassembly capacity must be positive")
        self.capacity = capacity
        self.storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    func deallocate() { storage.deallocate() }

    /// The bytes gathered so far (the complete message after `.complete`).
    var message: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    /// Whether a message is in progress (some fragments stored, final not yet seen).
    var isEmpty: Bool { count == 0 && !discarding }

    /// Whether a fragment of `length` bytes would overflow the buffer.
    @inline(__always)
    func wouldOverflow(adding length: Int) -> Bool { count &+ length > capacity }

    /// Appends one fragment. `isFinal` marks the last fragment of the message.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) -> Outcome {
        if discarding {
            if isFinal { discarding = false; count = 0 }
            return .discarded
        }
        if count &+ bytes.count > capacity {
            count = 0
            discarding = !isFinal
            return .oversized
        }
        if let base = bytes.baseAddress, bytes.count > 0 {
            // SAFETY: count + bytes.count ≤ capacity was checked above; source and storage never overlap.
            (storage + count).copyMemory(from: base, byteCount: bytes.count)
        }
        count &+= bytes.count
        return isFinal ? .complete : .partial
    }

    /// Forgets the stored message (after delivery, or on a new connection).
    @inline(__always)
    mutating func reset() {
        count = 0
        discarding = false
    }
}
