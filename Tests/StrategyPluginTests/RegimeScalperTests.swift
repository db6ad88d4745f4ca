import Engine
import Foundation
import RegimeScalperCore
import StrategyABI
import Testing

/// RegimeScalper decisions on crafted feature paths (through its core) and on a real capture (through the ABI).
@Suite(.serialized) struct RegimeScalperTests {
    static let schema = PluginFixtures.defaultSchema
    static func index(_ name: String) -> Int { schema.index(of: name)! }

    /// A crafted tick: book 100/101 (tick 1, 0 places), features set by name.
    struct Path {
        var features = [Double](repeating: 0, count: RegimeScalperTests.schema.count)
        var view = hft_market_view()
        var items = [hft_intent](repeating: hft_intent(), count: 8)
        var sequence: UInt64 = 0

        init() {
            view.bid_count = 1; view.ask_count = 1; view.tick = 1; view.position_limit = 100
            view.bids.0 = hft_level(price: 10_000, quantity: 5)
            view.asks.0 = hft_level(price: 10_001, quantity: 5)
            features[RegimeScalperTests.index("mid")] = 10_000.5
            features[RegimeScalperTests.index("microprice")] = 10_000.5
        }

        subscript(name: String) -> Double {
            get { features[RegimeScalperTests.index(name)] }
            set { features[RegimeScalperTests.index(name)] = newValue }
        }

        /// Runs one tick; returns the intents.
        mutating func tick(_ core: inout RegimeScalperCore, now: Int64 = 0) -> [hft_intent] {
            sequence += 1
            view.sequence = sequence
            view.now_ns = now
            view.feature_count = UInt32(features.count)
            var v = view
            return features.withUnsafeBufferPointer { f in
                v.features = f.baseAddress
                return items.withUnsafeMutableBufferPointer { i in
                    var buffer = hft_intent_buffer(items: i.baseAddress, capacity: 8, count: 0)
                    #expect(core.onTick(&v, &buffer) == HFT_OK.rawValue)
                    return Array(i[0..<Int(buffer.count)])
                }
            }
        }
    }

    static func core(_ config: RegimeScalperConfig = RegimeScalperConfig()) -> RegimeScalperCore {
        let indices = try! ScalperFeatureIndices.resolve(hmmState: config.hmmVolatileState) { n in
            Int32(RegimeScalperTests.schema.index(of: n) ?? -1)
        }.get()
        var host = hft_host_api()
        host.ppo_evaluate = nil
        return RegimeScalperCore(config: config, indices: indices, host: host)
    }

    @Test func defaultsMatchTheIssue() throws {
        let c = RegimeScalperConfig()
        #expect(c.volatile == RegimeParameters(target: 0.0025, stop: 0.0015, maxPositionShare: 0.5))
        #expect(c.trending == RegimeParameters(target: 0.0035, stop: 0.0020, maxPositionShare: 0.7))
        #expect(c.ranging == RegimeParameters(target: 0.0015, stop: 0.0010, maxPositionShare: 0.3))
        let json = #"{"trending": {"target": 0.004, "stop": 0.002, "maxPositionShare": 0.6}, "confirmTicks": 3}"#
        let decoded = try json.utf8CString.withUnsafeBytes { b in try RegimeScalperConfig.decode(UnsafeRawBufferPointer(rebasing: b[0..<(b.count - 1)])) }
        #expect(decoded.trending.target == 0.004 && decoded.confirmTicks == 3 && decoded.ranging == c.ranging)
    }

    @Test func regimeChangeWithHysteresisDoesNotFlap() {
        var core = Self.core()
        var path = Path()
        // rv_percentile oscillates around the enter threshold 0.80 but never below the exit 0.65.
        path["efficiency_ratio"] = 0.1
        for k in 0..<200 {
            path["rv_percentile"] = k < 50 ? 0.3 : (k % 2 == 0 ? 0.85 : 0.70)
            _ = path.tick(&core)
        }
        #expect(core.regime == .ranging, "0.85/0.70 alternation never persists 20 ticks at ≥ 0.80 from ranging")
        for _ in 0..<25 { path["rv_percentile"] = 0.85; _ = path.tick(&core) }
        #expect(core.regime == .volatile)
        #expect(core.classifier.switches == 1)
        for k in 0..<200 { path["rv_percentile"] = k % 2 == 0 ? 0.85 : 0.70; _ = path.tick(&core) }
        #expect(core.regime == .volatile, "0.70 is above the exit band: stays volatile")
        #expect(core.classifier.switches == 1)
        for _ in 0..<25 { path["rv_percentile"] = 0.3; _ = path.tick(&core) }
        #expect(core.regime == .ranging)
        #expect(core.classifier.switches == 2)
        path["efficiency_ratio"] = 0.8
        for _ in 0..<25 { _ = path.tick(&core) }
        #expect(core.regime == .trending)
    }

    @Test func withoutHysteresisTheSamePathFlaps() {
        var config = RegimeScalperConfig()
        config.confirmTicks = 0
        config.volatileExit = config.volatileEnter
        var core = Self.core(config)
        var path = Path()
        for k in 0..<200 { path["rv_percentile"] = k % 2 == 0 ? 0.85 : 0.70; _ = path.tick(&core) }
        #expect(core.classifier.switches >= 199)
    }

    /// Opens a long in `regime`'s conditions with a strong OFI signal and fills it at 10 000.
    func openLong(_ core: inout RegimeScalperCore, _ path: inout Path) {
        path["ofi_depth_normalized"] = 2
        let entry = path.tick(&core, now: 1_000)
        #expect(entry.count == 1)
        #expect(entry.first?.side == UInt8(HFT_SIDE_BUY))
        #expect(entry.first?.time_in_force == UInt8(HFT_TIF_POST_ONLY), "short queue (5 ≤ 20 × 1): passive at the touch")
        #expect(entry.first?.price == 10_000)
        var f = hft_fill()
        f.kind = UInt8(HFT_FILL_TRADE); f.tag = RegimeScalperCore.entryTag; f.side = UInt8(HFT_SIDE_BUY)
        f.price = 10_000; f.quantity = 1; f.position_after = 1; f.time_ns = 1_000
        #expect(core.onFill(&f) == HFT_OK.rawValue)
        path["ofi_depth_normalized"] = 0
        path.view.position = 1
        path.view.entry_price = 10_000
    }

    func trendingCore() -> (RegimeScalperCore, Path) {
        var core = Self.core()
        var path = Path()
        path["efficiency_ratio"] = 0.9
        for _ in 0..<25 { _ = path.tick(&core) }
        #expect(core.regime == .trending)
        return (core, path)
    }

    @Test func exitOnTarget() {
        var (core, path) = trendingCore()
        openLong(&core, &path)
        path.view.bids.0.price = 10_034; path.view.asks.0.price = 10_035
        #expect(path.tick(&core, now: 2_000).isEmpty, "+0.34 % < trending target 0.35 %")
        path.view.bids.0.price = 10_036; path.view.asks.0.price = 10_037
        let exit = path.tick(&core, now: 3_000)
        #expect(exit.count == 1 && exit[0].side == UInt8(HFT_SIDE_SELL) && exit[0].reduce_only == 1 && exit[0].quantity == 1)
        #expect(exit.first?.tag == RegimeScalperCore.exitTagBase + UInt32(ExitReason.target.rawValue))
        #expect(core.state.exitCount(.target) == 1)
    }

    @Test func exitOnStop() {
        var (core, path) = trendingCore()
        openLong(&core, &path)
        path.view.bids.0.price = 9_979; path.view.asks.0.price = 9_980
        let exit = path.tick(&core, now: 2_000)
        #expect(exit.first?.tag == RegimeScalperCore.exitTagBase + UInt32(ExitReason.stop.rawValue))
        #expect(core.state.exitCount(.stop) == 1)
    }

    @Test func exitOnTime() {
        var (core, path) = trendingCore()
        openLong(&core, &path)
        #expect(path.tick(&core, now: 1_000 + 29_000_000_000).isEmpty)
        let exit = path.tick(&core, now: 1_000 + 30_000_000_000)
        #expect(exit.first?.tag == RegimeScalperCore.exitTagBase + UInt32(ExitReason.time.rawValue))
    }

    @Test func exitOnRegimeChange() {
        var (core, path) = trendingCore()
        openLong(&core, &path)
        path["efficiency_ratio"] = 0.1
        var exits: [hft_intent] = []
        for k in 0..<25 where exits.isEmpty { exits = path.tick(&core, now: 2_000 + Int64(k)) }
        #expect(core.regime == .ranging)
        #expect(exits.first?.tag == RegimeScalperCore.exitTagBase + UInt32(ExitReason.regimeChange.rawValue))
    }

    @Test func longQueueNeedsAStrongSignalToCross() {
        var (core, path) = trendingCore()
        path.view.bids.0.quantity = 1_000
        path["ofi_depth_normalized"] = 1.0
        #expect(path.tick(&core).isEmpty, "long queue, signal below the aggressive threshold: wait")
        path["ofi_depth_normalized"] = 2.0
        let i = path.tick(&core)
        #expect(i.first?.time_in_force == UInt8(HFT_TIF_IOC) && i.first?.price == 10_001)
    }

    @Test func rangingUsesTheMeanReversionFallback() {
        var core = Self.core()
        var path = Path()
        path["vwap_deviation_bps"] = 3 // mid above VWAP: sell
        let i = path.tick(&core)
        #expect(core.regime == .ranging)
        #expect(i.first?.side == UInt8(HFT_SIDE_SELL))
        #expect(core.state.fallbackSignals == 1 && core.state.modelSignals == 0)
        path.view.model_valid = 1 << UInt32(HFT_MODEL_TABNET)
        path.view.model_outputs.1 = 0.001
        path["vwap_deviation_bps"] = 0
        var c2 = Self.core()
        let j = path.tick(&c2)
        #expect(j.first?.side == UInt8(HFT_SIDE_BUY))
        #expect(c2.state.modelSignals == 1)
    }

    @Test func replayOfARealCaptureInPaperMode() throws {
        let harness = try StrategyReplayHarness(path: PluginFixtures.spotCapture, positionLimit: 1000)
        let plugin = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: harness.schema.id)
        let config = #"{"baseQuantity": 100, "entryThreshold": 0.3, "confirmTicks": 10}"#
        var strategy = try StrategyInstance(plugin: plugin, config: config, services: harness.services)
        let r = try harness.run(&strategy)
        let state = try strategy.saveState().withUnsafeBytes { $0.loadUnaligned(as: RegimeScalperState.self) }
        print("regime-scalper replay:", r)
        print("regime-scalper: switches \(state.switches), entries \(state.entries) (passive \(state.passiveEntries)), exits target/stop/time/regime "
              + "\(state.exitCount(.target))/\(state.exitCount(.stop))/\(state.exitCount(.time))/\(state.exitCount(.regimeChange)), "
              + "fallback signals \(state.fallbackSignals), model signals \(state.modelSignals)")
        #expect(r.orders > 0)
        #expect(r.fills > 0)
        #expect(r.invalidIntentCount == 0 && r.strategyErrors == 0)
        #expect(state.ticks == r.ticks && state.sequenceGaps == 0)
        #expect(state.fallbackSignals > 0 && state.modelSignals == 0, "no bundles configured: the transparent fallback signals trade")
        #expect(harness.services.log.contains { $0.contains("no hmm_p") })
    }
}
