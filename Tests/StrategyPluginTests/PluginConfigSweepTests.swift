import Engine
import Foundation
import HFTTestSupport
import RegimeScalperCore
import StrategyABI
import Testing

/// The plugins through their C ABI on every one-change variant of their configs (`JSONVariants`):
/// `create` refuses it with `HFT_ERR_CONFIG`, or the instance trades the first 2 500 frames of the
/// spot capture without an error or an invalid intent. RegimeScalper's variants cover every key of
/// `RegimeScalperConfig()`, the three regimes' parameters included. A value that made a plugin trap (a
/// time or quantity sum past Int64, a non-finite signal converted to an integer) kills this test.
@Suite(.serialized) struct PluginConfigSweepTests {
    @Test func regimeScalperVariantsAreRefusedOrTrade() throws {
        // The first 2 500 frames (the REST snapshot is the third), ungzipped by gzip(1).
        let capture = TestScratch.path("spot-head", suffix: ".hb")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -dc '\(PluginFixtures.spotCapture)' | head -n 2500 > '\(capture)'"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let harness = try StrategyReplayHarness(path: capture, positionLimit: 1000)
        let plugin = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: harness.schema.id)
        var base = RegimeScalperConfig()
        base.baseQuantity = 100
        base.confirmTicks = 5
        let document = String(decoding: try JSONEncoder().encode(base), as: UTF8.self)
        // The base config trades on this stretch, so the variants run the entry and exit paths.
        var baseline = try StrategyInstance(plugin: plugin, config: document, services: harness.services)
        let b = try harness.run(&baseline)
        #expect(b.orders > 0 && b.fills > 0, "\(b)")
        let variants = try JSONVariants.of(document)
        var refused = 0, traded = 0
        for (path, json) in variants {
            let instance: StrategyInstance
            do {
                instance = try StrategyInstance(plugin: plugin, config: json, services: harness.services)
            } catch {
                #expect(error == .createFailed(plugin: "regime-scalper", code: HFT_ERR_CONFIG.rawValue), "\(path): \(error)")
                refused += 1
                continue
            }
            var strategy = instance
            let r = try harness.run(&strategy)
            #expect(r.strategyErrors == 0 && r.invalidIntentCount == 0, "\(path): \(r)")
            traded += 1
        }
        #expect(refused > 0 && traded > 0, "\(variants.count) variants: \(refused) refused, \(traded) traded")
    }

    /// TouchQuoter (the C example) on every one-change variant of its config: refused with
    /// `HFT_ERR_CONFIG`, or it quotes the same 2 500 frames with no error and no invalid intent.
    @Test func touchQuoterVariantsAreRefusedOrTrade() throws {
        let capture = TestScratch.path("spot-head-tq", suffix: ".hb")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -dc '\(PluginFixtures.spotCapture)' | head -n 2500 > '\(capture)'"]
        try gzip.run()
        gzip.waitUntilExit()
        let harness = try StrategyReplayHarness(path: capture, positionLimit: 1000)
        let plugin = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: harness.schema.id)
        var refused = 0, traded = 0
        for (path, json) in try JSONVariants.of(PluginFixtures.touchQuoterConfig) {
            let instance: StrategyInstance
            do {
                instance = try StrategyInstance(plugin: plugin, config: json, services: harness.services)
            } catch {
                #expect(error == .createFailed(plugin: "touch-quoter", code: HFT_ERR_CONFIG.rawValue), "\(path): \(error)")
                refused += 1
                continue
            }
            var strategy = instance
            let r = try harness.run(&strategy)
            #expect(r.strategyErrors == 0 && r.invalidIntentCount == 0, "\(path) \(json): \(r)")
            traded += 1
        }
        #expect(refused > 0 && traded > 0, "\(refused) refused, \(traded) traded")
    }
}
