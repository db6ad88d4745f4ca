import Engine
import Foundation
import HFTTestSupport
import StrategyABI
import Testing

/// The example plugins trading a real capture in paper mode, and a hot swap in the middle of it.
@Suite(.serialized) struct StrategyReplayTests {
    let schema = PluginFixtures.defaultSchema.id

    @Test func touchQuoterTradesInReplay() throws {
        let harness = try StrategyReplayHarness(path: PluginFixtures.spotCapture, positionLimit: 1000)
        #expect(harness.schema.id == schema)
        let plugin = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: harness.schema.id)
        var strategy = try StrategyInstance(plugin: plugin, config: PluginFixtures.touchQuoterConfig, services: harness.services)
        let r = try harness.run(&strategy)
        print("touch-quoter replay:", r)
        #expect(r.ticks > 1000)
        #expect(r.orders > 0)
        #expect(r.fills > 0)
        #expect(r.invalidIntentCount == 0)
        #expect(r.strategyErrors == 0)
        let state = try strategy.saveState()
        // ticks_seen (offset 8) equals the host's tick count, with no gap or repeat.
        #expect(state.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) } == r.ticks)
        #expect(state.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 32, as: UInt64.self) } == 0)
        #expect(state.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 40, as: UInt64.self) } == 0)
    }

    @Test func hotSwapMidReplayLosesAndRepeatsNoEvent() throws {
        let harness = try StrategyReplayHarness(path: PluginFixtures.spotCapture, positionLimit: 1000)
        let old = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: harness.schema.id)
        // A second copy of the library at another path: dlopen loads it as a distinct library (new code, new statics).
        let copy = TestScratch.path("libTouchQuoter-v2", suffix: ".so")
        try FileManager.default.copyItem(atPath: PluginFixtures.library("TouchQuoter"), toPath: copy)
        let new = try StrategyPlugin(path: copy, featureSchemaId: harness.schema.id)
        #expect(old !== new)

        var strategy = try StrategyInstance(plugin: old, config: PluginFixtures.touchQuoterConfig, services: harness.services)
        let r = try harness.run(&strategy, swap: (beforeTick: 1500, plugin: new, config: PluginFixtures.touchQuoterConfig))
        let swap = try #require(r.swap)
        print("hot swap:", swap)
        print("replay with swap:", r)
        #expect(strategy.plugin === new)
        #expect(r.sequencesBeforeSwap == 1...1499)
        #expect(r.sequencesAfterSwap == 1500...r.ticks)
        #expect(swap.stateBytes > 0)
        #expect(swap.switchNanos > 0 && swap.switchNanos < 50_000_000)
        // The carried state continued: the new instance counted every tick of both halves, gap- and repeat-free.
        let state = try strategy.saveState()
        func word(_ offset: Int) -> UInt64 { state.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) } }
        #expect(word(8) == r.ticks)        // ticks_seen
        #expect(word(16) == 1)             // first_sequence (from the old instance)
        #expect(word(24) == r.ticks)       // last_sequence
        #expect(word(32) == 0)             // gaps
        #expect(word(40) == 0)             // repeats
        #expect(harness.services.log.contains { $0.contains("touch-quoter: state loaded") })

        // The same replay without a swap makes the same decisions (the swap is invisible to trading).
        var plain = try StrategyInstance(plugin: old, config: PluginFixtures.touchQuoterConfig, services: harness.services)
        let p = try harness.run(&plain)
        #expect(p.ticks == r.ticks && p.orders == r.orders && p.fills == r.fills && p.position == r.position && p.realizedPnL == r.realizedPnL)
    }

    @Test func swapStateIsIntactAcrossLibraries() throws {
        let services = PluginFixtures.services()
        let a = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: schema)
        var s = try StrategyInstance(plugin: a, config: "{}", services: services)
        var features = [Double](repeating: 0, count: PluginFixtures.defaultSchema.count)
        var view = hft_market_view()
        view.bid_count = 1; view.ask_count = 1; view.tick = 1; view.position_limit = 100
        view.bids.0 = hft_level(price: 100, quantity: 5); view.asks.0 = hft_level(price: 101, quantity: 5)
        view.feature_count = UInt32(features.count)
        features[PluginFixtures.defaultSchema.index(of: "rv_percentile")!] = 0.95
        var items = [hft_intent](repeating: hft_intent(), count: 8)
        try features.withUnsafeBufferPointer { f in
            view.features = f.baseAddress
            try items.withUnsafeMutableBufferPointer { i in
                var buffer = hft_intent_buffer(items: i.baseAddress, capacity: 8, count: 0)
                for k in 1...30 {
                    view.sequence = UInt64(k)
                    #expect(s.onTick(&view, &buffer) == HFT_OK.rawValue)
                }
                let before = try s.saveState()
                let report = try s.swap(to: a, config: "{}", services: services) { 0 }
                #expect(report.stateBytes == before.count)
                #expect(try s.saveState() == before)
            }
        }
    }
}
