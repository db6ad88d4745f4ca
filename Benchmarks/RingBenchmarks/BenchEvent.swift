/// The 64-byte event both rings carry (the DESIGN.md event size limit); `sequence` is checked on
/// the far side so a lost, duplicated or torn event fails the benchmark.
struct BenchEvent: BitwiseCopyable, Equatable {
    var sequence: UInt64 = 0
    var word1: UInt64 = 1
    var word2: UInt64 = 2
    var word3: UInt64 = 3
    var word4: UInt64 = 4
    var word5: UInt64 = 5
    var word6: UInt64 = 6
    var word7: UInt64 = 7
}
