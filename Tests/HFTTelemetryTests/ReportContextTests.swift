import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import HFTTelemetry

@Suite struct ReportContextTests {
    static func sample() -> ReportContext {
        ReportContext([
            "machine": "Intel(R) Xeon(R) Processor @ 2.50GHz (family 6, model 85), 2 CPUs, KVM guest; L1d 32K, L1i 32K, L2 1024K, L3 36608K",
            "topology": "custom: pipeline on core 1 (feed, book, signals, strategy, execution)",
            "idle": "pipeline busySpin",
            "rate": "20000 frames/s offered",
            "clock": "CLOCK_MONOTONIC (vDSO) for every hop",
            "build": "release for haswell",
        ])
    }

    @Test func itemsKeepTheirOrderAndASetReplacesInPlace() {
        var c = Self.sample()
        #expect(c.items.map(\.name) == ["machine", "topology", "idle", "rate", "clock", "build"])
        c["idle"] = "pipeline backoff"
        c["memory"] = "jemalloc"
        c["topology"] = nil
        #expect(c.items.map(\.name) == ["machine", "idle", "rate", "clock", "build", "memory"])
        #expect(c["idle"] == "pipeline backoff" && c["topology"] == nil)
        #expect(c.dictionary.count == 6 && c.dictionary["memory"] == "jemalloc")
    }

    /// Lines break between items, never inside one that fits, stay within the width, and keep
    /// every item that fits in `maxLines`; an item longer than a line is cut with `…`.
    @Test func linesWrapBetweenItemsWithinTheWidth() {
        let c = Self.sample()
        let lines = c.lines(width: 140, maxLines: 3)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.count <= 140 })
        #expect(lines[0].hasPrefix("machine: Intel(R) Xeon(R)"))
        #expect(lines.joined(separator: " · ") == c.items.map { "\($0.name): \($0.value)" }.joined(separator: " · "))
        let two = c.lines(width: 140, maxLines: 2)
        #expect(two == Array(lines.prefix(2)))
        let narrow = c.lines(width: 40, maxLines: 10)
        #expect(narrow.allSatisfy { $0.count <= 40 })
        #expect(narrow[0] == "machine: Intel(R) Xeon(R) Processor @ 2…")
        #expect(narrow.count == 6)
        #expect(ReportContext().lines().isEmpty)
    }

    @Test func reportJSONCarriesTheContextAndMergeKeepsIt() throws {
        var report = TelemetryReportTests.sampleRegistry().report(title: "t")
        let bare = try JSONDecoder().decode(TelemetryReport.JSONDocument.self, from: Data(report.json().utf8))
        #expect(bare.context.isEmpty)
        report.context = Self.sample()
        report.merge(TelemetryReportTests.sampleRegistry().report(title: "other"))
        let doc = try JSONDecoder().decode(TelemetryReport.JSONDocument.self, from: Data(report.json().utf8))
        #expect(doc.context == Self.sample().dictionary)
        #expect(doc == report.jsonDocument())
    }

    /// The context lines sit under the title, inside the plot's width, and push the frame down.
    @Test func svgPrintsTheContextUnderTheTitle() throws {
        var report = TelemetryReportTests.sampleRegistry().report(title: "Latency by percentile")
        let plain = report.svg()
        report.context = Self.sample()
        let svg = report.svg()
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        for line in Self.sample().lines() { #expect(collector.texts.contains(line), "missing subtitle \(line)") }
        #expect(!plain.contains("class=\"context\""))
        #expect(svg.components(separatedBy: "class=\"context\"").count - 1 == 3)
        #expect(Self.frameTop(plain) == Double(50))
        #expect(Self.frameTop(svg) == Double(50 + 14 * 3))
    }

    @Test func rateSweepCarriesTheContext() throws {
        var sweep = RateSweepReportTests.sweep()
        sweep.context = Self.sample()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sweep.json().utf8)) as? [String: Any])
        #expect(object["context"] as? [String: String] == Self.sample().dictionary)
        let svg = sweep.svg()
        #expect(svg.contains("rate: 20000 frames/s offered"))
        #expect(Self.frameTop(svg) == Double(50 + 14 * 3))
    }

    /// The y of the plot's frame (the `<rect fill="none">`).
    static func frameTop(_ svg: String) -> Double? {
        guard let line = svg.split(separator: "\n").first(where: { $0.hasPrefix("<rect") && $0.contains("fill=\"none\"") }),
              let y = line.range(of: "y=\"") else { return nil }
        return Double(line[y.upperBound...].prefix { $0 != "\"" })
    }
}
