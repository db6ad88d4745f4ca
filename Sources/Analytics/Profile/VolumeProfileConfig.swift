/// Parameters of one volume profile (DEFINITIONS.md §4). Cold-path value, `Codable` for config JSON.
public struct VolumeProfileConfig: Codable, Hashable, Sendable {
    /// Bin width in ticks (`k`): a trade at raw price `p` goes to bin `floor(p / (k · tick))`.
    public var binTicks: Int64
    /// Bins kept around the traded prices (a power of two). Volume that falls outside after a
    /// re-centre is dropped and counted (`VolumeProfile.droppedVolume`).
    public var binCount: Int
    /// Rolling window in ns of exchange time; 0 = a session profile (no expiry, reset by the engine
    /// at each session boundary).
    public var windowNanos: Int64
    /// Trades remembered for expiry (rolling profiles only). When full, the oldest trade expires
    /// early and `VolumeProfile.capacityEvictions` counts it.
    public var tradeCapacity: Int
    /// Value-area share of total volume in basis points (7000 = 70 %).
    public var valueAreaBasisPoints: Int64
    /// Gaussian smoothing σ in bins for HVN/LVN (0.1...64); 0 disables node detection.
    public var smoothingSigmaBins: Double
    /// HVN: a local maximum of the smoothed profile with at least this many thousandths of the
    /// mean smoothed bin volume over the occupied range (1500 = 1.5 × mean).
    public var hvnFactorPermille: Int64
    /// LVN: a local minimum of the smoothed profile with at most this many thousandths of the mean.
    public var lvnFactorPermille: Int64
    /// Bins searched on each side of the price for the nearest node.
    public var maxNodeScanBins: Int

    public init(binTicks: Int64 = 1, binCount: Int = 1024, windowNanos: Int64 = 300_000_000_000, tradeCapacity: Int = 65_536,
                valueAreaBasisPoints: Int64 = 7000, smoothingSigmaBins: Double = 2, hvnFactorPermille: Int64 = 1500,
                lvnFactorPermille: Int64 = 500, maxNodeScanBins: Int = 64) {
        self.binTicks = binTicks
        self.binCount = binCount
        self.windowNanos = windowNanos
        self.tradeCapacity = tradeCapacity
        self.valueAreaBasisPoints = valueAreaBasisPoints
        self.smoothingSigmaBins = smoothingSigmaBins
        self.hvnFactorPermille = hvnFactorPermille
        self.lvnFactorPermille = lvnFactorPermille
        self.maxNodeScanBins = maxNodeScanBins
    }

    enum CodingKeys: String, CodingKey {
        case binTicks, binCount, windowNanos, tradeCapacity, valueAreaBasisPoints, smoothingSigmaBins, hvnFactorPermille,
             lvnFactorPermille, maxNodeScanBins
    }

    /// Every key optional: an absent one keeps `VolumeProfileConfig()`'s value.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self), defaults: VolumeProfileConfig())
    }

    /// The keys present in `c`, the others from `defaults` (the session profile's differ from the rolling one's).
    init(from c: KeyedDecodingContainer<CodingKeys>, defaults d: VolumeProfileConfig) throws {
        binTicks = try c.decodeIfPresent(Int64.self, forKey: .binTicks) ?? d.binTicks
        binCount = try c.decodeIfPresent(Int.self, forKey: .binCount) ?? d.binCount
        windowNanos = try c.decodeIfPresent(Int64.self, forKey: .windowNanos) ?? d.windowNanos
        tradeCapacity = try c.decodeIfPresent(Int.self, forKey: .tradeCapacity) ?? d.tradeCapacity
        valueAreaBasisPoints = try c.decodeIfPresent(Int64.self, forKey: .valueAreaBasisPoints) ?? d.valueAreaBasisPoints
        smoothingSigmaBins = try c.decodeIfPresent(Double.self, forKey: .smoothingSigmaBins) ?? d.smoothingSigmaBins
        hvnFactorPermille = try c.decodeIfPresent(Int64.self, forKey: .hvnFactorPermille) ?? d.hvnFactorPermille
        lvnFactorPermille = try c.decodeIfPresent(Int64.self, forKey: .lvnFactorPermille) ?? d.lvnFactorPermille
        maxNodeScanBins = try c.decodeIfPresent(Int.self, forKey: .maxNodeScanBins) ?? d.maxNodeScanBins
    }

    /// The integer Gaussian kernel used for smoothing: `round(1000 · exp(−d² / 2σ²))` for
    /// `d = 0 ... ceil(3σ)` (one side; symmetric). Empty when σ = 0. Exact integers so that the
    /// incremental smoothed profile equals a from-scratch recomputation bit for bit.
    public var smoothingKernel: [Int64] {
        guard smoothingSigmaBins > 0 else { return [] }
        let radius = Int((3 * smoothingSigmaBins).rounded(.up))
        return (0...radius).map { d in
            Int64((1000 * cExp(-Double(d * d) / (2 * smoothingSigmaBins * smoothingSigmaBins))).rounded())
        }
    }
}

