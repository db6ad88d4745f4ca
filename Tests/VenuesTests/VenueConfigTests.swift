import HFTPrimitives
import Testing
import Venues

/// URLs, subscribe messages and request weights of each venue adapter, and the weight budget.
struct VenueConfigTests {
    static func spec(_ i: Int, _ venue: VenueId) -> InstrumentSpec {
        InstrumentSpec(id: InstrumentId(raw: UInt32(i)), venue: venue, priceScale: DecimalScale(places: 2), quantityScale: DecimalScale(places: 3))
    }
    static func config(_ venue: VenueId, _ symbols: [String]) -> VenueFeedConfig {
        VenueFeedConfig(venue: venue, instruments: symbols.enumerated().map { ($1, spec($0, venue)) })
    }

    @Test func binanceCombinedStreamAndSnapshotURLs() {
        var c = Self.config(.binanceSpot, ["ETHUSDT", "BTCUSDT"])
        #expect(BinanceURLs.combinedStreamURL(c) == "wss://stream.binance.com:9443/stream?streams="
            + "ethusdt@depth@100ms/ethusdt@trade/ethusdt@bookTicker/btcusdt@depth@100ms/btcusdt@trade/btcusdt@bookTicker")
        #expect(BinanceURLs.depthSnapshotURL(c, symbol: "ETHUSDT") == "https://api.binance.com/api/v3/depth?symbol=ETHUSDT&limit=1000")
        c.environment = .testnet
        #expect(BinanceURLs.combinedStreamURL(c).hasPrefix("wss://stream.testnet.binance.vision/stream?"))
        #expect(BinanceURLs.depthSnapshotURL(c, symbol: "ETHUSDT").hasPrefix("https://testnet.binance.vision/api/v3/depth?"))

        var f = Self.config(.binanceUsdm, ["ETHUSDT"])
        f.binanceDepthSpeed = .ms0
        f.trades = false
        #expect(BinanceURLs.combinedStreamURL(f) == "wss://fstream.binance.com/stream?streams=ethusdt@depth@0ms/ethusdt@bookTicker")
        #expect(BinanceURLs.depthSnapshotURL(f, symbol: "ETHUSDT") == "https://fapi.binance.com/fapi/v1/depth?symbol=ETHUSDT&limit=1000")
        f.streamBaseOverride = "ws://127.0.0.1:9000/"
        f.restBaseOverride = "http://127.0.0.1:9000"
        #expect(BinanceURLs.combinedStreamURL(f) == "ws://127.0.0.1:9000/stream?streams=ethusdt@depth@0ms/ethusdt@bookTicker")
        #expect(BinanceURLs.depthSnapshotURL(f, symbol: "ETHUSDT") == "http://127.0.0.1:9000/fapi/v1/depth?symbol=ETHUSDT&limit=1000")
        f.binanceDepthSpeed = .standard
        #expect(BinanceURLs.streams(f) == ["ethusdt@depth", "ethusdt@bookTicker"])
    }

    @Test func binanceDepthWeights() {
        #expect(BinanceURLs.depthWeight(.binanceSpot, limit: 1000) == 50)
        #expect(BinanceURLs.depthWeight(.binanceSpot, limit: 100) == 5)
        #expect(BinanceURLs.depthWeight(.binanceSpot, limit: 500) == 25)
        #expect(BinanceURLs.depthWeight(.binanceSpot, limit: 5000) == 250)
        #expect(BinanceURLs.depthWeight(.binanceUsdm, limit: 1000) == 20)
        #expect(BinanceURLs.depthWeight(.binanceUsdm, limit: 500) == 10)
        #expect(BinanceURLs.depthWeight(.binanceUsdm, limit: 100) == 5)
        #expect(BinanceURLs.depthWeight(.binanceUsdm, limit: 20) == 2)
    }

    @Test func bybitURLsAndMessages() {
        var c = Self.config(.bybitLinear, ["BTCUSDT", "ETHUSDT"])
        #expect(BybitURLs.publicStreamURL(c) == "wss://stream.bybit.com/v5/public/linear")
        #expect(BybitMessages.subscribe(c) == ["{\"op\":\"subscribe\",\"args\":[\"orderbook.200.BTCUSDT\",\"publicTrade.BTCUSDT\",\"orderbook.200.ETHUSDT\",\"publicTrade.ETHUSDT\"]}"])
        #expect(BybitMessages.ping == "{\"op\":\"ping\"}")
        c.venue = .bybitSpot
        c.environment = .testnet
        c.bybitDepth = .level50
        c.trades = false
        #expect(BybitURLs.publicStreamURL(c) == "wss://stream-testnet.bybit.com/v5/public/spot")
        #expect(BybitMessages.subscribe(c) == ["{\"op\":\"subscribe\",\"args\":[\"orderbook.50.BTCUSDT\",\"orderbook.50.ETHUSDT\"]}"])
        #expect(BybitMessages.subscribe(Self.config(.bybitSpot, (0..<12).map { "S\($0)USDT" }), maxArgs: 10).count == 3)
        #expect(!BybitURLs.supports(.level500, venue: .bybitSpot) && BybitURLs.supports(.level500, venue: .bybitLinear))
    }

    @Test func weightBudgetDelaysInsteadOfExceeding() {
        let budget = RequestWeightBudget(limit: 100, window: .seconds(60))
        let t0 = Nanos.seconds(1000)
        #expect(budget.reserve(weight: 50, now: t0) == .zero)
        #expect(budget.reserve(weight: 50, now: t0 + .seconds(10)) == .zero)
        // Full: the next must wait until the first booking leaves the window (t0 + 60 s).
        #expect(budget.reserve(weight: 20, now: t0 + .seconds(20)) == .seconds(40))
        #expect(budget.used(now: t0 + .seconds(20)) == 100)
        #expect(budget.reserve(weight: 20, now: t0 + .seconds(60)) == .zero)
        // Weight the server reports beyond ours (other users of the IP) is respected.
        budget.observeServerUsed(100, now: t0 + .seconds(61))
        #expect(budget.reserve(weight: 10, now: t0 + .seconds(62)) != .zero)
        #expect(budget.delays.count == 2 && budget.totalBooked == 120)
    }

    @Test func feedRejectsBadConfigurations() {
        #expect(throws: VenueConfigError.self) { try FeedHandler(config: Self.config(.paper, ["X"])) }
        var c = Self.config(.bybitSpot, ["BTCUSDT"])
        c.bybitDepth = .level500
        #expect(throws: VenueConfigError.unsupportedDepth(500)) { try FeedHandler(config: c) }
        #expect(throws: VenueConfigError.noInstruments) { try FeedHandler(config: VenueFeedConfig(venue: .binanceSpot, instruments: [])) }
    }
}
