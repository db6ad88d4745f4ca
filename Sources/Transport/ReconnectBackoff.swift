import HFTPrimitives

/// The state of a backoff sequence: the attempt count and a small deterministic PRNG (xorshift64*).
public struct ReconnectBackoff: Sendable {
    public let policy: ReconnectPolicy
    /// Attempts made since the last reset.
    public private(set) var attempt: Int = 0
    private var rng: XorShift64Star

    public init(policy: ReconnectPolicy, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.policy = policy
        self.rng = XorShift64Star(seed: seed)
    }

    /// Counts one more attempt and returns how long to wait before it.
    public mutating func nextDelay() -> Nanos {
        attempt += 1
        let exponent = Double(min(attempt - 1, 62))
        let raw = Double(policy.baseDelay.raw) * pow2(policy.multiplier, exponent)
        let capped = min(Double(policy.maxDelay.raw), raw)
        let jittered = capped * (1 - policy.jitter * nextUnit())
        return Nanos(raw: max(1, Int64(jittered)))
    }

    /// Starts over at the base delay (after a healthy period).
    public mutating func reset() { attempt = 0 }

    private mutating func nextUnit() -> Double {
        Double(rng.next() >> 11) / Double(UInt64(1) << 53)
    }

    private func pow2(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var i = 0.0
        while i < exponent && result < 1e18 { result *= base; i += 1 }
        return result
    }
}
