/// A small deterministic pseudo-random generator (Marsaglia's xorshift64*, Vigna's multiplier): the same
/// seed gives the same sequence on every machine. For jitter and test layouts, not for secrets.
public struct XorShift64Star: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A zero seed (the one state xorshift never leaves) is replaced by the default.
    public init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
