import CSystemShims
import HFTPrimitives
import HFTRuntime
import HFTTelemetry

/// The runtime latency demo (`hft demo`): three pinned actor stages connected by SPSC rings,
/// fed at a fixed rate, every hop timed into an HDR histogram.
///
/// ```
///  source ══Ring══► transform ══Ring══► sink
///  (core A)          (core B)           (core B)
/// ```
/// Hops: `queue.source→transform`, `transform`, `queue.transform→sink` and the end-to-end
/// `source→sink`, measured from each event's intended send time (coordinated omission corrected).
public enum LatencyDemo {
    /// What to run.
    public struct Configuration: Sendable {
        /// Events per second offered by the source.
        public var rate: Int
        /// How long to offer them.
        public var duration: Nanos
        /// Core of the source stage and core of the transform + sink stages.
        public var sourceCore: Int
        public var pipelineCore: Int
        public var idle: IdleStrategyConfig
        /// Ring capacity (power of two).
        public var ringCapacity: Int

        /// The 2-core default: source on core 0, transform + sink on core 1, `backoff` idling.
        public init(rate: Int = 100_000, duration: Nanos = .seconds(5), sourceCore: Int? = nil, pipelineCore: Int? = nil,
                    idle: IdleStrategyConfig = .backoff(), ringCapacity: Int = 4096) {
            let cpus = Int(hft_cpu_count())
            self.rate = rate
            self.duration = duration
            self.sourceCore = sourceCore ?? 0
            self.pipelineCore = pipelineCore ?? min(1, cpus - 1)
            self.idle = idle
            self.ringCapacity = ringCapacity
        }
    }

    /// What happened.
    public struct Result: Sendable {
        public var report: TelemetryReport
        public var offered: UInt64
        public var published: UInt64
        public var received: UInt64
        public var errors: UInt64
        public var sourceBackPressure: UInt64
        public var transformBackPressure: UInt64
        public var clock: TSCClock
    }

    /// Hop names, in pipeline order.
    public static let hopNames = ["queue.source→transform", "transform", "queue.transform→sink", "source→sink"]

    /// Runs the demo and returns the report. Blocks the caller for `duration` plus drain time.
    public static func run(_ configuration: Configuration) async throws -> Result {
        let clock = TSCClock.calibrate()
        let telemetry = TelemetryRegistry()
        let hops = hopNames.map { telemetry.registerHop($0) }
        let total = UInt64(configuration.duration.raw) * UInt64(configuration.rate) / 1_000_000_000

        let first = Ring<DemoEvent>(capacity: configuration.ringCapacity, placement: .nodeOfCPU(configuration.pipelineCore))
        let second = Ring<DemoEvent>(capacity: configuration.ringCapacity, placement: .nodeOfCPU(configuration.pipelineCore))

        let sourceThread = try PinnedThread(name: "demo-source", core: configuration.sourceCore, idle: configuration.idle)
        let pipelineThread = try PinnedThread(name: "demo-pipeline", core: configuration.pipelineCore, idle: configuration.idle)
        let source = DemoSourceStage(on: sourceThread, output: first.producer, clock: clock, rate: configuration.rate, total: total)
        let transform = DemoTransformStage(on: pipelineThread, input: first.consumer, output: second.producer, clock: clock,
                                           recorder: telemetry.makeRecorder(name: "transform"), queueHop: hops[0], workHop: hops[1])
        let sink = DemoSinkStage(on: pipelineThread, input: second.consumer, clock: clock,
                                 recorder: telemetry.makeRecorder(name: "sink"), queueHop: hops[2], endToEndHop: hops[3])
        try sourceThread.attach(source)
        try pipelineThread.attach(transform)
        try pipelineThread.attach(sink)
        try pipelineThread.start()
        try sourceThread.start()

        // Wait for the schedule to finish, then for the pipeline to drain (bounded).
        let deadline = hft_monotonic_ns() + configuration.duration.raw + 5_000_000_000
        while hft_monotonic_ns() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
            let published = await source.published
            let received = await sink.receivedCount
            if published == total && received == total { break }
        }
        let published = await source.published
        let sourceBackPressure = await source.backPressureCount
        let received = await sink.receivedCount
        let errors = await sink.errorCount
        let transformBackPressure = await transform.backPressured
        sourceThread.stop()
        pipelineThread.stop()
        // The rings' owners must outlive both threads (their views dangle otherwise); a
        // noncopyable local may be destroyed after its last use, so use them after `stop()`.
        _ = first.capacity
        _ = second.capacity
        return Result(report: telemetry.report(title: "HFT Core runtime latency demo"), offered: total, published: published,
                      received: received, errors: errors, sourceBackPressure: sourceBackPressure,
                      transformBackPressure: transformBackPressure, clock: clock)
    }
}
