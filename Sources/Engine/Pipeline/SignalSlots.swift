import StrategyABI

/// The market views the Signals stage hands to the Strategy stage: `count` slots, each an
/// `hft_market_view` and its feature vector, used in ring order.
///
/// A slot is written only while no `SignalTick` naming it is in the ring or being read: with
/// `count ≥ ring capacity + 2` (the ring's slots, the one the consumer reads, the one the producer
/// stages under back-pressure) the producer's next slot is always free, so no lock is needed.
public final class SignalSlots: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): the memory is allocated in init and freed in deinit; each slot
    // is written by the Signals thread before the releasing ring push that names it and read by the
    // Strategy thread after the acquiring pop, never both at once (see the type's contract).
    public let count: Int
    public let featureCount: Int
    let views: UnsafeMutablePointer<hft_market_view>
    let features: UnsafeMutablePointer<Double>

    /// - Parameters:
    ///   - ringCapacity: capacity of the Signals → Strategy ring.
    public init(ringCapacity: Int, featureCount: Int) {
        count = ringCapacity + 2
        self.featureCount = featureCount
        views = .allocate(capacity: count)
        views.initialize(repeating: hft_market_view(), count: count)
        features = .allocate(capacity: count * max(1, featureCount))
        features.initialize(repeating: .nan, count: count * max(1, featureCount))
        for k in 0..<count {
            views[k].features = UnsafePointer(features + k * featureCount)
            views[k].feature_count = UInt32(featureCount)
        }
    }

    deinit {
        views.deallocate()
        features.deallocate()
    }

    /// The view of slot `k`.
    @inline(__always)
    func view(_ k: Int) -> UnsafeMutablePointer<hft_market_view> { views + k }

    /// The feature vector of slot `k`.
    @inline(__always)
    func features(_ k: Int) -> UnsafeMutablePointer<Double> { features + k * featureCount }
}
