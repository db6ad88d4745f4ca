/// What the benchmark loops need from an event: a default value and a sequence number that the
/// far side checks, so a lost, duplicated or torn event fails the benchmark.
protocol BenchSequenced: BitwiseCopyable, Equatable {
    init()
    var sequence: UInt64 { get set }
}

/// The 64-byte event both rings carry (the DESIGN.md event size limit): slot stride 128. Words 1–7
/// are zero, as in the C benchmark's event, so both producers store the same bytes.
struct BenchEvent: BenchSequenced {
    var sequence: UInt64 = 0
    var word1: UInt64 = 0
    var word2: UInt64 = 0
    var word3: UInt64 = 0
    var word4: UInt64 = 0
    var word5: UInt64 = 0
    var word6: UInt64 = 0
    var word7: UInt64 = 0
}

/// A 56-byte event: the largest whose slot (8-byte sequence + payload) is one cache line, stride 64.
/// Measured against `BenchEvent` to show what the second line of a 64-byte event's slot costs.
struct BenchEvent56: BenchSequenced {
    var sequence: UInt64 = 0
    var word1: UInt64 = 0
    var word2: UInt64 = 0
    var word3: UInt64 = 0
    var word4: UInt64 = 0
    var word5: UInt64 = 0
    var word6: UInt64 = 0
}
