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
    /// A harness over the first 2 500 frames of the spot capture (the REST snapshot is the third),
    /// ungzipped by gzip(1) into the test scratch directory.
    static func headHarness() throws -> StrategyReplayHarness {
        let capture = TestScratch.path("spot-head", suffix: ".hb")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -dc '\(PluginFixtures.spotCapture)' | head -n 2500 > '\(capture)'"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        return try StrategyReplayHarness(path: capture, positionLimit: 1000)
    }

    /// Every variant of `document` refused by `create` with `HFT_ERR_CONFIG`, or traded through
    /// `harness` with no strategy error and no invalid intent; some of each.
    static func sweep(_ plugin: StrategyPlugin, name: String, document: String, harness: borrowing StrategyReplayHarness) throws {
        let variants = try JSONVariants.of(document)
        var refused = 0, traded = 0
        for (path, json) in variants {
            let instance: StrategyInstance
            do {
                instance = try StrategyInstance(plugin: plugin, config: json, services: harness.services)
            } catch {
                #expect(error == .createFailed(plugin: name, code: HFT_ERR_CONFIG.rawValue), "\(path): \(error)")
                refused += 1
                continue
            }
            var strategy = instance
            let r = try harness.run(&strategy)
            #expect(r.strategyErrors == 0 && r.invalidIntentCount == 0, "\(path) \(json): \(r)")
            traded += 1
        }
        #expect(refused > 0 && traded > 0, "\(name): \(variants.count) variants, \(refused) refused, \(traded) traded")
    }

    @Test func regimeScalperVariantsAreRefusedOrTrade() throws {
        let harness = try Self.headHarness()
        let plugin = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: harness.schema.id)
        var base = RegimeScalperConfig()
        base.baseQuantity = 100
        base.confirmTicks = 5
        let document = String(decoding: try JSONEncoder().encode(base), as: UTF8.self)
        // The base config trades on this stretch, so the variants run the entry and exit paths.
        var baseline = try StrategyInstance(plugin: plugin, config: document, services: harness.services)
        let b = try harness.run(&baseline)
        #expect(b.orders > 0 && b.fills > 0, "\(b)")
        try Self.sweep(plugin, name: "regime-scalper", document: document, harness: harness)
    }

    /// TouchQuoter, the C example.
    @Test func touchQuoterVariantsAreRefusedOrTrade() throws {
        let harness = try Self.headHarness()
        let plugin = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: harness.schema.id)
        try Self.sweep(plugin, name: "touch-quoter", document: PluginFixtures.touchQuoterConfig, harness: harness)
    }
}
