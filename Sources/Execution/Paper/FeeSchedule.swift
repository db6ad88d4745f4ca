import HFTPrimitives

/// One fee tier: applies from `minimumVolume` (30-day quote volume, whole quote units).
/// Rates are in hundredths of a basis point (`200` = 2 bps = 0.02 %); negative maker = rebate.
@frozen
public struct FeeTier: Sendable, Equatable, Codable {
    public var minimumVolume: Int64
    public var makerRate: Int64
    public var takerRate: Int64
    public init(minimumVolume: Int64, makerRate: Int64, takerRate: Int64) {
        self.minimumVolume = minimumVolume
        self.makerRate = makerRate
        self.takerRate = takerRate
    }
}

/// Maker/taker fees with volume tiers and rebates.
public struct FeeSchedule: Sendable, Equatable {
    /// Tiers sorted by `minimumVolume`, the first at 0.
    public let tiers: [FeeTier]
    /// Rates of the tier in force (cached when the volume moves across a boundary).
    public private(set) var maker: Int64
    public private(set) var taker: Int64
    /// 30-day volume (whole quote units) including this session's fills.
    public private(set) var volume: Int64
    @usableFromInline var nextBoundary: Int64

    /// Binance USD-M regular tier (VIP 0): maker 0.02 %, taker 0.05 %.
    public static let binanceUsdmVip0 = FeeSchedule(tiers: [FeeTier(minimumVolume: 0, makerRate: 200, takerRate: 500)])

    /// - Precondition: at least one tier.
    public init(tiers: [FeeTier], volume30d: Int64 = 0) {
        precondition(!tiers.isEmpty, "a fee schedule needs a tier")
        self.tiers = tiers.sorted { $0.minimumVolume < $1.minimumVolume }
        self.volume = volume30d
        self.maker = 0
        self.taker = 0
        self.nextBoundary = .max
        selectTier()
    }

    mutating func selectTier() {
        var chosen = tiers[0]
        nextBoundary = .max
        for t in tiers {
            if t.minimumVolume <= volume { chosen = t } else { nextBoundary = t.minimumVolume; break }
        }
        maker = chosen.makerRate
        taker = chosen.takerRate
    }

    /// The fee of a fill, in quote raw units at the price scale (rounded half away from zero), and
    /// adds the fill's notional to the volume.
    /// - Complexity: O(1) unless the volume crosses a tier boundary (then O(tiers), no allocation).
    public mutating func fee(price: Price, quantity: Quantity, isMaker: Bool, spec: InstrumentSpec) -> Int64 {
        let notional = Int128(price.raw) * Int128(quantity.raw)          // scale p + q
        let rate = Int128(isMaker ? maker : taker)
        let divisor = Int128(1_000_000) * Int128(spec.quantityScale.multiplier)   // 10 000 bps × 100 × 10^q
        let scaled = notional * rate
        let half = divisor / 2
        let fee = scaled >= 0 ? (scaled + half) / divisor : (scaled - half) / divisor
        let whole = notional / (Int128(spec.priceScale.multiplier) * Int128(spec.quantityScale.multiplier))
        volume &+= Int64(clamping: whole)
        if volume >= nextBoundary { selectTier() }
        return Int64(clamping: fee)
    }
}
