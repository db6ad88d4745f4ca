/// The bucket geometry of an HDR histogram: which counts slot a value falls into and which value
/// range a slot stands for. Same arithmetic as HdrHistogram (Gil Tene) and hdrhistogram-swift, so
/// the same values give the same percentiles.
///
/// Values `0 ..< subBucketCount << unitMagnitude` are exact; above that each power-of-two bucket
/// has `subBucketCount / 2` linear slots, so every value keeps `significantDigits` decimal digits.
/// The default `.latency` covers 1 ns to 60 s at 3 digits: 2048 sub-buckets, 27 648 slots.
@frozen
public struct HistogramLayout: BitwiseCopyable, Hashable, Sendable {
    /// Lowest value distinguished from 0 (the unit of resolution).
    public let lowestDiscernibleValue: UInt64
    /// Highest value recorded as itself; larger values are clamped to it and counted.
    public let highestTrackableValue: UInt64
    /// Decimal digits of precision kept over the whole range (0...5).
    public let significantDigits: Int
    /// Number of count slots (`UInt64` each) a histogram of this layout needs.
    public let countsLength: Int

    @usableFromInline let unitMagnitude: Int
    @usableFromInline let subBucketHalfCountMagnitude: Int
    @usableFromInline let subBucketMask: UInt64
    @usableFromInline let leadingZeroCountBase: Int

    /// The hop latency layout: 1 ns to 60 s at 3 significant digits.
    public static let latency = HistogramLayout(
        lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, significantDigits: 3)

    /// - Precondition: `lowestDiscernibleValue >= 1`, `highestTrackableValue >= 2 * lowestDiscernibleValue`,
    ///   `0 <= significantDigits <= 5`.
    public init(lowestDiscernibleValue: UInt64, highestTrackableValue: UInt64, significantDigits: Int) {
        precondition(lowestDiscernibleValue >= 1, "lowestDiscernibleValue must be >= 1")
        precondition(highestTrackableValue >= 2 &* lowestDiscernibleValue, "highestTrackableValue too small")
        precondition((0...5).contains(significantDigits), "significantDigits must be in 0...5")
        self.lowestDiscernibleValue = lowestDiscernibleValue
        self.highestTrackableValue = highestTrackableValue
        self.significantDigits = significantDigits

        var largestSingleUnit: UInt64 = 2
        for _ in 0..<significantDigits { largestSingleUnit *= 10 }
        let unitMagnitude = 63 - lowestDiscernibleValue.leadingZeroBitCount
        let subBucketCountMagnitude = Int((Double(largestSingleUnit)).log2Up)
        let halfMagnitude = (subBucketCountMagnitude > 1 ? subBucketCountMagnitude : 1) - 1
        precondition(unitMagnitude + halfMagnitude <= 61, "layout does not fit 64-bit values")
        let subBucketCount = 1 << (halfMagnitude + 1)
        self.unitMagnitude = unitMagnitude
        self.subBucketHalfCountMagnitude = halfMagnitude
        self.subBucketMask = UInt64(subBucketCount - 1) << unitMagnitude
        self.leadingZeroCountBase = 64 - unitMagnitude - (halfMagnitude + 1)

        var smallestUntrackable = UInt64(subBucketCount) << unitMagnitude
        var bucketsNeeded = 1
        while smallestUntrackable <= highestTrackableValue {
            if smallestUntrackable > UInt64.max / 2 { bucketsNeeded += 1; break }
            smallestUntrackable <<= 1
            bucketsNeeded += 1
        }
        self.countsLength = (bucketsNeeded + 1) << halfMagnitude
    }

    @inlinable var subBucketHalfCount: Int { 1 << subBucketHalfCountMagnitude }
    @inlinable var subBucketCount: Int { 1 << (subBucketHalfCountMagnitude + 1) }

    /// The counts slot of `value`; O(1): one leading-zero count, two shifts, one add.
    /// - Precondition: `value <= highestTrackableValue` (callers clamp first), so the slot is in range.
    @inlinable @inline(__always)
    public func index(of value: UInt64) -> Int {
        let bucket = leadingZeroCountBase &- (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(truncatingIfNeeded: value &>> UInt64(truncatingIfNeeded: bucket &+ unitMagnitude))
        return ((bucket &+ 1) &<< subBucketHalfCountMagnitude) &+ (subBucket &- subBucketHalfCount)
    }

    /// The lowest value that lands in counts slot `index`.
    @inlinable
    public func lowestValue(atIndex index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return UInt64(subBucket) << (bucket + unitMagnitude)
    }

    /// Width of the value range that shares the slot of `value` (1 for exact slots).
    @inlinable
    public func equivalentRangeSize(of value: UInt64) -> UInt64 {
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(value >> UInt64(bucket + unitMagnitude))
        let adjusted = subBucket >= subBucketCount ? bucket + 1 : bucket
        return 1 << UInt64(unitMagnitude + adjusted)
    }

    /// The lowest value recorded into the same slot as `value`.
    @inlinable
    public func lowestEquivalent(of value: UInt64) -> UInt64 {
        lowestValue(atIndex: index(of: value))
    }

    /// The highest value recorded into the same slot as `value`.
    @inlinable
    public func highestEquivalent(of value: UInt64) -> UInt64 {
        lowestEquivalent(of: value) + equivalentRangeSize(of: value) - 1
    }

    /// The middle (rounded up) of the value range sharing the slot of `value`, used for the mean.
    @inlinable
    public func medianEquivalent(of value: UInt64) -> UInt64 {
        lowestEquivalent(of: value) + (equivalentRangeSize(of: value) >> 1)
    }
}

extension Double {
    /// `ceil(log2(self))` for the layout constructor (cold path).
    fileprivate var log2Up: Double {
        var magnitude = 0.0
        var power = 1.0
        while power < self { power *= 2; magnitude += 1 }
        return magnitude
    }
}
