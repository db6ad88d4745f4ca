import HFTTestSupport
import Foundation
import Testing
@testable import Inference

/// Bundles: import from a state_dict + params, reload, feature-schema checks, architecture checks.
@Suite struct ModelBundleTests {
    @Test func importedBundleRunsLikeTheStateDictAndChecksTheSchema() throws {
        let dir = TestScratch.directory("inference-bundle")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try Fixture.config("ppo_box", .ppo)
        let features = try #require(config.features)
        #expect(config.normalization != nil)
        let bundle = try ModelBundle.write(config: config, stateDict: Fixture.path("ppo_box.model.safetensors"), to: dir)
        #expect(bundle.config.features == features)
        #expect(bundle.config.normalization == config.normalization)

        let live = ExpectedFeatureSchema(id: features.schemaId, version: features.schemaVersion, names: features.names)
        var policy = try PPOPolicy(bundle: ModelBundle(directory: dir, expecting: live))
        let x = try Fixture.array("ppo_box", "x").floats
        let ref = try Fixture.array("ppo_box", "mean_actions").floats
        var head = [Float](repeating: 0, count: 2)
        _ = Array(x[0..<24]).withUnsafeBufferPointer { policy.evaluate($0.baseAddress!, head: &head) }
        var stats = ParityStats()
        stats.check(head, Array(ref[0..<2]), "bundle mean actions")

        var reordered = live
        reordered.names.swapAt(0, 1)
        #expect(throws: ModelLoadError.featureSchemaMismatch("feature 0 is \(features.names[0]) in the model, \(features.names[1]) live")) {
            _ = try ModelBundle(directory: dir, expecting: reordered)
        }
        var newer = live
        newer.version += 1
        #expect(throws: ModelLoadError.self) { _ = try ModelBundle(directory: dir, expecting: newer) }
        var other = live
        other.id = "hft.features.other"
        #expect(throws: ModelLoadError.self) { _ = try ModelBundle(directory: dir, expecting: other) }
        var fewer = live
        fewer.names.removeLast()
        #expect(throws: ModelLoadError.self) { _ = try ModelBundle(directory: dir, expecting: fewer) }
        #expect(throws: ModelLoadError.archMismatch(expected: "tcn", actual: "ppo")) { _ = try TCNModel(bundle: ModelBundle(directory: dir)) }
    }

    @Test func importRefusesWeightsThatDoNotFitTheParams() throws {
        let dir = TestScratch.directory("inference-refuse")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try Fixture.config("tabnet_entmax", .tabnet)
        #expect(throws: ModelLoadError.self) {
            try ModelBundle.write(config: config, stateDict: Fixture.path("tcn.safetensors"), to: dir + "/b")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/b/config.json"))
        // Feature names that do not match the model's input width.
        var bad = config
        bad.features?.names.removeLast()
        #expect(throws: ModelLoadError.featureSchemaMismatch("bundle lists 31 feature names for a model with 32 inputs")) {
            try ModelBundle.write(config: bad, stateDict: Fixture.path("tabnet_entmax.safetensors"), to: dir + "/c")
        }
    }

    @Test func bundleWithoutFeaturesIsRefusedWhenASchemaIsExpected() throws {
        let dir = TestScratch.directory("inference-nofeatures")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = try Fixture.config("tcn_small", .tcn)
        config.features = nil
        try ModelBundle.write(config: config, stateDict: Fixture.path("tcn_small.safetensors"), to: dir)
        _ = try TCNModel(bundle: ModelBundle(directory: dir))
        #expect(throws: ModelLoadError.featureSchemaMismatch("bundle \(dir) declares no feature schema")) {
            _ = try ModelBundle(directory: dir, expecting: ExpectedFeatureSchema(version: 1, names: ["a"]))
        }
    }

    @Test func configRoundTripsThroughJSON() throws {
        let config = try Fixture.config("tabnet_sparsemax", .tabnet)
        let again = try ModelBundleConfig.parse(config.serialized())
        #expect(again.arch == .tabnet)
        #expect(again.features == config.features)
        #expect(try again.decodeParams(TabNetParams.self) == config.decodeParams(TabNetParams.self))
        #expect(throws: ModelLoadError.self) { _ = try ModelBundleConfig.parse(Data("{\"format\":\"other\"}".utf8)) }
    }
}
