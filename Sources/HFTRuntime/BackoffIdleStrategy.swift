import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// Spin, then yield, then park with an exponentially growing, bounded sleep (agrona's
/// `BackoffIdleStrategy`).
///
/// After a cycle with work the strategy spins `maxSpins` idle steps (`pause`), then yields
/// `maxYields` steps (`sched_yield`), then parks in `nanosleep`, starting at `minParkNanos` and
/// doubling on each further idle step up to `maxParkNanos`. The default for threads that share
/// cores: a thread idle for long costs almost nothing, and wakes within `maxParkNanos` (plus the
/// kernel's timer slack, ≈ 50 µs by default) of new work.
///
/// - Complexity: each idle step is O(1); parking is one `nanosleep` syscall.
@frozen
public struct BackoffIdleStrategy: IdleStrategy, Sendable {
    /// The tuning of a backoff strategy, as read from config.
    @frozen
    public struct Parameters: Sendable, Hashable, Codable {
        /// Idle steps spent spinning with the `pause` hint.
        public var maxSpins: Int
        /// Idle steps spent calling `sched_yield` after the spins.
        public var maxYields: Int
        /// First park duration in nanoseconds.
        public var minParkNanos: Int64
        /// Longest park duration in nanoseconds: the bound on wake-up latency while parked.
        public var maxParkNanos: Int64

        /// - Precondition: counts are not negative and `0 < minParkNanos <= maxParkNanos < 1 s`
        ///   (checked by `validate()`, which config loading calls).
        @inlinable
        public init(maxSpins: Int = 100, maxYields: Int = 10, minParkNanos: Int64 = 1_000, maxParkNanos: Int64 = 100_000) {
            self.maxSpins = maxSpins
            self.maxYields = maxYields
            self.minParkNanos = minParkNanos
            self.maxParkNanos = maxParkNanos
        }

        /// The defaults: 100 spins, 10 yields, park 1 µs doubling to 100 µs.
        public static let `default` = Parameters()

        /// Whether these parameters are usable; `nil` when they are, else the reason.
        public func validate() -> String? {
            if maxSpins < 0 { return "maxSpins must not be negative (got \(maxSpins))" }
            if maxYields < 0 { return "maxYields must not be negative (got \(maxYields))" }
            if minParkNanos <= 0 { return "minParkNanos must be positive (got \(minParkNanos))" }
            if maxParkNanos < minParkNanos {
                return "maxParkNanos (\(maxParkNanos)) must be at least minParkNanos (\(minParkNanos))"
            }
            if maxParkNanos >= 1_000_000_000 { return "maxParkNanos must be below one second (got \(maxParkNanos))" }
            return nil
        }
    }

    /// Where the strategy is in its spin → yield → park progression.
    @frozen
    public enum Phase: Sendable, Hashable {
        /// Just did work or is still spinning.
        case spinning
        /// Spins exhausted; idle steps call `sched_yield`.
        case yielding
        /// Yields exhausted; idle steps sleep for `parkNanos`.
        case parking
    }

    /// The tuning this strategy runs with.
    public let parameters: Parameters
    @usableFromInline internal var spins: Int
    @usableFromInline internal var yields: Int
    @usableFromInline internal var park: Int64
    @usableFromInline internal var parkCount: UInt64

    /// - Precondition: `parameters.validate() == nil`.
    @inlinable
    public init(_ parameters: Parameters = .default) {
        if let problem = parameters.validate() { preconditionFailure(problem) }
        self.parameters = parameters
        self.spins = 0
        self.yields = 0
        self.park = parameters.minParkNanos
        self.parkCount = 0
    }

    /// The current phase; idle steps only move it forward, work resets it to `.spinning`.
    @inlinable
    public var phase: Phase {
        if spins < parameters.maxSpins { return .spinning }
        if yields < parameters.maxYields { return .yielding }
        return .parking
    }

    /// The duration the next park step sleeps, in nanoseconds.
    @inlinable
    public var parkNanos: Int64 { park }

    /// `nanosleep` calls made since creation; a cheap counter for telemetry and tests.
    @inlinable
    public var parks: UInt64 { parkCount }

    @inlinable
    public mutating func idle(workCount: Int) {
        if workCount > 0 {
            reset()
            return
        }
        if spins < parameters.maxSpins {
            spins &+= 1
            hft_cpu_relax()
        } else if yields < parameters.maxYields {
            yields &+= 1
            sched_yield()
        } else {
            parkCount &+= 1
            var request = timespec(tv_sec: 0, tv_nsec: Int(park))
            // An EINTR wake-up is harmless: the next cycle polls again.
            _ = nanosleep(&request, nil)
            park = min(park &* 2, parameters.maxParkNanos)
        }
    }

    @inlinable
    public mutating func reset() {
        spins = 0
        yields = 0
        park = parameters.minParkNanos
    }
}
