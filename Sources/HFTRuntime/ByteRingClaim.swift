/// The outcome of `ByteRingWriter.claim(maxLength:)`.
@frozen
public enum ByteRingClaim {
    /// Room for the record is reserved; write up to `count` bytes into the buffer, then `commit`.
    /// The buffer lives in the ring and is valid until `commit` or `abandonClaim`.
    case claimed(UnsafeMutableRawBufferPointer)
    /// Not enough free space now; nothing reserved.
    case backPressured
    /// Larger than the ring's `maxRecordLength`; it will never fit.
    case tooLarge
}
