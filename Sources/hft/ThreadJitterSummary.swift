import Engine
import Foundation
import HFTRuntime
import HFTTelemetry

/// The idle-cycle jitter of a bench's spinning threads (`ThreadJitter`), merged over its runs:
/// printed after the latency report and added to it as counters, so that the JSON report and the
/// Prometheus text carry it too. It tells what of a tail is the machine: a gap is time the thread
/// did not run, and a frame that arrived then waited for it.
struct ThreadJitterSummary {
    /// Idle cycles at least this long (rounded up to a bucket edge) count as gaps.
    static let thresholdNanos: Int64 = 10_000
    private(set) var threads: [(name: String, core: Int, idle: IdleStrategyConfig, jitter: ThreadJitter)] = []

    /// Adds the spinning threads of a stopped engine.
    mutating func add(_ engine: TradingEngine) {
        for t in engine.threadStatistics where t.idle.spins {
            if let k = threads.firstIndex(where: { $0.name == t.name }) {
                threads[k].jitter.merge(t.statistics.jitter)
            } else {
                threads.append((t.name, t.core, t.idle, t.statistics.jitter))
            }
        }
    }

    /// One line per thread: idle cycles, gaps at or above the threshold, their share of the
    /// time, and the bucket edge the longest gap stayed under.
    func text() -> String {
        guard !threads.isEmpty else { return "" }
        var lines = ["thread jitter (idle duty cycles of the spinning threads; one that took ≥ \(edge()) is time the thread did not run):"]
        for t in threads {
            let j = t.jitter
            let first = j.firstBucket(atLeast: Self.thresholdNanos)
            let (count, nanos) = j.gaps(fromBucket: first)
            let seconds = Double(j.observedNanos) / 1e9
            let share = j.observedNanos > 0 ? 100 * Double(nanos) / Double(j.observedNanos) : 0
            let rate = seconds > 0 ? Double(count) / seconds : 0
            lines.append("  \(t.name) (core \(t.core), \(t.idle.name)): \(j.idleCycles) idle cycles in \(String(format: "%.2f", seconds)) s; "
                + "\(count) gaps ≥ \(LatencyFormat.string(nanoseconds: UInt64(j.lowerEdgeNanos(first)))) (\(String(format: "%.0f", rate))/s), "
                + "\(String(format: "%.3f", share)) % of the time; longest < \(LatencyFormat.string(nanoseconds: UInt64(j.longestBelowNanos)))")
        }
        return lines.joined(separator: "\n")
    }

    /// Per thread: idle cycles, gaps at or above the threshold, their ns, the longest gap's bucket
    /// edge and the observed ns.
    func counters() -> [TelemetryReport.Counter] {
        threads.flatMap { t -> [TelemetryReport.Counter] in
            let j = t.jitter
            let (count, nanos) = j.gaps(fromBucket: j.firstBucket(atLeast: Self.thresholdNanos))
            let p = "thread.\(t.name)."
            return [
                TelemetryReport.Counter(name: p + "idle_cycles", help: "idle duty cycles measured", value: j.idleCycles),
                TelemetryReport.Counter(name: p + "gaps", help: "idle duty cycles of at least ~10 µs (time the thread did not run)", value: count),
                TelemetryReport.Counter(name: p + "gap_ns", help: "total ns of those gaps", value: UInt64(max(0, nanos))),
                TelemetryReport.Counter(name: p + "longest_gap_below_ns", help: "the longest gap is shorter than this", value: UInt64(max(0, j.longestBelowNanos))),
                TelemetryReport.Counter(name: p + "observed_ns", help: "ns the jitter was measured over", value: UInt64(max(0, j.observedNanos))),
            ]
        }
    }

    /// The threshold as the bucket edge actually used (the first thread's TSC rate).
    private func edge() -> String {
        guard let j = threads.first?.jitter else { return LatencyFormat.string(nanoseconds: UInt64(Self.thresholdNanos)) }
        return LatencyFormat.string(nanoseconds: UInt64(j.lowerEdgeNanos(j.firstBucket(atLeast: Self.thresholdNanos))))
    }
}
