import CSystemShims
import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData
import Simulator
import Testing
import Transport
import Venues

/// `hft record`'s engine against `hft sim` on loopback: the capture reads back (`CaptureReader`)
/// with exactly the frames the server sent, in order, plus the REST snapshot, and replays into a
/// book that matches the bookTicker oracle.
@Suite(.serialized)
struct FeedRecorderTests {
    @Test func recordsEveryFrameAndTheSnapshot() async throws {
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(recordingPaths: [Captures.spot], venue: .binanceSpot))
        try sim.start()
        defer { sim.stop() }
        let path = TestScratch.path("venues-record", suffix: ".cap")
        let instruments = BookReplay.instruments(for: sim.recording, venue: .binanceSpot)
        let config = VenueFeedConfig(venue: .binanceSpot, instruments: instruments, streamBaseOverride: sim.webSocketBase,
                                     restBaseOverride: sim.httpBase)
        let recorder = try FeedRecorder(config: config, path: path)
        let finishedAt = FinishTime()
        let summary = try await recorder.run(seconds: 120) {
            guard sim.isFinished else { return false }
            return finishedAt.elapsed() > 0.5
        }
        let contents = try CaptureReader.read(path: path)
        #expect(contents.tornTail == nil)
        let frames = contents.frames
        #expect(frames.venue == .binanceSpot && frames.symbols == ["ETHUSDT"])
        var websocket: [[UInt8]] = []
        var snapshots = 0
        for i in 0..<frames.count {
            if frames.frames[i].channel.kind == .restDepthSnapshot { snapshots += 1 } else { websocket.append(frames.frameBytes(i)) }
        }
        let sent = (0..<sim.recording.count).filter { sim.recording.frames[$0].channel.kind != .restDepthSnapshot }.map { sim.recording.frameBytes($0) }
        #expect(snapshots == 1 && summary.snapshots == 1)
        #expect(websocket.count == sent.count && summary.frames == sent.count)
        #expect(websocket == sent, "recorded frames differ from the frames served")
        // Receive times are Unix ns, non-decreasing over the websocket frames (a snapshot is stamped
        // when its response arrives, after frames that were received meanwhile but are written later).
        let times = frames.frames.filter { $0.channel.kind != .restDepthSnapshot }.map(\.receiveTime.raw)
        #expect(times.first! > 1_600_000_000_000_000_000 && zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })

        // The capture replays into an exact book.
        var feed = BookFeed(venue: .binanceSpot, instruments: instruments, bufferMessages: 65_536, bufferLevels: 4_000_000)
        let eth = InstrumentId(raw: 0)
        frames.withFrames { table, base in
            for f in table {
                let b = UnsafeRawBufferPointer(rebasing: base[f.offset..<(f.offset + f.length)])
                if f.channel.kind == .restDepthSnapshot {
                    _ = feed.ingestSnapshot(b, instrument: eth, receiveTime: f.receiveTime)
                } else {
                    _ = feed.ingest(b, receiveTime: f.receiveTime)
                }
            }
        }
        let oracle = feed.oracle(eth)
        #expect(oracle.checked > 100 && oracle.matched == oracle.checked)
        print("hft record (library): \(summary.frames) frames + \(summary.snapshots) snapshot recorded; replay oracle \(oracle.matched)/\(oracle.checked)")
    }
}

extension FeedRecorderTests {
    /// A recording across overlapping rollovers keeps each frame's connection: replayed, the
    /// overlap's reordered diffs and duplicated trades cost no gap and count once, and the book
    /// matches the oracle.
    @Test func recordingAcrossRolloversReplaysWithoutGapsOrDuplicates() async throws {
        let sim = try MarketSimulator(configuration: SimulatorConfiguration(recordingPaths: [Captures.usdm], venue: .binanceUsdm,
                                                                            pacing: .recorded(speed: 20)))
        try sim.start()
        defer { sim.stop() }
        let path = TestScratch.path("venues-record-rollover", suffix: ".cap")
        defer { unlink(path) }
        let instruments = BookReplay.instruments(for: sim.recording, venue: .binanceUsdm)
        var config = VenueFeedConfig(venue: .binanceUsdm, instruments: instruments, binanceDepthSpeed: .ms0,
                                     streamBaseOverride: sim.webSocketBase, restBaseOverride: sim.httpBase,
                                     maxConnectionLifetime: .milliseconds(1_500))
        config.rolloverMargin = .milliseconds(700)
        config.rolloverDrain = .milliseconds(300)
        let recorder = try FeedRecorder(config: config, path: path)
        let summary = try await recorder.run(seconds: 6)
        let frames = try CaptureReader.read(path: path).frames
        let websocket = frames.frames.filter { $0.channel.kind == .websocket }
        let connections = Set(websocket.map(\.channel.connection))
        #expect(connections.count >= 3, "connections recorded: \(connections.sorted())")

        var feed = BookFeed(venue: .binanceUsdm, instruments: instruments, bufferMessages: 65_536, bufferLevels: 4_000_000)
        var tradeIds: [UInt64] = []
        _ = BookReplay.run(frames, routes: BookReplay.symbolRoutes(frames, instruments: instruments), feed: &feed) { result, _, f in
            if case .trades(let n) = result { for j in 0..<n { tradeIds.append(f.trades[j].tradeId) } }
        }
        let eth = InstrumentId(raw: 0)
        let sync = feed.syncCounters(eth), oracle = feed.oracle(eth), duplicates = feed.counters.duplicateTrades
        print("hft record across rollovers: \(summary.frames) frames on \(connections.count) connections, replay: gaps \(sync.gaps), "
            + "holds \(sync.reorderHolds), \(tradeIds.count) trades (\(duplicates) duplicates dropped), oracle \(oracle.matched)/\(oracle.checked)")
        #expect(sync.gaps == 0 && sync.crossedBooks == 0)
        #expect(oracle.checked > 20 && oracle.matched == oracle.checked)
        #expect(tradeIds.count > 100 && Set(tradeIds).count == tradeIds.count && duplicates > 0)
    }
}

/// Remembers the first time it is asked.
final class FinishTime: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): called only from the recorder's loop (one task).
    private var start: Int64 = 0
    func elapsed() -> Double {
        if start == 0 { start = hft_monotonic_ns() }
        return Double(hft_monotonic_ns() - start) / 1e9
    }
}
