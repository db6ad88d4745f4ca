/// One regime's trading parameters (fractions, not percent: 0.0025 is 0.25 %).
public struct RegimeParameters: Codable, Hashable, Sendable, BitwiseCopyable {
    /// Take profit when the position gains this fraction of its entry price.
    public var target: Double
    /// Stop out when it loses this fraction.
    public var stop: Double
    /// Largest absolute position, as a share of the host's position limit.
    public var maxPositionShare: Double

    public init(target: Double, stop: Double, maxPositionShare: Double) {
        self.target = target
        self.stop = stop
        self.maxPositionShare = maxPositionShare
    }
}
