import CSystemShims
import HFTPrimitives
import MarketData
import Transport

/// The cold side of Binance book sync: waits for snapshot requests from the Book stage, spends
/// request weight from the budget (delaying, never exceeding it), GETs the REST depth snapshot with
/// `HTTPClient` and hands the body to the Book stage's control plane.
///
/// Runs as one task; polls the request flags every `pollInterval` (1 ms: a snapshot takes tens of
/// milliseconds to fetch, so the poll adds little). Failures are counted and retried after `retryDelay`.
final class SnapshotFetcher: Sendable {
    let config: VenueFeedConfig
    let http: HTTPClient
    let budget: RequestWeightBudget
    let stage: BookStage
    let status: FeedStatus
    let urls: [TransportURL]
    let weight: Int
    let pollInterval: Duration = .milliseconds(1)
    let retryDelay: Duration = .milliseconds(200)

    init(config: VenueFeedConfig, http: HTTPClient, budget: RequestWeightBudget, stage: BookStage) throws(VenueConfigError) {
        self.config = config
        self.http = http
        self.budget = budget
        self.stage = stage
        self.status = stage.status
        var urls: [TransportURL] = []
        for symbol in config.symbols {
            let s = BinanceURLs.depthSnapshotURL(config, symbol: symbol)
            guard let u = TransportURL(s) else { throw .invalidURL(s) }
            urls.append(u)
        }
        self.urls = urls
        self.weight = BinanceURLs.depthWeight(config.venue, limit: config.snapshotLimit)
    }

    /// The fetch loop; returns when the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            var any = false
            for i in 0..<urls.count where status.takeRequest(i) {
                any = true
                await fetch(i)
            }
            if !any { try? await Task.sleep(for: pollInterval) }
        }
    }

    func fetch(_ i: Int) async {
        let instrument = InstrumentId(raw: UInt32(i))
        while true {
            let wait = budget.reserve(weight: weight, now: Nanos(raw: hft_monotonic_ns()))
            if wait == .zero { break }
            status.bump(status.weightDelays)
            do { try await Task.sleep(nanoseconds: UInt64(wait.raw)) } catch { return }
        }
        let request = HTTPRequest(method: .get, url: urls[i], timeout: .seconds(10), responseHeaders: [BinanceURLs.usedWeightHeader])
        do {
            let response = try await http.execute(request)
            let now = Nanos(raw: hft_monotonic_ns())
            if let used = response.headers[BinanceURLs.usedWeightHeader].flatMap({ Int($0) }) {
                budget.observeServerUsed(used, now: now)
            }
            guard response.status == 200 else {
                status.bump(status.snapshotFailures)
                try? await Task.sleep(for: retryDelay)
                await stage.snapshotFailed(instrument: instrument)
                return
            }
            status.bump(status.snapshotsFetched)
            await stage.deliverSnapshot(body: response.body, instrument: instrument, receiveTime: now)
        } catch {
            status.bump(status.snapshotFailures)
            try? await Task.sleep(for: retryDelay)
            await stage.snapshotFailed(instrument: instrument)
        }
    }
}
