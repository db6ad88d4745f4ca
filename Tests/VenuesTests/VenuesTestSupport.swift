import CSystemShims
import Foundation
import HFTPrimitives
import HFTTestSupport
import MarketData
import Simulator
import Transport
import Venues

/// `shared/data/market` (or `HFT_MARKET_DATA`).
func marketDataPath(_ relative: String) -> String {
    MarketDataDirectory.url.appendingPathComponent(relative).path
}

enum Captures {
    static let spot = marketDataPath("binance/spot/hftbacktest_spot_ethusdt_20240808.gz")
    static let usdm = marketDataPath("binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz")
    static let bybitSpot = marketDataPath("bybit/cryptofeed_v3_BYBIT_spot_ws3.txt")
}

/// Polls `condition` every 2 ms until it holds or `seconds` pass.
func waitUntil(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
    let deadline = hft_monotonic_ns() + Int64(seconds * 1e9)
    while hft_monotonic_ns() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return await condition()
}

/// A held simulator of `path` (frames go out only as the test steps them).
func makeSimulator(_ path: String, venue: VenueId, tls: Bool) throws -> MarketSimulator {
    let dir = TestScratch.path("venues-tls")
    let sim = try MarketSimulator(configuration: SimulatorConfiguration(
        recordingPaths: [path], venue: venue, tls: tls ? .selfSigned(directory: dir) : .none, startHeld: true))
    try sim.start()
    return sim
}

/// A feed of `sim` with the recording's instruments (scales inferred from the recording).
func makeFeed(_ sim: MarketSimulator, venue: VenueId, speed: BinanceDepthSpeed = .ms100, bybitDepth: BybitDepth = .level200,
              configure: (inout VenueFeedConfig) -> Void = { _ in }) throws -> FeedHandler {
    let instruments = BookReplay.instruments(for: sim.recording, venue: venue)
    var config = VenueFeedConfig(venue: venue, instruments: instruments, binanceDepthSpeed: speed, bybitDepth: bybitDepth,
                                 streamBaseOverride: sim.webSocketBase, restBaseOverride: sim.httpBase,
                                 allowInsecureLoopbackTLS: sim.isSecure,
                                 reconnect: ReconnectPolicy(baseDelay: .milliseconds(50), maxDelay: .milliseconds(200)),
                                 staleAfter: nil, ringCapacity: 1 << 22, bookCore: hft_cpu_count() > 1 ? 1 : 0)
    configure(&config)
    return try FeedHandler(config: config)
}

/// Steps the held simulator by `frames` and waits until the feed has ingested everything it
/// received and nothing more arrives for 150 ms.
func advance(_ sim: MarketSimulator, _ feed: FeedHandler, frames: Int) async -> Bool {
    let target = min(sim.recording.count, sim.position + frames)
    sim.step(frames: frames)
    guard await waitUntil(30, { sim.position >= target }) else { return false }
    var last = -1
    var since = hft_monotonic_ns()
    let deadline = hft_monotonic_ns() + 30_000_000_000
    while hft_monotonic_ns() < deadline {
        let got = Int(feed.connection.messages)
        let frames = feed.statistics.frames
        if got != last || frames != got {
            last = got
            since = hft_monotonic_ns()
        } else if hft_monotonic_ns() - since > 150_000_000 {
            return true
        }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}
