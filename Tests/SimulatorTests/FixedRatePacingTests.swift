import CSystemShims
import HFTPrimitives
import HFTRuntime
import MarketData
import Simulator
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `hft bench --source sim`'s measuring contract on a real capture: the simulator paces every
/// market frame on its schedule, and the feed's sink stamps the k-th message it publishes with
/// frame k's intended send time, even when a small ring makes it pause and retry. The first
/// `frames` recorded frames are released (`step`), so the test is short in a debug build.
@Suite(.serialized) struct FixedRatePacingTests {
    @Test func everyFrameIsStampedWithItsIntendedSendTime() throws {
        let rate = 40_000
        let frames = 4_000
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(
            recordingPaths: [marketDataPath("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz")],
            pacing: .fixedRate(framesPerSecond: rate), waitForSubscribers: 1, startHeld: true))
        let schedule = try #require(sim.sendSchedule)
        #expect(schedule.period == 25_000)
        #expect(schedule.start == nil)
        try sim.start()
        defer { sim.stop() }
        let symbols = sim.instruments.map { $0.symbol.lowercased() }
        let streams = symbols.flatMap { ["\($0)@depth@0ms", "\($0)@trade", "\($0)@bookTicker"] }.joined(separator: "/")
        // A 64 KB ring read in bursts: the client has to pause the socket and retry many times.
        let ring = ByteRing(capacity: 1 << 16, maxRecordLength: 1 << 14)
        let client = WebSocketClient(configuration: WebSocketClientConfiguration(
            url: TransportURL("\(sim.webSocketBase)/stream?streams=\(streams)")!, maxMessageBytes: 1 << 14,
            backpressureRetryInterval: .microseconds(50)), sink: ByteRingMessageSink(writer: ring.writer, schedule: schedule))
        try client.start()
        defer { client.stop() }
        #expect(waitUntil(10) { sim.marketSubscriberCount == 1 })
        sim.step(frames: frames)
        // Nothing is read for the first 300 ms: the 64 KB ring fills and the client has to pause.
        usleep(300_000)

        var times: [Int64] = []
        let deadline = hft_monotonic_ns() + 60_000_000_000
        var reads = 0
        while hft_monotonic_ns() < deadline {
            let n = ring.reader.consume(maxRecords: 256) { record in times.append(record.receiveTime.raw) }
            reads &+= 1
            if sim.position == frames && n == 0 && times.count >= sim.statistics.framesPaced { break }
            if n == 0 || reads % 50 == 0 { usleep(2_000) }
        }
        let stats = sim.statistics
        let start = try #require(schedule.start).raw
        #expect(stats.framesPaced > frames * 9 / 10)
        #expect(schedule.received == stats.framesPaced)
        #expect(times.count == stats.framesPaced)
        let misplaced = times.indices.filter { times[$0] != start + Int64($0) * schedule.period }.count
        #expect(misplaced == 0, "every record carries start + k × period")
        let lateness = schedule.lateness()
        #expect(lateness.count == stats.framesPaced)
        #expect(lateness.allSatisfy { $0 >= 0 }, "nothing arrives before its intended send time")
        #expect(client.counters.snapshot.backpressure > 0, "the small ring made the client pause")
        print("fixed-rate pacing: \(stats.framesPaced) frames at \(rate)/s, \(stats.framesLate) sent late, "
              + "lateness p50 \(lateness.sorted()[lateness.count / 2]) ns")
    }
}
