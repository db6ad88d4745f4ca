import Foundation

extension TelemetryReport {
    /// Geometry of the percentile plot.
    public struct PlotStyle: Sendable {
        public var width = 960.0
        public var height = 560.0
        /// Rightmost percentile decade: 5 puts 99.999% at the right edge (x = log10(1 / (1 - p))).
        public var decades = 5
        /// Points sampled per hop line.
        public var samples = 240

        public init() {}
    }

    /// Colors cycled through the hop lines.
    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#843c39",
    ]

    /// A self-contained SVG percentile plot in the style of HdrHistogram's plotter: x is the
    /// percentile on a `log10(1 / (1 - p))` scale labelled 0%, 90%, 99%, 99.9%..., y the latency on
    /// a log scale; one `<polyline>` per hop that has values (empty hops are left out of the plot
    /// and the legend), a legend with each hop's max (the curve stops at the last decade), a title
    /// and axis labels; the context's lines under the title.
    public func svg(style: PlotStyle = PlotStyle()) -> String {
        let plotted = hops.filter { $0.histogram.totalCount > 0 }
        let subtitle = context.lines()
        let left = 90.0, right = 200.0, top = Self.plotTop(subtitleLines: subtitle.count), bottom = 60.0
        let plotW = style.width - left - right
        let plotH = style.height - top - bottom

        var lowest = UInt64.max
        var highest: UInt64 = 1
        for hop in plotted {
            lowest = min(lowest, max(1, hop.histogram.min))
            highest = max(highest, hop.histogram.max)
        }
        if lowest == .max { lowest = 1 }
        let yMinDecade = Int(floor(log10(Double(lowest))))
        var yMaxDecade = Int(ceil(log10(Double(max(highest, 1)))))
        if yMaxDecade <= yMinDecade { yMaxDecade = yMinDecade + 1 }
        let xMax = Double(style.decades)

        func x(_ decade: Double) -> Double { left + plotW * min(decade, xMax) / xMax }
        func y(_ ns: UInt64) -> Double {
            let v = log10(Double(max(ns, 1)))
            return top + plotH * (1 - (v - Double(yMinDecade)) / Double(yMaxDecade - yMinDecade))
        }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }

        var out = Self.svgPreamble(width: style.width, height: style.height, title: title, subtitle: subtitle, titleX: left + plotW / 2)

        out += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n"
        for d in 0...style.decades {
            out += "<line x1=\"\(f(x(Double(d))))\" y1=\"\(f(top))\" x2=\"\(f(x(Double(d))))\" y2=\"\(f(top + plotH))\"/>\n"
        }
        var decadeValue: UInt64 = 1
        for _ in 0..<yMinDecade { decadeValue *= 10 }
        var yTicks: [(UInt64, Double)] = []
        for _ in yMinDecade...yMaxDecade {
            yTicks.append((decadeValue, y(decadeValue)))
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(decadeValue)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(decadeValue)))\"/>\n"
            decadeValue = decadeValue.multipliedReportingOverflow(by: 10).partialValue
        }
        out += "</g>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" "
            + "fill=\"none\" stroke=\"black\"/>\n"

        out += "<g text-anchor=\"middle\">\n"
        for d in 0...style.decades {
            out += "<text x=\"\(f(x(Double(d))))\" y=\"\(f(top + plotH + 18))\">\(Self.percentLabel(decade: d))</text>\n"
        }
        out += "</g>\n<g text-anchor=\"end\">\n"
        for (value, yPos) in yTicks {
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(yPos + 4))\">\(Self.decadeLabel(value))</text>\n"
        }
        out += "</g>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(style.height - 14))\" text-anchor=\"middle\">Percentile</text>\n"
        out += "<text x=\"20\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 20 \(f(top + plotH / 2)))\">Latency</text>\n"

        for (i, hop) in plotted.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            var points: [String] = []
            for s in 0...style.samples {
                let decade = xMax * Double(s) / Double(style.samples)
                let percentile = 100 * (1 - pow(10, -decade))
                let value = hop.histogram.valueAtPercentile(percentile)
                points.append("\(f(x(decade))),\(f(y(value)))")
            }
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" "
                + "data-hop=\"\(Self.escapeXML(hop.name))\" points=\"\(points.joined(separator: " "))\"/>\n"
            let ly = top + 10 + Double(i) * 30
            let lx = left + plotW + 16
            out += "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 24))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(f(lx + 30))\" y=\"\(f(ly + 4))\">\(Self.escapeXML(hop.name))</text>\n"
            let maxLabel = "max " + LatencyFormat.string(nanoseconds: hop.histogram.max)
            out += "<text x=\"\(f(lx + 30))\" y=\"\(f(ly + 16))\" font-size=\"10\" fill=\"#666666\">\(Self.escapeXML(maxLabel))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// The top edge of a plot's frame below the title and `subtitleLines` lines of context.
    static func plotTop(subtitleLines: Int) -> Double { 50 + 14 * Double(subtitleLines) }

    /// The opening of a plot: XML declaration, `<svg>` of `width` × `height`, a `<title>`, a white
    /// background, the title centred at `titleX` and the subtitle lines under it, centred on the
    /// plot's width (`class="context"`; `ReportContext.lines()` keeps them within it at 10 px).
    /// The caller closes the `<svg>`.
    static func svgPreamble(width: Double, height: Double, title: String, subtitle: [String] = [], titleX: Double) -> String {
        var lines = ""
        for (k, line) in subtitle.enumerated() {
            lines += "<text class=\"context\" x=\"\(Int(width / 2))\" y=\"\(46 + 14 * k)\" text-anchor=\"middle\" "
                + "font-size=\"10\" fill=\"#444444\">\(escapeXML(line))</text>\n"
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <title>\(escapeXML(title))</title>
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="white"/>
        <text x="\(String(format: "%.2f", titleX))" y="28" text-anchor="middle" font-size="16" font-weight="bold">\(escapeXML(title))</text>

        """ + lines
    }

    /// `1ns`, `10ns`, `100ns`, `1µs`, ... `100s` for a power of ten of nanoseconds.
    static func decadeLabel(_ ns: UInt64) -> String {
        switch ns {
        case ..<1_000: "\(ns)ns"
        case ..<1_000_000: "\(ns / 1_000)µs"
        case ..<1_000_000_000: "\(ns / 1_000_000)ms"
        default: "\(ns / 1_000_000_000)s"
        }
    }

    /// `0%`, `90%`, `99%`, `99.9%`, ... for decade 0, 1, 2, 3, ...
    static func percentLabel(decade: Int) -> String {
        if decade == 0 { return "0%" }
        if decade == 1 { return "90%" }
        if decade == 2 { return "99%" }
        return "99." + String(repeating: "9", count: decade - 2) + "%"
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attributes.
    static func escapeXML(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
