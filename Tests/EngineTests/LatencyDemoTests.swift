import CSystemShims
import Testing
import HFTPrimitives
import HFTRuntime
import HFTTelemetry
@testable import Engine

@Suite(.serialized) struct LatencyDemoTests {
    /// The demo delivers every event in order with intact payloads, and every hop is timed.
    @Test func everyEventArrivesAndEveryHopIsTimed() async throws {
        let cpus = max(1, Int(hft_cpu_count()))
        let config = LatencyDemo.Configuration(rate: 20_000, duration: .milliseconds(400), sourceCore: 0,
                                               pipelineCore: cpus > 1 ? 1 : 0, idle: .backoff(), ringCapacity: 256)
        let result = try await LatencyDemo.run(config)
        #expect(result.offered == 8_000)
        #expect(result.published == result.offered)
        #expect(result.received == result.offered)
        #expect(result.errors == 0)
        let byName = Dictionary(uniqueKeysWithValues: result.report.hops.map { ($0.name, $0.histogram) })
        for name in LatencyDemo.hopNames {
            let h = try #require(byName[name], "missing hop \(name)")
            #expect(h.count == 8_000, "\(name) recorded \(h.count)")
        }
        // End to end covers both queues and the work: its median cannot be below the transform's.
        #expect(byName["source→sink"]!.valueAtPercentile(50) >= byName["transform"]!.valueAtPercentile(50))
        let text = result.report.text()
        #expect(text.contains("source→sink") && text.contains("p99.9"))
    }
}
