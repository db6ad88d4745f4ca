/// The outcome of `ByteRingWriter.write(_:channel:receiveTime:)`.
@frozen
public enum ByteRingPublishResult: Sendable, Equatable {
    /// The record is in the ring and visible to the reader.
    case published
    /// Not enough free space now; nothing written.
    case backPressured
    /// Larger than the ring's `maxRecordLength`; it will never fit (count and drop it).
    case tooLarge
}
