import Histogram
import Testing
@testable import HFTTelemetry
import HFTTestSupport

@Suite struct HistogramLayoutTests {
    @Test func latencyLayoutMatchesHdrHistogramGeometry() {
        let layout = HistogramLayout.latency
        // 3 digits → 2048 sub-buckets; 60 s needs buckets up to 2^36: (26 + 1) × 1024 slots.
        #expect(layout.subBucketCount == 2048)
        #expect(layout.countsLength == 27 * 1024)
        let peer = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let v = rng.next() % 60_000_000_001
            #expect(layout.lowestEquivalent(of: v) == peer.lowestEquivalentForValue(v))
            #expect(layout.highestEquivalent(of: v) == peer.highestEquivalentForValue(v))
            #expect(layout.equivalentRangeSize(of: v) == peer.sizeOfEquivalentRangeForValue(v))
        }
    }

    @Test func everyValueLandsInASlotThatContainsIt() {
        let layout = HistogramLayout.latency
        var rng = SplitMix64(seed: 11)
        var values: [UInt64] = [0, 1, 2047, 2048, 2049, 4095, 4096, 60_000_000_000]
        for _ in 0..<50_000 { values.append(rng.next() % 60_000_000_001) }
        for v in values {
            let i = layout.index(of: v)
            #expect(i >= 0 && i < layout.countsLength)
            let low = layout.lowestValue(atIndex: i)
            let high = low + layout.equivalentRangeSize(of: v) - 1
            #expect(low <= v && v <= high)
            // 3 significant digits: the slot is at most 1/1024 of the value wide (exact below 2048).
            if v >= 2048 { #expect(Double(high - low + 1) <= Double(v) / 1024) } else { #expect(low == v && high == v) }
        }
    }

    @Test func slotsAreMonotoneInValue() {
        let layout = HistogramLayout.latency
        var previous = 0
        var v: UInt64 = 0
        while v < 60_000_000_000 {
            let i = layout.index(of: v)
            #expect(i >= previous)
            previous = i
            v = v < 4096 ? v + 1 : v + v / 3000 + 1
        }
    }
}
