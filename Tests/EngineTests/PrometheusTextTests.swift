import Engine
import HFTTelemetry
import Testing

/// `PrometheusText.validate` on hand-written good and bad expositions, and on HFTTelemetry's output.
@Suite struct PrometheusTextTests {
    static let good = """
        # A plain comment, then metadata with escapes.
        # HELP hft_position Net position per instrument, base units. Backslash \\\\ and line\\nfeed.
        # TYPE hft_position gauge
        hft_position{venue="binance",instrument="BTCUSDT"} -0.25
        hft_position{venue="binance",instrument="ETH\\"USDT\\\\x\\ny",} 3 1700000000000

        # TYPE hft_fills_total counter
        hft_fills_total{side="buy"} 12
        hft_fills_total{side="sell"}\t7\t-5
        # TYPE hft_hop_decode_seconds summary
        hft_hop_decode_seconds{quantile="0.5"} NaN
        hft_hop_decode_seconds{quantile="1"} +Inf
        hft_hop_decode_seconds_sum 1.5e-06
        hft_hop_decode_seconds_count 0
        # TYPE rtt_seconds histogram
        rtt_seconds_bucket{le="0.001"} 1
        rtt_seconds_bucket{le="+Inf"} 2
        rtt_seconds_sum .003
        rtt_seconds_count 2
        untyped_thing -Inf
        ns:recording_rule:rate5m { job = "x" } 1E3

        """

    @Test func aValidExpositionHasNoProblems() {
        #expect(PrometheusText.validate(Self.good) == [])
        #expect(PrometheusText.validate("") == [])
        #expect(PrometheusText.validate("\n\n") == [])
    }

    /// Each bad input and a fragment of the problem it must produce.
    static let bad: [(text: String, problem: String)] = [
        ("a 1", "does not end with a line feed"),
        ("9lives 1\n", #"invalid metric name "9lives""#),
        ("a-b 1\n", #"invalid metric name "a-b""#),
        ("a{b=\"1} 1\n", "unterminated value of label b"),
        ("a{b=\"1\"\n", "unterminated label set of a"),
        ("a{b=1} 1\n", "unquoted value"),
        ("a{1b=\"x\"} 1\n", #"invalid label name "1b""#),
        ("a{b:c=\"x\"} 1\n", #"invalid label name "b:c""#),
        ("a{__name__=\"x\"} 1\n", "reserved label name"),
        ("a{b=\"x\",b=\"y\"} 1\n", "label b repeats"),
        ("a{b=\"x\\t\"} 1\n", "invalid escape in label b"),
        ("a{b=\"x\" c=\"y\"} 1\n", "expected ',' or '}'"),
        ("a{b=\"x\"\n", "unterminated label set"),
        ("a\n", "has no value"),
        ("a one\n", #"invalid value "one""#),
        ("a 0x10\n", #"invalid value "0x10""#),
        ("a 1_000\n", #"invalid value "1_000""#),
        ("a nan\n", #"invalid value "nan""#),
        ("a 1e\n", #"invalid value "1e""#),
        ("a 1\r\n", "invalid value"),
        ("a 1 1.5\n", #"invalid timestamp "1.5""#),
        ("a 1 2 3\n", "unexpected text after the timestamp"),
        ("a 1\na 2\n", "duplicate series a{}"),
        ("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n", "duplicate series"),
        ("# TYPE a counter\n# TYPE a counter\na 1\n", "second TYPE line for a"),
        ("# HELP a x\n# HELP a y\na 1\n", "second HELP line for a"),
        ("a 1\n# TYPE a counter\n", "TYPE line for a after its samples"),
        ("# TYPE a countr\na 1\n", #"unknown metric type "countr""#),
        ("# TYPE a counter extra\na 1\n", "unexpected text after TYPE"),
        ("# TYPE 1a counter\n", "invalid metric name"),
        ("# HELP a bad \\t escape\na 1\n", "invalid escape in HELP text"),
        ("a{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n", "not one contiguous group"),
        ("# TYPE a counter\na -1\n", "counter a is negative"),
        ("# TYPE s summary\ns 1\n", "without a quantile label"),
        ("# TYPE s summary\ns{quantile=\"1.5\"} 1\n", "outside 0...1"),
        ("# TYPE s summary\ns_sum{quantile=\"0.5\"} 1\n", "must not carry a quantile label"),
        ("# TYPE s summary\ns_count -1\n", "s_count is negative"),
        ("# TYPE h histogram\nh_bucket 1\n", "without an le label"),
        ("# TYPE h histogram\nh_bucket{le=\"big\"} 1\n", "not a float"),
        ("# TYPE h histogram\nh 1\n", "without _bucket, _sum or _count suffix"),
        ("# TYPE h histogram\nh_sum{le=\"1\"} 1\n", "must not carry an le label"),
    ]

    @Test(arguments: bad.indices) func anInvalidExpositionIsReported(_ i: Int) {
        let (text, problem) = Self.bad[i]
        let problems = PrometheusText.validate(text)
        #expect(problems.contains { $0.contains(problem) }, "\(text.debugDescription): \(problems)")
    }

    @Test func problemsNameTheirLine() {
        #expect(PrometheusText.validate("a 1\nb 2\nc x\n") == [#"line 3: sample c has invalid value "x""#])
    }

    /// HFTTelemetry's `/metrics` content: standard hops (with and without values), counters with
    /// odd names, distinct errors with odd names, colliding names.
    @Test func telemetryReportPrometheusIsValid() throws {
        let registry = TelemetryRegistry()
        let hops = registry.registerStandardHops()
        _ = registry.registerHop("a.b")
        _ = registry.registerHop("a_b")
        let frames = registry.registerCounter("feed.frames", help: "Frames with a \\ backslash\nand a line feed")
        let odd = registry.registerCounter("ws: bad frame!")
        _ = registry.registerCounter("errors")
        let gap = registry.registerErrorCode("binance \"gap\"\\\n")
        let recorder = registry.makeRecorder(name: "feed")
        for v in 1...5_000 {
            recorder.record(hops.decode, Int64(v * 37))
            recorder.record(hops.tickToOrder, Int64(v * 1_000))
        }
        recorder.record(hops.wire, Int64(-5))
        recorder.increment(frames, by: 42)
        recorder.increment(odd)
        recorder.recordError(gap, detail: -7, at: .zero)
        recorder.recordError(gap, detail: 3, at: .zero)
        let text = registry.report(title: "t").prometheus()
        #expect(PrometheusText.validate(text) == [], "\(text)")
        #expect(text.contains("hft_hop_queue_feed_to_book_seconds{quantile=\"0.999\"} NaN\n"))
        #expect(text.contains("hft_feed_frames_total 42\n"))
        #expect(text.contains("hft_errors_total_2{error=\"binance \\\"gap\\\"\\\\\\n\",detail=\"-7\"} 1\n"))
        for hop in StandardHop.allCases {
            let family = "hft_hop_" + TelemetryReport.prometheusName(hop.rawValue) + "_seconds"
            #expect(text.contains("# TYPE \(family) summary\n"), "\(family)")
        }
    }
}
