import HFTPrimitives

/// One record as the reader sees it, in place in the ring (zero copy).
/// - Warning: `bytes` is valid only inside the read callback that received it. The 64 bytes after
///   `bytes` are readable memory with unspecified contents (for SIMD decoders that over-read).
@frozen
public struct ByteRingRecord {
    /// The payload, in the ring's memory.
    public let bytes: UnsafeRawBufferPointer
    /// The small channel id the writer gave (e.g. which connection or stream).
    public let channel: UInt16
    /// When the frame was received (the writer's clock, ns).
    public let receiveTime: Nanos

    @inlinable
    init(bytes: UnsafeRawBufferPointer, channel: UInt16, receiveTime: Nanos) {
        self.bytes = bytes
        self.channel = channel
        self.receiveTime = receiveTime
    }
}
