import Foundation

/// One hop's latency against the offered rate: a row per rate of an `hft bench --rates` sweep,
/// each from that rate's own merged histogram, as text, JSON and an SVG plot (x the offered rate,
/// y the latency, both on log scales; one line per percentile). Shows where queueing starts (the
/// rate past which p99 climbs) and how a quieter pace changes the cost per frame (caches cool
/// between frames). Cold path.
public struct RateSweepReport: Sendable {
    /// One offered rate's result.
    public struct Row: Sendable, Hashable {
        /// Frames per second offered.
        public var rate: Int
        /// The hop's histogram over that rate's runs.
        public var histogram: HistogramSnapshot
        /// Frames offered and those offered more than one period late (the source fell behind).
        public var offered: Int
        public var late: Int

        public init(rate: Int, histogram: HistogramSnapshot, offered: Int, late: Int) {
            self.rate = rate
            self.histogram = histogram
            self.offered = offered
            self.late = late
        }
    }

    /// The percentiles plotted and tabulated, with their labels.
    public static let percentiles: [(Double, String)] = [(50, "p50"), (90, "p90"), (99, "p99"), (99.9, "p99.9")]

    public var title: String
    /// The hop the rows describe (e.g. `tick→order`).
    public var hop: String
    /// Rows in ascending rate order.
    public private(set) var rows: [Row] = []
    /// Where and how the sweep was measured; in the JSON and under the plot's title.
    public var context = ReportContext()

    public init(title: String, hop: String) {
        self.title = title
        self.hop = hop
    }

    /// Adds a rate's row, keeping the rows sorted by rate.
    public mutating func add(_ row: Row) {
        rows.append(row)
        rows.sort { $0.rate < $1.rate }
    }

    /// A table: rate, samples, the percentiles, max, and the share of frames offered late.
    public func text() -> String {
        var lines = [title, "\(hop) by offered rate"]
        let head = ["rate/s", "count"] + Self.percentiles.map(\.1) + ["max", "late"]
        lines.append(head.enumerated().map { $0.offset == 0 ? pad($0.element, 9, left: true) : pad($0.element, 9) }.joined())
        for r in rows {
            var cells = [pad(String(r.rate), 9, left: true), pad(String(r.histogram.totalCount), 9)]
            for (p, _) in Self.percentiles { cells.append(pad(value(r, p), 9)) }
            cells.append(pad(r.histogram.totalCount > 0 ? LatencyFormat.string(nanoseconds: r.histogram.max) : "-", 9))
            cells.append(pad(r.offered > 0 ? String(format: "%.1f%%", 100 * Double(r.late) / Double(r.offered)) : "-", 9))
            lines.append(cells.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// `{"title", "hop", "context": {name: value}, "rows": [{"rate", "count", "p50_ns", "p90_ns", "p99_ns", "p99_9_ns", "max_ns", "offered", "late"}]}`
    /// (sorted keys); an empty row's percentiles and max are `null`.
    public func json() -> String {
        struct Row: Encodable {
            var rate: Int, count: UInt64, p50: UInt64?, p90: UInt64?, p99: UInt64?, p999: UInt64?, max: UInt64?, offered: Int, late: Int
            enum CodingKeys: String, CodingKey {
                case rate, count, offered, late, p50 = "p50_ns", p90 = "p90_ns", p99 = "p99_ns", p999 = "p99_9_ns", max = "max_ns"
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(rate, forKey: .rate)
                try c.encode(count, forKey: .count)
                for (key, v) in [(CodingKeys.p50, p50), (.p90, p90), (.p99, p99), (.p999, p999), (.max, max)] { try c.encode(v, forKey: key) }
                try c.encode(offered, forKey: .offered)
                try c.encode(late, forKey: .late)
            }
        }
        struct Sweep: Encodable { var title: String, hop: String, context: [String: String], rows: [Row] }
        let rows = self.rows.map { r -> Row in
            let h = r.histogram, some = h.totalCount > 0
            func at(_ p: Double) -> UInt64? { some ? h.valueAtPercentile(p) : nil }
            return Row(rate: r.rate, count: h.totalCount, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: some ? h.max : nil,
                       offered: r.offered, late: r.late)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Sweep(title: title, hop: hop, context: context.dictionary, rows: rows))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The plot: one `<polyline>` per percentile through the rows that have samples
    /// (`data-percentile` names it), a point marker per row, log-scale axes with decade grid lines.
    public func svg(width: Double = 960, height: Double = 560) -> String {
        let plotted = rows.filter { $0.histogram.totalCount > 0 && $0.rate > 0 }
        let subtitle = context.lines()
        let left = 90.0, right = 170.0, top = TelemetryReport.plotTop(subtitleLines: subtitle.count), bottom = 60.0
        let plotW = width - left - right, plotH = height - top - bottom
        let rates = plotted.map { Double($0.rate) }
        let xLow = floor(log10(rates.min() ?? 1)), xHigh = max(floor(log10(rates.min() ?? 1)) + 1, ceil(log10(rates.max() ?? 10)))
        var lowest = UInt64.max, highest: UInt64 = 1
        for r in plotted {
            lowest = min(lowest, max(1, r.histogram.valueAtPercentile(Self.percentiles[0].0)))
            highest = max(highest, r.histogram.valueAtPercentile(Self.percentiles[Self.percentiles.count - 1].0))
        }
        if lowest == .max { lowest = 1 }
        let yLow = floor(log10(Double(lowest))), yHigh = max(yLow + 1, ceil(log10(Double(highest))))
        func x(_ rate: Double) -> Double { left + plotW * (log10(rate) - xLow) / (xHigh - xLow) }
        func y(_ ns: UInt64) -> Double { top + plotH * (1 - (log10(Double(max(ns, 1))) - yLow) / (yHigh - yLow)) }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }

        var out = TelemetryReport.svgPreamble(width: width, height: height, title: title, subtitle: subtitle, titleX: left + plotW / 2)
        // One pass per axis: its decade grid lines and their labels.
        var grid = "", xLabels = "", yLabels = ""
        for d in Int(xLow)...Int(xHigh) {
            let px = f(x(pow(10, Double(d))))
            grid += "<line x1=\"\(px)\" y1=\"\(f(top))\" x2=\"\(px)\" y2=\"\(f(top + plotH))\"/>\n"
            xLabels += "<text x=\"\(px)\" y=\"\(f(top + plotH + 18))\">\(Self.rateLabel(d))</text>\n"
        }
        for d in Int(yLow)...Int(yHigh) {
            let v = UInt64(pow(10, Double(d)))
            grid += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(v)))\"/>\n"
            yLabels += "<text x=\"\(f(left - 8))\" y=\"\(f(y(v) + 4))\">\(TelemetryReport.decadeLabel(v))</text>\n"
        }
        out += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n" + grid + "</g>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<g text-anchor=\"middle\">\n" + xLabels + "</g>\n<g text-anchor=\"end\">\n" + yLabels + "</g>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">Offered rate (frames/s)</text>\n"
        out += "<text x=\"20\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 20 \(f(top + plotH / 2)))\">"
            + "\(TelemetryReport.escapeXML(hop)) latency</text>\n"
        for (i, (p, label)) in Self.percentiles.enumerated() {
            let color = TelemetryReport.palette[i % TelemetryReport.palette.count]
            let points = plotted.map { "\(f(x(Double($0.rate)))),\(f(y($0.histogram.valueAtPercentile(p))))" }
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" data-percentile=\"\(label)\" points=\"\(points.joined(separator: " "))\"/>\n"
            for point in points {
                let xy = point.split(separator: ",")
                out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            let ly = top + 10 + Double(i) * 24, lx = left + plotW + 16
            out += "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 24))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(f(lx + 30))\" y=\"\(f(ly + 4))\">\(label)</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// `1/s`, `10/s`, …, `1k/s`, `10k/s`, `100k/s`, `1M/s` for a power of ten.
    static func rateLabel(_ decade: Int) -> String {
        switch decade {
        case ..<3: "\(Int(pow(10, Double(max(0, decade)))))/s"
        case ..<6: "\(Int(pow(10, Double(decade - 3))))k/s"
        default: "\(Int(pow(10, Double(decade - 6))))M/s"
        }
    }

    private func value(_ r: Row, _ p: Double) -> String {
        r.histogram.totalCount > 0 ? LatencyFormat.string(nanoseconds: r.histogram.valueAtPercentile(p)) : "-"
    }

    private func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, n - s.count))
        return left ? s + fill : fill + s
    }
}
