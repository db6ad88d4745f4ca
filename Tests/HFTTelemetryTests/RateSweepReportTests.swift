import Foundation
import Testing
@testable import HFTTelemetry

@Suite struct RateSweepReportTests {
    /// A histogram of `n` values spread evenly over `low...high` ns.
    static func histogram(_ low: UInt64, _ high: UInt64, count n: Int = 1_000) -> HistogramSnapshot {
        var h = HistogramSnapshot()
        for i in 0..<n { h.record(low + (high - low) * UInt64(i) / UInt64(n - 1)) }
        return h
    }

    static func sweep() -> RateSweepReport {
        var s = RateSweepReport(title: "sweep \"x\" & <y>", hop: "tick→order")
        s.add(.init(rate: 20_000, histogram: histogram(8_000, 40_000), offered: 1_000, late: 10))
        s.add(.init(rate: 2_000, histogram: histogram(15_000, 90_000), offered: 1_000, late: 0))
        s.add(.init(rate: 5_000, histogram: HistogramSnapshot(), offered: 500, late: 0))
        return s
    }

    @Test func rowsAreSortedAndTabulated() {
        let s = Self.sweep()
        #expect(s.rows.map(\.rate) == [2_000, 5_000, 20_000])
        let lines = s.text().split(separator: "\n").map(String.init)
        #expect(lines[1] == "tick→order by offered rate")
        #expect(lines[3].hasPrefix("2000") && lines[4].hasPrefix("5000") && lines[5].hasPrefix("20000"))
        #expect(lines[4].contains(" - "))                 // no samples: no percentiles
        #expect(lines[5].hasSuffix("1.0%"))               // 10 of 1 000 frames late
        let p50 = LatencyFormat.string(nanoseconds: s.rows[2].histogram.valueAtPercentile(50))
        #expect(lines[5].contains(p50))
    }

    @Test func jsonCarriesEveryRowWithNullsForEmptyOnes() throws {
        let s = Self.sweep()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(s.json().utf8)) as? [String: Any])
        #expect(object["title"] as? String == "sweep \"x\" & <y>" && object["hop"] as? String == "tick→order")
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["rate"] as? Int } == [2_000, 5_000, 20_000])
        #expect(rows[1]["p50_ns"] is NSNull && rows[1]["count"] as? Int == 0)
        #expect(rows[2]["p99_9_ns"] as? Int == Int(s.rows[2].histogram.valueAtPercentile(99.9)))
        #expect(rows[2]["late"] as? Int == 10 && rows[2]["offered"] as? Int == 1_000)
    }

    /// One line per percentile through the rows with samples (the empty rate is left out), a
    /// marker per point, x increasing with the rate, and p99.9 above p50 (y grows downwards).
    @Test func svgPlotsOneLinePerPercentile() throws {
        let svg = Self.sweep().svg()
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("sweep &quot;x&quot; &amp; &lt;y&gt;"))
        let lines = svg.split(separator: "\n").filter { $0.hasPrefix("<polyline") }
        #expect(lines.count == RateSweepReport.percentiles.count)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2 * RateSweepReport.percentiles.count)
        func points(_ line: Substring) -> [(Double, Double)] {
            let list = line.split(separator: "points=\"")[1].split(separator: "\"")[0]
            return list.split(separator: " ").map { p in
                let xy = p.split(separator: ",")
                return (Double(xy[0])!, Double(xy[1])!)
            }
        }
        let p50 = points(lines[0]), p999 = points(lines[lines.count - 1])
        #expect(p50.count == 2 && p50[0].0 < p50[1].0)
        #expect(p999[0].1 < p50[0].1 && p999[1].1 < p50[1].1)
        #expect(RateSweepReport.rateLabel(3) == "1k/s" && RateSweepReport.rateLabel(4) == "10k/s" && RateSweepReport.rateLabel(6) == "1M/s")
    }
}
