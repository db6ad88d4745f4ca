import HFTPrimitives

/// Order entry and response latency of the paper venue (DEFINITIONS.md §8).
///
/// `entry`: from the order bytes leaving us to the venue acting on them; `response`: from the
/// venue acting to its report reaching us. Deterministic: empirical sampling uses a seeded
/// generator, so a replay gives the same fills.
public struct LatencyModel: ~Copyable {
    @usableFromInline let constantEntry: Nanos
    @usableFromInline let constantResponse: Nanos
    /// Sorted samples (ns) of the recorded order→ack histogram; nil for the constant model.
    @usableFromInline let samples: UnsafeMutableBufferPointer<Int64>?
    @usableFromInline var state: UInt64

    /// Fixed latencies.
    public init(entry: Nanos, response: Nanos) {
        constantEntry = entry
        constantResponse = response
        samples = nil
        state = 0
    }

    /// Sampled from a recorded order→ack distribution (e.g. `HistogramSnapshot` quantiles):
    /// each round trip is drawn from `roundTrips` and split `entryShare` / (1 − `entryShare`).
    /// - Precondition: `roundTrips` is not empty; `0 <= entryShare <= 1`.
    public init(roundTrips: [Nanos], entryShare: Double = 0.5, seed: UInt64) {
        precondition(!roundTrips.isEmpty, "an empirical latency model needs samples")
        precondition(entryShare >= 0 && entryShare <= 1, "entryShare must be 0...1")
        let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: roundTrips.count)
        for (i, v) in roundTrips.map(\.raw).sorted().enumerated() { buffer[i] = v }
        samples = buffer
        // Encode the share in the constants (entry share in parts per 2^20).
        constantEntry = Nanos(raw: Int64(entryShare * 1_048_576))
        constantResponse = .zero
        state = seed
    }

    deinit { samples?.deallocate() }

    /// The next (entry, response) latency pair.
    /// - Complexity: O(1), no allocation.
    @inlinable
    public mutating func next() -> (entry: Nanos, response: Nanos) {
        guard let s = samples else { return (constantEntry, constantResponse) }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let rt = s[Int(z % UInt64(s.count))]
        let entry = (rt &* constantEntry.raw) >> 20
        return (Nanos(raw: entry), Nanos(raw: rt &- entry))
    }
}
