/// A point-in-time copy of the telemetry (hops, counters, distinct errors), rendered as a text
/// table, JSON, Prometheus text exposition or an SVG percentile plot. Cold path: every renderer
/// allocates and formats strings; call them from a reporting thread, never a hot one.
public struct TelemetryReport: Sendable {
    /// One hop and its histogram, merged over every recorder.
    public struct Hop: Sendable {
        /// Registered name (`tick→order`).
        public var name: String
        /// The merged histogram.
        public var histogram: HistogramSnapshot

        public init(name: String, histogram: HistogramSnapshot) {
            self.name = name
            self.histogram = histogram
        }
    }

    /// One counter summed over every recorder.
    public struct Counter: Sendable, Hashable, Codable {
        public var name: String
        public var help: String
        public var value: UInt64

        public init(name: String, help: String, value: UInt64) {
            self.name = name
            self.help = help
            self.value = value
        }
    }

    /// Title of the text table and the plot.
    public var title: String
    /// Every registered hop in registration order, including hops with no values yet.
    public var hops: [Hop]
    /// Every registered counter in registration order.
    public var counters: [Counter]
    /// Distinct errors, most frequent first.
    public var errors: [DistinctErrorEntry]
    /// Error observations dropped because a recorder's distinct-error table was full.
    public var errorLogOverflowCount: UInt64
    /// Where and how the numbers were measured (machine, topology, rate, clock); in the JSON and
    /// under the plot's title. Empty unless the caller sets it.
    public var context = ReportContext()

    public init(
        title: String, hops: [Hop], counters: [Counter] = [], errors: [DistinctErrorEntry] = [],
        errorLogOverflowCount: UInt64 = 0
    ) {
        self.title = title
        self.hops = hops
        self.counters = counters
        self.errors = errors
        self.errorLogOverflowCount = errorLogOverflowCount
    }

    /// The percentiles of the text table and JSON summaries.
    public static let reportedPercentiles: [Double] = [50, 90, 99, 99.9, 99.99]

    /// Adds another report of the same registry shape (repeated runs of one benchmark): hop
    /// histograms merged by name, counters summed by name, distinct errors appended; hops and
    /// counters `self` does not have are appended in `other`'s order. `self`'s context is kept.
    public mutating func merge(_ other: TelemetryReport) {
        for hop in other.hops {
            if let k = hops.firstIndex(where: { $0.name == hop.name }) {
                hops[k].histogram.add(hop.histogram)
            } else {
                hops.append(hop)
            }
        }
        for counter in other.counters {
            if let k = counters.firstIndex(where: { $0.name == counter.name }) {
                counters[k].value &+= counter.value
            } else {
                counters.append(counter)
            }
        }
        errors += other.errors
        errorLogOverflowCount &+= other.errorLogOverflowCount
    }
}
