import HFTPrimitives

/// One distinct error in a `TelemetryReport`: how often a (code, detail) pair was observed and
/// when first and last (times as the recording thread supplied them).
public struct DistinctErrorEntry: Hashable, Sendable, Codable {
    /// Registered name of the error code.
    public var name: String
    /// The caller's discriminator (venue id, instrument id, HTTP status, ...); 0 when unused.
    public var detail: Int64
    /// Number of observations.
    public var count: UInt64
    /// Time of the first observation, ns.
    public var firstNanos: Int64
    /// Time of the last observation, ns.
    public var lastNanos: Int64

    public init(name: String, detail: Int64, count: UInt64, firstNanos: Int64, lastNanos: Int64) {
        self.name = name
        self.detail = detail
        self.count = count
        self.firstNanos = firstNanos
        self.lastNanos = lastNanos
    }
}
