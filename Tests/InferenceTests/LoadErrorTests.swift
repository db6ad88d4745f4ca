import HFTTestSupport
import Foundation
import Testing
@testable import Inference

/// Load-time errors: wrong shape, missing tensor, wrong dtype, truncated file, bad header.
@Suite struct LoadErrorTests {
    /// The PPO fixture's tensors as F32 `(name, dtype, shape, bytes)` entries, to edit and rewrite.
    static func ppoTensors() throws -> [(String, String, [Int], [UInt8])] {
        let f = try SafeTensorsFile(path: Fixture.path("ppo_discrete.safetensors"))
        return try f.entries.keys.sorted().map { name in
            let e = f.entries[name]!
            let values = try f.floats([name], shape: nil)
            return (name, "F32", e.shape, values.withUnsafeBytes { Array($0) })
        }
    }

    static func ppoParams() throws -> PPOParams {
        try Fixture.config("ppo_discrete", .ppo).decodeParams(PPOParams.self)
    }

    @Test func wrongShapeNamesTheTensorAndBothShapes() throws {
        var config = try Fixture.config("tcn_small", .tcn)
        var params = try config.decodeParams(TCNParams.self)
        params.numChannels = [8, 7]
        config.paramsJSON = try JSONEncoder().encode(params)
        let weights = try SafeTensorsFile(path: Fixture.path("tcn_small.safetensors"))
        #expect(throws: ModelLoadError.wrongShape(name: "tcn.network.1.conv1.weight_v", expected: [7, 8, 2], actual: [6, 8, 2])) {
            _ = try TCNModel(params: config.decodeParams(TCNParams.self), weights: weights)
        }
        var ppo = try Self.ppoParams()
        ppo.obsDim = 25
        #expect(throws: ModelLoadError.wrongShape(name: "mlp_extractor.policy_net.0.weight", expected: [64, 25], actual: [64, 24])) {
            _ = try PPOPolicy(params: ppo, weights: try SafeTensorsFile(path: Fixture.path("ppo_discrete.safetensors")))
        }
    }

    @Test func missingTensorListsEveryAliasTried() throws {
        let dir = TestScratch.directory("inference-missing")
        let path = dir + "/m.safetensors"
        try writeSafeTensors(try Self.ppoTensors().filter { $0.0 != "value_net.weight" }, to: path)
        #expect(throws: ModelLoadError.missingTensor(aliases: ["value_net.weight"])) {
            _ = try PPOPolicy(params: Self.ppoParams(), weights: SafeTensorsFile(path: path))
        }
        // TabNet without any of the 8 names of shared GLU layer 0.
        let tab = try SafeTensorsFile(path: Fixture.path("tabnet_sparsemax.safetensors"))
        let kept = try tab.entries.keys.sorted().filter { !$0.hasSuffix("shared.shared_layers.0.weight") && !$0.hasSuffix("shared.glu_layers.0.fc.weight") }
            .map { name -> (String, String, [Int], [UInt8]) in
                let e = tab.entries[name]!
                if e.dtype != "F32" { return (name, "F32", e.shape, [UInt8](repeating: 0, count: 4 * e.shape.reduce(1, *))) }
                return (name, "F32", e.shape, try tab.floats([name], shape: nil).withUnsafeBytes { Array($0) })
            }
        try writeSafeTensors(kept, to: dir + "/t.safetensors")
        let params = try Fixture.config("tabnet_sparsemax", .tabnet).decodeParams(TabNetParams.self)
        do {
            _ = try TabNetModel(params: params, weights: SafeTensorsFile(path: dir + "/t.safetensors"))
            Issue.record("loaded without the shared GLU weights")
        } catch let ModelLoadError.missingTensor(aliases) {
            #expect(aliases.count == 8)
            #expect(aliases.contains("tabnet.encoder.feat_transformers.2.shared.glu_layers.0.fc.weight"))
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func wrongDtypeIsRefused() throws {
        let dir = TestScratch.directory("inference-dtype")
        let path = dir + "/d.safetensors"
        let tensors = try Self.ppoTensors().map { t -> (String, String, [Int], [UInt8]) in
            t.0 == "action_net.bias" ? (t.0, "I64", t.2, [UInt8](repeating: 0, count: 8 * t.2.reduce(1, *))) : t
        }
        try writeSafeTensors(tensors, to: path)
        #expect(throws: ModelLoadError.wrongDtype(name: "action_net.bias", dtype: "I64")) {
            _ = try PPOPolicy(params: Self.ppoParams(), weights: SafeTensorsFile(path: path))
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func truncatedFilesAreTypedErrors() throws {
        let dir = TestScratch.directory("inference-trunc")
        let bytes = try #require(FileManager.default.contents(atPath: Fixture.path("tcn_small.safetensors")))
        for (label, length) in [("data", bytes.count - 100), ("header", 40), ("size", 5), ("empty", 0)] {
            let path = dir + "/\(label).safetensors"
            try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
            do {
                _ = try SafeTensorsFile(path: path)
                Issue.record("\(label): a truncated file opened")
            } catch ModelLoadError.truncatedFile(let p, _) {
                #expect(p == path)
            }
        }
        #expect(throws: ModelLoadError.fileUnreadable(path: dir + "/absent", errno: ENOENT)) { _ = try SafeTensorsFile(path: dir + "/absent") }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func badHeadersAreTypedErrors() throws {
        let dir = TestScratch.directory("inference-header")
        let path = dir + "/h.safetensors"
        let four = [UInt8](repeating: 0, count: 16)
        for header in ["{not json", "[1,2]", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}",
                       "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,0]}}",
                       "{\"a\":{\"dtype\":\"Q7\",\"shape\":[4],\"data_offsets\":[0,16]}}"] {
            try writeSafeTensors([("a", "F32", [4], four)], to: path, headerOverride: header)
            do {
                _ = try SafeTensorsFile(path: path)
                Issue.record("header \(header) accepted")
            } catch ModelLoadError.badHeader {
            }
        }
        try writeSafeTensors([("a", "F32", [4], four)], to: path)
        #expect(try SafeTensorsFile(path: path).floats(["a"], shape: [4]) == [0, 0, 0, 0])
        try? FileManager.default.removeItem(atPath: dir)
    }
}
