/// How a queued server frame is written.
enum ServerFrameKind: UInt32 {
    case text, binary
    /// First fragment of a fragmented text message (`LWS_WRITE_TEXT | LWS_WRITE_NO_FIN`).
    case textFirstFragment
    /// A middle fragment (`LWS_WRITE_CONTINUATION | LWS_WRITE_NO_FIN`).
    case continuation
    /// The last fragment (`LWS_WRITE_CONTINUATION`).
    case finalContinuation
    case ping
}

/// A bounded byte ring of frames waiting for `LWS_CALLBACK_SERVER_WRITEABLE` on one connection.
///
/// Each record is an 8-byte header (length, kind) followed by the payload; records wrap around the
/// end of the storage. Preallocated; a frame that does not fit is refused (`false`), never grown.
/// Not thread-safe by itself: the server guards it with the connection's mutex.
struct ServerSendQueue {
    private let storage: UnsafeMutableRawPointer
    let capacity: Int
    private var head = 0
    private var tail = 0
    private(set) var usedBytes = 0
    private(set) var frameCount = 0

    init(capacity: Int) {
        precondition(capacity >= 64, "send queue too small")
        self.capacity = capacity
        storage = .allocate(byteCount: capacity, alignment: 64)
    }

    func deallocate() { storage.deallocate() }

    var isEmpty: Bool { frameCount == 0 }

    mutating func removeAll() {
        head = 0; tail = 0; usedBytes = 0; frameCount = 0
    }

    /// Appends one frame; `false` if it does not fit in the free space.
    mutating func push(_ bytes: UnsafeRawBufferPointer, kind: ServerFrameKind) -> Bool {
        let need = 8 + bytes.count
        guard need <= capacity - usedBytes else { return false }
        var header = (UInt32(bytes.count), kind.rawValue)
        withUnsafeBytes(of: &header) { copyIn($0) }
        copyIn(bytes)
        usedBytes += need
        frameCount += 1
        return true
    }

    /// Length and kind of the oldest frame, if any.
    func peek() -> (length: Int, kind: ServerFrameKind)? {
        guard frameCount > 0 else { return nil }
        var header: (UInt32, UInt32) = (0, 0)
        withUnsafeMutableBytes(of: &header) { copyOut($0, from: head) }
        return (Int(header.0), ServerFrameKind(rawValue: header.1) ?? .binary)
    }

    /// Copies the oldest frame's payload into `destination` (≥ its length) and removes it.
    mutating func pop(into destination: UnsafeMutableRawBufferPointer) {
        guard let (length, _) = peek() else { return }
        precondition(destination.count >= length, "destination smaller than the frame")
        head = (head + 8) % capacity
        copyOut(UnsafeMutableRawBufferPointer(rebasing: destination[0..<length]), from: head)
        head = (head + length) % capacity
        usedBytes -= 8 + length
        frameCount -= 1
    }

    private mutating func copyIn(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let first = min(bytes.count, capacity - tail)
        // SAFETY: `push` checked the free space; the two spans stay within `storage`.
        (storage + tail).copyMemory(from: base, byteCount: first)
        if first < bytes.count { storage.copyMemory(from: base + first, byteCount: bytes.count - first) }
        tail = (tail + bytes.count) % capacity
    }

    private func copyOut(_ destination: UnsafeMutableRawBufferPointer, from offset: Int) {
        guard let base = destination.baseAddress, destination.count > 0 else { return }
        let first = min(destination.count, capacity - offset)
        // SAFETY: the record lies within the used region, which `push` wrote; spans stay in `storage`.
        base.copyMemory(from: storage + offset, byteCount: first)
        if first < destination.count {
            (base + first).copyMemory(from: storage, byteCount: destination.count - first)
        }
    }
}
