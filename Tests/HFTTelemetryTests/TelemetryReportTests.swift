import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HFTPrimitives
import Testing
@testable import HFTTelemetry

@Suite struct TelemetryReportTests {
    /// A registry with known contents: `decode` all 1 500 ns; `tick→order` 1..10 000 µs in 1 µs steps;
    /// `queue.feed→book` empty; two counters; two distinct errors.
    static func sampleRegistry() -> TelemetryRegistry {
        let registry = TelemetryRegistry(hopCapacity: 8)
        let decode = registry.registerHop(.decode)
        let e2e = registry.registerHop(.tickToOrder)
        _ = registry.registerHop(.queueFeedToBook)
        let full = registry.registerCounter("feed.ring_full", help: "Feed stopped reading: ring full")
        let conflated = registry.registerCounter("signals.conflations")
        let gap = registry.registerErrorCode("binance.sequenceGap")
        let r = registry.makeRecorder(name: "main")
        for _ in 0..<400 { r.record(decode, Int64(1_500)) }
        for us in 1...10_000 { r.record(e2e, Int64(us) * 1_000) }
        r.increment(full, by: 3)
        r.increment(conflated, by: 12_345)
        r.recordError(gap, detail: 2, at: Nanos(raw: 1_000))
        r.recordError(gap, detail: 2, at: Nanos(raw: 9_000))
        return registry
    }

    @Test func latencyFormatPicksUnitsPerValue() {
        #expect(LatencyFormat.string(nanoseconds: 0) == "0ns")
        #expect(LatencyFormat.string(nanoseconds: 812) == "812ns")
        #expect(LatencyFormat.string(nanoseconds: 1_500) == "1.50µs")
        #expect(LatencyFormat.string(nanoseconds: 23_456) == "23.5µs")
        #expect(LatencyFormat.string(nanoseconds: 999_499) == "999µs")
        #expect(LatencyFormat.string(nanoseconds: 999_600) == "1.00ms")
        #expect(LatencyFormat.string(nanoseconds: 23_400_000) == "23.4ms")
        #expect(LatencyFormat.string(nanoseconds: 60_000_000_000) == "60.0s")
    }

    /// Merging two runs' reports: histograms add by hop name (percentiles over the union),
    /// counters sum, a hop only the second run has is appended.
    @Test func mergeAddsHistogramsAndCountersByName() {
        var a = Self.sampleRegistry().report(title: "a")
        let b = Self.sampleRegistry().report(title: "b")
        let extraRegistry = TelemetryRegistry(hopCapacity: 2)
        let extra = extraRegistry.registerHop("order.tick→signal")
        extraRegistry.makeRecorder(name: "x").record(extra, 7_000)
        a.merge(b)
        a.merge(extraRegistry.report(title: "c"))
        let e2e = a.hops.first { $0.name == "tick→order" }!.histogram
        #expect(e2e.count == 20_000)
        // Two copies of 1…10 000 µs: the median is still ≈ 5 ms, the max 10 ms.
        let p50 = e2e.valueAtPercentile(50)
        #expect(p50 >= 4_990_000 && p50 <= 5_010_000)
        #expect(e2e.max >= 10_000_000 && e2e.max <= 10_010_000)
        #expect(a.hops.first { $0.name == "decode" }!.histogram.count == 800)
        #expect(a.hops.last?.name == "order.tick→signal" && a.hops.last?.histogram.count == 1)
        #expect(a.counters.first { $0.name == "signals.conflations" }?.value == 24_690)
        #expect(a.counters.first { $0.name == "feed.ring_full" }?.value == 6)
        #expect(a.title == "a")
    }

    @Test func textTableHasTheRightNumbers() {
        let registry = Self.sampleRegistry()
        let report = registry.report(title: "test run")
        let text = report.text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "test run")
        #expect(lines[1].split(separator: " ", omittingEmptySubsequences: true) == ["hop", "count", "p50", "p90", "p99", "p99.9", "max"])
        let decode = lines.first { $0.hasPrefix("decode ") }?.split(separator: " ").map(String.init)
        #expect(decode == ["decode", "400", "1.50µs", "1.50µs", "1.50µs", "1.50µs", "1.50µs"])
        let e2e = lines.first { $0.hasPrefix("tick→order ") }?.split(separator: " ").map(String.init)
        let h = registry.snapshot(registry.hop(named: "tick→order")!)
        let expected = [50.0, 90, 99, 99.9].map { LatencyFormat.string(nanoseconds: h.valueAtPercentile($0)) }
        #expect(e2e == ["tick→order", "10000"] + expected + ["10.0ms"])
        #expect(expected == ["5.00ms", "9.00ms", "9.90ms", "9.99ms"])
        let empty = lines.first { $0.hasPrefix("queue.feed→book ") }?.split(separator: " ").map(String.init)
        #expect(empty == ["queue.feed→book", "0", "-", "-", "-", "-", "-"])
        #expect(lines.contains { $0.split(separator: " ").map(String.init) == ["signals.conflations", "12345"] })
        #expect(lines.contains { $0.split(separator: " ").map(String.init) == ["binance.sequenceGap", "2", "2", "1000", "9000"] })
    }

    @Test func jsonRoundTripsWithExactNanoseconds() throws {
        let registry = Self.sampleRegistry()
        let json = registry.report().json()
        let doc = try JSONDecoder().decode(TelemetryReport.JSONDocument.self, from: Data(json.utf8))
        #expect(doc.highestTrackableNanos == 60_000_000_000)
        #expect(doc.significantDigits == 3)
        #expect(doc.hops.map(\.name) == ["decode", "tick→order", "queue.feed→book"])
        let e2e = doc.hops[1]
        let h = registry.snapshot(HopId(raw: 1))
        #expect(e2e.count == 10_000)
        #expect(e2e.sumNanos == 50_005_000_000)
        #expect(e2e.minNanos == 1_000 && e2e.maxNanos == 10_000_000)
        #expect(e2e.meanNanos == 5_000_500)
        #expect(e2e.percentilesNanos["50"] == h.valueAtPercentile(50))
        #expect(e2e.percentilesNanos["99.9"] == h.valueAtPercentile(99.9))
        #expect(e2e.percentilesNanos["99.99"] == h.valueAtPercentile(99.99))
        #expect(doc.hops[0].percentilesNanos["90"] == 1_500)
        #expect(doc.hops[2].count == 0)
        #expect(doc.counters.map(\.value) == [3, 12_345])
        #expect(doc.errors == [DistinctErrorEntry(name: "binance.sequenceGap", detail: 2, count: 2, firstNanos: 1_000, lastNanos: 9_000)])
        #expect(doc == registry.report().jsonDocument())
    }

    @Test func prometheusNamesAreSanitized() {
        #expect(TelemetryReport.prometheusName("tick→order") == "tick_to_order")
        #expect(TelemetryReport.prometheusName("queue.feed→book") == "queue_feed_to_book")
        #expect(TelemetryReport.prometheusName("inference.tcn") == "inference_tcn")
        #expect(TelemetryReport.prometheusName("ws: bad frame!") == "ws:_bad_frame")
        #expect(TelemetryReport.prometheusName("→") == "to")
        #expect(TelemetryReport.prometheusName("¿") == "unnamed")
    }

    @Test func prometheusOutputParsesBackToTheHistogramValues() throws {
        let registry = Self.sampleRegistry()
        _ = registry.registerHop("a.b")
        _ = registry.registerHop("a_b")  // collides with "a.b" after sanitizing
        let text = registry.report().prometheus()
        let exposition = try PrometheusText(text)

        for (i, name) in registry.hopNames.enumerated() {
            let h = registry.snapshot(HopId(raw: UInt16(i)))
            var family = "hft_hop_" + TelemetryReport.prometheusName(name) + "_seconds"
            if name == "a_b" { family = "hft_hop_a_b_seconds_2" }
            #expect(exposition.types[family] == "summary", "\(family)")
            for (q, p) in [("0.5", 50.0), ("0.9", 90), ("0.99", 99), ("0.999", 99.9), ("0.9999", 99.99), ("1", 100)] {
                let value = try #require(exposition.value(family, ["quantile": q]), "\(family) \(q)")
                if h.count == 0 {
                    #expect(value.isNaN)
                } else {
                    #expect(value == Double(h.valueAtPercentile(p)) / 1e9, "\(family) quantile \(q)")
                }
            }
            #expect(exposition.value(family + "_count", [:]) == Double(h.count))
            #expect(exposition.value(family + "_sum", [:]) == Double(h.sum) / 1e9)
        }
        // p50 of 1...10 000 µs is 5 ms, reported as the top of its 4 096 ns wide slot.
        #expect(exposition.value("hft_hop_tick_to_order_seconds", ["quantile": "0.5"]) == 0.005_001_215)
        #expect(exposition.types["hft_feed_ring_full_total"] == "counter")
        #expect(exposition.value("hft_feed_ring_full_total", [:]) == 3)
        #expect(exposition.value("hft_signals_conflations_total", [:]) == 12_345)
        #expect(exposition.value("hft_errors_total", ["error": "binance.sequenceGap", "detail": "2"]) == 2)
        #expect(exposition.value("hft_error_log_overflow_total", [:]) == 0)
    }

    @Test func svgIsWellFormedWithOnePolylinePerHopWithValues() throws {
        let registry = Self.sampleRegistry()
        _ = registry.registerHop("odd <name> & \"quotes\"")
        let recorder = registry.makeRecorder(name: "late")
        recorder.record(registry.hop(named: "odd <name> & \"quotes\"")!, Int64(42_000_000_000))
        let svg = registry.report(title: "Latency by percentile").svg()
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = SVGCollector()
        parser.delegate = collector
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        #expect(collector.root == "svg")
        // decode, tick→order and the odd name have values; queue.feed→book is empty.
        #expect(collector.polylineHops == ["decode", "tick→order", "odd <name> & \"quotes\""])
        #expect(collector.pointCounts.allSatisfy { $0 == 241 })
        #expect(collector.texts.contains("Latency by percentile"))
        #expect(collector.texts.contains("Percentile") && collector.texts.contains("Latency"))
        for label in ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"] { #expect(collector.texts.contains(label)) }
        // Values span 1 µs ... 42 s: one y tick per decade.
        for label in ["1µs", "10µs", "100µs", "1ms", "10ms", "100ms", "1s", "10s", "100s"] {
            #expect(collector.texts.contains(label), "missing y tick \(label)")
        }
        #expect(!collector.texts.contains("100ns"))
        #expect(collector.texts.contains("tick→order"))
        #expect(collector.texts.contains("max 10.0ms") && collector.texts.contains("max 1.50µs"))
        // Lines rise (or stay) from left to right: latency is non-decreasing in the percentile.
        for ys in collector.polylineYs { #expect(zip(ys, ys.dropFirst()).allSatisfy { $0 >= $1 }) }
    }
}

/// Collects what the SVG test checks.
final class SVGCollector: NSObject, XMLParserDelegate {
    var root: String?
    var polylineHops: [String] = []
    var pointCounts: [Int] = []
    var polylineYs: [[Double]] = []
    var texts: Set<String> = []
    private var inText = false
    private var current = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        if name == "polyline" {
            polylineHops.append(attributes["data-hop"] ?? "?")
            let points = (attributes["points"] ?? "").split(separator: " ")
            pointCounts.append(points.count)
            polylineYs.append(points.compactMap { $0.split(separator: ",").last.flatMap { Double($0) } })
        }
        if name == "text" || name == "title" {
            inText = true
            current = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" || name == "title" {
            texts.insert(current)
            inText = false
        }
    }
}
