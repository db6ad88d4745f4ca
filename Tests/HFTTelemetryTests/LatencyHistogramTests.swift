import HFTPrimitives
import Histogram
import Testing
@testable import HFTTelemetry

@Suite struct LatencyHistogramTests {
    static let percentiles: [Double] = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100]

    /// The exact value at `percentile` over sorted values: the smallest value with at least
    /// `percentile`% of the values at or below it (HdrHistogram's definition, without buckets).
    static func exact(_ sorted: [UInt64], _ percentile: Double) -> UInt64 {
        if percentile <= 0 { return sorted[0] }
        let rank = max(1, Int((percentile.nextDown * Double(sorted.count) / 100).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    @Test(arguments: TestDistribution.allCases)
    func percentilesWithinHdrPrecisionOfExact(_ distribution: TestDistribution) {
        let values = distribution.samples(200_000, seed: 42)
        let histogram = LatencyHistogram()
        for v in values { histogram.record(v) }
        let snapshot = histogram.snapshot()
        snapshot.checkInvariants()
        let sorted = values.sorted()
        #expect(snapshot.count == UInt64(values.count))
        #expect(snapshot.min == sorted.first!)
        #expect(snapshot.max == sorted.last!)
        let exactMean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        #expect(abs(snapshot.mean - exactMean) <= exactMean * 1e-9)
        for p in Self.percentiles {
            let exact = Self.exact(sorted, p)
            let got = snapshot.valueAtPercentile(p)
            // Same slot as the exact value: equal within one part in 1024 (3 significant digits),
            // never below it (the slot's highest equivalent is reported).
            #expect(got >= exact, "\(distribution) p\(p): \(got) < exact \(exact)")
            #expect(Double(got - exact) <= Double(exact) / 1024, "\(distribution) p\(p): \(got) vs exact \(exact)")
            #expect(histogram.layout.index(of: got) == histogram.layout.index(of: exact))
        }
        #expect(snapshot.valuesAtPercentiles(Self.percentiles) == Self.percentiles.map { snapshot.valueAtPercentile($0) })
    }

    @Test(arguments: TestDistribution.allCases)
    func matchesHdrHistogramSwiftOnTheSameValues(_ distribution: TestDistribution) {
        let values = distribution.samples(100_000, seed: 1234)
        let ours = LatencyHistogram()
        var peer = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for v in values {
            ours.record(v)
            peer.record(v)
        }
        let snapshot = ours.snapshot()
        #expect(snapshot.count == peer.totalCount)
        #expect(snapshot.min == peer.min)
        #expect(snapshot.max == peer.maxRecorded)
        for p in Self.percentiles + [33.3, 66.6, 95, 99.5, 99.999] {
            #expect(snapshot.valueAtPercentile(p) == peer.valueAtPercentile(p), "\(distribution) p\(p)")
        }
        for v: UInt64 in [1, 1_000, 5_000, 1_000_000, 50_000_000] {
            #expect(abs(snapshot.percentileAtOrBelow(v) - peer.percentileAtOrBelowValue(v)) < 1e-9)
        }
        // The peer's mean uses slot midpoints; ours is exact, so they agree to the slot precision.
        #expect(abs(snapshot.mean - peer.mean) <= peer.mean / 1024)
    }

    @Test func clampsAndCountsOutOfRangeValues() {
        let histogram = LatencyHistogram()
        histogram.record(UInt64(100))
        histogram.record(UInt64(120_000_000_000))
        histogram.record(Int64(-5))
        histogram.record(Nanos(raw: 250))
        let s = histogram.snapshot()
        s.checkInvariants()
        #expect(s.count == 4)
        #expect(s.overflowCount == 1)
        #expect(s.underflowCount == 1)
        #expect(s.max == 60_000_000_000)
        #expect(s.min == 0)
        #expect(s.sum == 60_000_000_000 + 100 + 250)
        #expect(s.valueAtPercentile(100) == 60_000_000_000)
    }

    @Test func emptyHistogramAnswersZero() {
        let s = LatencyHistogram().snapshot()
        #expect(s.count == 0)
        #expect(s.min == 0 && s.max == 0 && s.mean == 0)
        #expect(s.valueAtPercentile(50) == 0)
        #expect(s.percentileAtOrBelow(10) == 100)
    }

    @Test func addMergesAndResetEmpties() {
        let a = LatencyHistogram()
        let b = LatencyHistogram()
        let all = LatencyHistogram()
        let values = TestDistribution.logNormal.samples(20_000, seed: 5)
        for (i, v) in values.enumerated() {
            (i % 3 == 0 ? a : b).record(v)
            all.record(v)
        }
        a.add(b.snapshot())
        #expect(a.snapshot() == all.snapshot())

        var merged = HistogramSnapshot()
        merged.add(b.snapshot())
        #expect(merged.count == b.snapshot().count)
        #expect(merged.valueAtPercentile(99) == b.snapshot().valueAtPercentile(99))

        a.reset()
        #expect(a.snapshot() == HistogramSnapshot())
        a.record(UInt64(777))
        #expect(a.snapshot().min == 777 && a.snapshot().max == 777 && a.snapshot().count == 1)
    }

    @Test func subtractingGivesTheInterval() {
        let h = LatencyHistogram()
        for v in TestDistribution.uniform.samples(5_000, seed: 1) { h.record(v) }
        let first = h.snapshot()
        let second = TestDistribution.bimodal.samples(5_000, seed: 2)
        for v in second { h.record(v) }
        let interval = h.snapshot().subtracting(first)
        interval.checkInvariants()
        var expected = HistogramSnapshot()
        for v in second { expected.record(v) }
        #expect(interval.counts == expected.counts)
        #expect(interval.count == 5_000)
        #expect(interval.sum == expected.sum)
        for p in Self.percentiles.dropFirst().dropLast() {
            #expect(interval.valueAtPercentile(p) == expected.valueAtPercentile(p))
        }
    }

    @Test func snapshotRecordMatchesHotRecord() {
        let h = LatencyHistogram()
        var s = HistogramSnapshot()
        for v in TestDistribution.pareto.samples(10_000, seed: 3) {
            h.record(v)
            s.record(v)
        }
        #expect(h.snapshot() == s)
    }
}
