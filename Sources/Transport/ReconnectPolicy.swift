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
