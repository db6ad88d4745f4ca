/// The fixed byte layout of one `Ring` allocation. All offsets are from the page-aligned base.
///
/// ```
/// [   0, 128)  producer line pair: tail (next position to write), cachedHead   — producer only
/// [ 128, 256)  consumer line pair: head (next position to read, atomic)        — written by consumer,
///                                                                                read by the producer
///                                                                                only when it looks full
/// [ 256, ...)  capacity slots of `slotStride` bytes each:
///              +0  sequence (UInt64 atomic): position + 1 once the slot holds that position's event
///              +payloadOffset  the event
/// ```
///
/// The consumer never reads the producer's index: it spins on the sequence word inside the slot it
/// wants, which sits in the same cache line as the first `64 - 8` payload bytes, so an event of up to
/// 56 bytes costs exactly one cache-line transfer per hop. Slots are 64-byte multiples, so a slot
/// never shares a line with its neighbour (no false sharing between the slot the producer is writing
/// and the one the consumer is reading).
///
/// Stride for 64-byte events: 8 + 64 = 72 bytes rounds up to 128 (two lines; the second holds the
/// last 8 payload bytes). A sequence word in each line (both lines self-validating) or the payload
/// first with the word after it measured no better in a C prototype, so the layout stays one word
/// per slot. The second line does cost: `RingBenchmarks` `PingPongRTT.Interleaved` (same moment, this
/// VM, p50) gave 107 ns per round trip for 64-byte events against 94 ns for 56-byte events (64-byte
/// slots) and 55 ns for the bare cache-line ping-pong, and `OneToOneRing.Interleaved` moved 2–8× more
/// 56-byte events per second (noisy on the shared VM). Events on the hottest edges should therefore
/// stay ≤ 56 bytes; up to 64 bytes works at the cost above.
///
/// Constants and helpers are `@_transparent` computed properties and functions: they fold to
/// immediates in client modules (a cross-module `static let` is a call to its accessor) and inline
/// even in debug builds, where generic calls made a push + pop ≈ 7× slower (480 ns against 70 ns).
@frozen
public enum RingLayout {
    /// Offset of the producer's private fields (`tail`, `cachedHead`).
    @_transparent public static var producerOffset: Int { 0 }
    /// Offset of the consumer's `head` (atomic `Int`), `CacheLine.padding` (128) bytes from the producer's fields.
    @_transparent public static var consumerOffset: Int { 128 }
    /// Offset of the first slot.
    @_transparent public static var slotsOffset: Int { 256 }
    /// Offset of the sequence word inside a slot.
    @_transparent public static var sequenceOffset: Int { 0 }
    /// Size of the sequence word.
    @_transparent public static var sequenceSize: Int { 8 }
    /// Offset of `cachedHead` inside the producer's line (after `tail`).
    @_transparent public static var cachedHeadOffset: Int { 8 }

    /// Offset of the event inside a slot: right after the sequence word, rounded up to the event's alignment.
    @_transparent
    public static func payloadOffset<Element: BitwiseCopyable>(of _: Element.Type) -> Int {
        let align = MemoryLayout<Element>.alignment
        return (sequenceSize + align - 1) & ~(align - 1)
    }

    /// Bytes between consecutive slots: sequence word + event, rounded up to whole cache lines.
    @_transparent
    public static func slotStride<Element: BitwiseCopyable>(of _: Element.Type) -> Int {
        let end = payloadOffset(of: Element.self) + MemoryLayout<Element>.size
        return (end + 63) & ~63
    }

    /// Total bytes of a ring allocation for `capacity` slots.
    @inlinable
    public static func byteCount<Element: BitwiseCopyable>(capacity: Int, of _: Element.Type) -> Int {
        slotsOffset + capacity * slotStride(of: Element.self)
    }
}
