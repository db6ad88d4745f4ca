import HFTTestSupport
import Foundation
import Testing
@testable import Inference

/// `hft model eval`'s engine: a bundle imported from each fixture reproduces the library's outputs, named
/// as the library names them.
@Suite struct ModelEvaluationTests {
    @Test(arguments: [
        ("tcn_small", ModelArch.tcn, ["logits", "probs", "logits_all_steps"]),
        ("tabnet_sparsemax", ModelArch.tabnet, ["logits", "probs", "pred", "masks"]),
        ("ppo_discrete", ModelArch.ppo, ["action_logits", "probs", "actions", "values"]),
        ("ppo_box", ModelArch.ppo, ["mean_actions", "actions", "values"]),
    ])
    func evaluatesEveryOutput(name: String, arch: ModelArch, outputs: [String]) throws {
        let dir = TestScratch.directory("inference-eval")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bundle = try ModelBundle.write(config: Fixture.config(name, arch), stateDict: Fixture.path("\(name).safetensors"), to: dir)
        let result = try ModelEvaluation.evaluate(bundle, input: Fixture.array(name, "x"))
        #expect(Set(result.keys) == Set(outputs))
        for output in outputs {
            let ref = try Fixture.array(name, output)
            let got = try #require(result[output])
            #expect(got.shape == ref.shape || (ref.shape.count == 1 && got.shape == ref.shape), "\(name).\(output) shape \(got.shape) vs \(ref.shape)")
            if let ints = ref.int64s {
                #expect(got.int64s == ints, "\(name).\(output)")
            } else {
                var stats = ParityStats()
                stats.check(got.floats, ref.floats, "\(name).\(output)")
            }
            let back = try NpyArray(bytes: got.serialized())
            #expect(back == got)
        }
    }
}
