import HFTPrimitives

/// Jittered exponential backoff between reconnect attempts.
///
/// Attempt `n` (1-based) waits `min(maxDelay, baseDelay · multiplier^(n-1))`, reduced by a random
/// fraction of at most `jitter` (so a fleet of clients does not reconnect in lock step). The
/// attempt count resets once a connection has stayed healthy for `resetAfterHealthy`.
public struct ReconnectPolicy: Sendable, Hashable {
    /// Delay before the first reconnect attempt.
    public var baseDelay: Nanos
    /// Upper bound of any delay.
    public var maxDelay: Nanos
    /// Growth factor per failed attempt (≥ 1).
    public var multiplier: Double
    /// Fraction in `0...1` of the delay that is randomised away.
    public var jitter: Double
    /// How long a connection must stay open and fed before the attempt count resets.
    public var resetAfterHealthy: Nanos

    public init(
        baseDelay: Nanos = .milliseconds(250), maxDelay: Nanos = .seconds(30), multiplier: Double = 2,
        jitter: Double = 0.5, resetAfterHealthy: Nanos = .seconds(30)
    ) {
        precondition(baseDelay.raw > 0 && maxDelay.raw >= baseDelay.raw, "backoff delays must be positive and ordered")
        precondition(multiplier >= 1 && (0...1).contains(jitter), "multiplier ≥ 1, jitter in 0...1")
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.resetAfterHealthy = resetAfterHealthy
    }
}

/// The state of a backoff sequence: the attempt count and a small deterministic PRNG (xorshift64*).
public struct ReconnectBackoff: Sendable {
    public let policy: ReconnectPolicy
    /// Attempts made since the last reset.
    public private(set) var attempt: Int = 0
    private var rngState: UInt64

    public init(policy: ReconnectPolicy, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.policy = policy
        self.rngState = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
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
        rngState ^= rngState >> 12
        rngState ^= rngState << 25
        rngState ^= rngState >> 27
        let r = rngState &* 0x2545_F491_4F6C_DD1D
        return Double(r >> 11) / Double(UInt64(1) << 53)
    }

    private func pow2(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var i = 0.0
        while i < exponent && result < 1e18 { result *= base; i += 1 }
        return result
    }
}
