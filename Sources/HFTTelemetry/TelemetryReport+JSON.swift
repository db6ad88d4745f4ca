import Foundation

extension TelemetryReport {
    /// The JSON document of a report: exact integer nanoseconds, no formatting.
    public struct JSONDocument: Codable, Sendable, Hashable {
        /// One hop's summary.
        public struct Hop: Codable, Sendable, Hashable {
            public var name: String
            public var count: UInt64
            public var sumNanos: UInt64
            public var minNanos: UInt64
            public var meanNanos: Double
            public var maxNanos: UInt64
            /// Percentile label (`"50"`, `"99.9"`) → value in ns, for `TelemetryReport.reportedPercentiles`.
            public var percentilesNanos: [String: UInt64]
            /// Values above the layout's max, recorded as the max.
            public var clampedAboveMax: UInt64
            /// Negative values, recorded as 0.
            public var clampedNegative: UInt64
        }

        public var title: String
        /// `ReportContext` as name → value (`machine`, `topology`, `rate`, `clock`, ...); `{}` when unset.
        public var context: [String: String]
        /// The histogram range and precision every hop uses.
        public var lowestDiscernibleNanos: UInt64
        public var highestTrackableNanos: UInt64
        public var significantDigits: Int
        public var hops: [Hop]
        public var counters: [Counter]
        public var errors: [DistinctErrorEntry]
        public var errorLogOverflowCount: UInt64
    }

    /// The label of a percentile in JSON keys and Prometheus quantiles: shortest decimal (`99.9`).
    static func label(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// The report as a JSON document value.
    public func jsonDocument() -> JSONDocument {
        let layout = hops.first?.histogram.layout ?? .latency
        return JSONDocument(
            title: title,
            context: context.dictionary,
            lowestDiscernibleNanos: layout.lowestDiscernibleValue,
            highestTrackableNanos: layout.highestTrackableValue,
            significantDigits: layout.significantDigits,
            hops: hops.map { hop in
                let h = hop.histogram
                let values = h.valuesAtPercentiles(Self.reportedPercentiles)
                var percentiles: [String: UInt64] = [:]
                for (p, v) in zip(Self.reportedPercentiles, values) { percentiles[Self.label(p)] = v }
                return JSONDocument.Hop(
                    name: hop.name, count: h.totalCount, sumNanos: h.sum, minNanos: h.min, meanNanos: h.mean,
                    maxNanos: h.max, percentilesNanos: percentiles, clampedAboveMax: h.overflowCount,
                    clampedNegative: h.underflowCount)
            },
            counters: counters, errors: errors, errorLogOverflowCount: errorLogOverflowCount)
    }

    /// The report as pretty-printed JSON with sorted keys (UTF-8).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A document of strings, integers and finite doubles always encodes.
        guard let data = try? encoder.encode(jsonDocument()) else {
            fatalError("TelemetryReport JSON encoding failed")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
