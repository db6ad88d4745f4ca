import Benchmark
import Foundation
import HFTPrimitives
import HFTTelemetry
import Histogram

/// Telemetry hot-path costs: `record` into a hop histogram (ours and the hdrhistogram-swift peer on
/// the same values in the same run), counter increment, distinct-error record, and the cold
/// snapshot. Hot paths must show 0 mallocs and 0 retains (thresholds enforce it).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(2)

    let hot: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .retainCount, .releaseCount]
    let zeroAllocations: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: [.p100: 0]),
        .retainCount: .init(absolute: [.p100: 0]),
        .releaseCount: .init(absolute: [.p100: 0]),
    ]
    let hotConfiguration = Benchmark.Configuration(
        metrics: hot, scalingFactor: .kilo, thresholds: zeroAllocations)

    /// 4096 latencies, log-uniform over 50 ns ... 5 ms (a deterministic LCG), so the bucket index
    /// and branch pattern vary like real hop timings.
    let valueCount = 4096
    let values = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: valueCount)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for i in 0..<valueCount {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let unit = Double(state >> 11) / Double(1 << 53)
        values[i] = UInt64(50.0 * pow(10.0, unit * 5))
    }
    // SAFETY: the table is read-only after this point and lives for the whole process.
    nonisolated(unsafe) let table = UnsafeBufferPointer(values)

    // Every histogram and recorder lives across samples (as on a hot thread): the loop measures the
    // steady state, not the first touch of freshly zeroed memory.
    let histogram = LatencyHistogram()
    let peer = PeerBox()

    Benchmark("LatencyHistogram.record", configuration: hotConfiguration) { benchmark in
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            histogram.record(table[i & (valueCount - 1)])
            i &+= 1
        }
        benchmark.stopMeasurement()
        blackHole(histogram.snapshot().totalCount)
    }

    Benchmark("hdrhistogram-swift.Histogram.record (peer)", configuration: hotConfiguration) { benchmark in
        // Moved out of the box and back, so the array stays uniquely referenced (no copy on write).
        var histogram = peer.take()
        defer { peer.put(histogram) }
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            histogram.record(table[i & (valueCount - 1)])
            i &+= 1
        }
        benchmark.stopMeasurement()
        blackHole(histogram.totalCount)
    }

    // Registries and names are set up here, before package-benchmark installs its retain hooks:
    // under Swift 6.3 on Linux the hook path crashes on some String copies (ordo-one/benchmark#349).
    let hopRegistry = TelemetryRegistry(hopCapacity: 16)
    let hops = hopRegistry.registerStandardHops()
    let counterRegistry = TelemetryRegistry(hopCapacity: 1)
    let counter = counterRegistry.registerCounter("benchmark.events.counted")
    let errorRegistry = TelemetryRegistry(hopCapacity: 1)
    let gap = errorRegistry.registerErrorCode("benchmark.sequenceGap")
    let malformed = errorRegistry.registerErrorCode("benchmark.malformedFrame")
    let recordThread = RecorderOwner(hopRegistry.makeRecorder(name: "benchmark.record.thread"))
    let incrementThread = RecorderOwner(counterRegistry.makeRecorder(name: "benchmark.increment.thread"))
    let errorThread = RecorderOwner(errorRegistry.makeRecorder(name: "benchmark.error.thread"))

    Benchmark("HopRecorder.record", configuration: hotConfiguration) { benchmark in
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            recordThread.recorder.record(hops.tickToOrder, Int64(table[i & (valueCount - 1)]))
            i &+= 1
        }
        benchmark.stopMeasurement()
        blackHole(recordThread.recorder.snapshot(hops.tickToOrder).totalCount)
    }

    Benchmark("HopRecorder.increment", configuration: hotConfiguration) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            incrementThread.recorder.increment(counter)
        }
        benchmark.stopMeasurement()
        blackHole(counterRegistry.value(of: counter))
    }

    Benchmark("HopRecorder.recordError", configuration: hotConfiguration) { benchmark in
        var now: Int64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now &+= 1
            errorThread.recorder.recordError((now & 1) == 0 ? gap : malformed, detail: now & 7, at: Nanos(raw: now))
        }
        benchmark.stopMeasurement()
        blackHole(errorRegistry.distinctErrors().entries.count)
    }

    Benchmark(
        "LatencyHistogram.snapshot (cold, 27648 slots)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal])
    ) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(histogram.snapshot().totalCount)
        }
    }

    // A full report of the 13 standard hops from one recorder: what a reporting thread pays.
    let reportRegistry = TelemetryRegistry(hopCapacity: 16)
    let reportHops = reportRegistry.registerStandardHops()
    let reportThread = RecorderOwner(reportRegistry.makeRecorder(name: "benchmark.report.thread"))
    for i in 0..<100_000 { reportThread.recorder.record(reportHops.tickToOrder, Int64(table[i & (valueCount - 1)])) }

    Benchmark(
        "TelemetryRegistry.report + text + prometheus (cold, 13 hops)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let report = reportRegistry.report()
            blackHole(report.text().utf8.count &+ report.prometheus().utf8.count)
        }
    }
}

/// Owns a recorder the way a stage object on a hot thread does (a non-copyable stored property).
final class RecorderOwner: Sendable {
    let recorder: HopRecorder

    init(_ recorder: consuming HopRecorder) { self.recorder = recorder }
}

/// Holds the peer histogram between samples; only the benchmark thread touches it.
final class PeerBox: @unchecked Sendable {
    // SAFETY: package-benchmark runs one benchmark at a time on one thread; nothing else accesses it.
    private var histogram: Histogram<UInt64>? = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)

    func take() -> Histogram<UInt64> {
        defer { histogram = nil }
        return histogram!
    }

    func put(_ h: Histogram<UInt64>) { histogram = h }
}
