import Testing
@testable import Inference

/// stable-baselines3 MlpPolicy against the library: Discrete (logits, probs, argmax exact, values), Box
/// behind VecNormalize (mean, clipped deterministic action, values), and F16 / BF16 weight files.
@Suite struct PPOParityTests {
    @Test(arguments: ["ppo_discrete", "ppo_box", "ppo_discrete_f16", "ppo_discrete_bf16"])
    func matchesStableBaselines3(name: String) throws {
        let config = try Fixture.config(name, .ppo)
        let params = try config.decodeParams(PPOParams.self)
        let x = try Fixture.array(name, "x")
        let rows = x.shape[0], n = x.shape[1]
        let xs = x.floats
        let refValues = try Fixture.array(name, "values").floats
        let width = params.actionSpace.width
        var stats = (head: ParityStats(), probs: ParityStats(), actions: ParityStats(), values: ParityStats())
        let files = name.hasSuffix("16") ? [try SafeTensorsFile(path: Fixture.path("\(name).safetensors"))] : try Fixture.weights(name)
        for weights in files {
            var policy = try PPOPolicy(params: params, weights: weights, normalization: config.normalization)
            var head = [Float](repeating: 0, count: width)
            var other = head
            for r in 0..<rows {
                let obs = Array(xs[(r * n)..<((r + 1) * n)])
                let value = obs.withUnsafeBufferPointer { policy.evaluate($0.baseAddress!, head: &head) }
                stats.values.check([value], [refValues[r]], "\(name) value row \(r)")
                #expect(obs.withUnsafeBufferPointer { policy.value($0.baseAddress!) } == value)
                obs.withUnsafeBufferPointer { policy.actionHead($0.baseAddress!, into: &other) }
                #expect(other == head)
                switch params.actionSpace {
                case .discrete:
                    let refLogits = try Fixture.array(name, "action_logits").floats
                    let refProbs = try Fixture.array(name, "probs").floats
                    let refActions = try #require(try Fixture.array(name, "actions").int64s)
                    stats.head.check(head, Array(refLogits[(r * width)..<((r + 1) * width)]), "\(name) logits row \(r)")
                    head.withUnsafeBufferPointer { DenseKernels.softmax($0.baseAddress!, count: width, into: &other) }
                    stats.probs.check(other, Array(refProbs[(r * width)..<((r + 1) * width)]), "\(name) probs row \(r)")
                    #expect(Int64(head.withUnsafeBufferPointer { policy.discreteAction($0.baseAddress!) }) == refActions[r])
                case .box:
                    let refMean = try Fixture.array(name, "mean_actions").floats
                    let refActions = try Fixture.array(name, "actions").floats
                    stats.head.check(head, Array(refMean[(r * width)..<((r + 1) * width)]), "\(name) mean row \(r)")
                    head.withUnsafeBufferPointer { policy.boxAction($0.baseAddress!, into: &other) }
                    stats.actions.check(other, Array(refActions[(r * width)..<((r + 1) * width)]), "\(name) actions row \(r)")
                }
            }
        }
        stats.head.report("\(name) action head")
        stats.probs.report("\(name) probs")
        stats.actions.report("\(name) actions")
        stats.values.report("\(name) values")
    }

    @Test func halfAndBFloat16FilesAreReallyHalfWidth() throws {
        let f16 = try SafeTensorsFile(path: Fixture.path("ppo_discrete_f16.safetensors"))
        let bf16 = try SafeTensorsFile(path: Fixture.path("ppo_discrete_bf16.safetensors"))
        #expect(f16.entries.values.allSatisfy { $0.dtype == "F16" })
        #expect(bf16.entries.values.allSatisfy { $0.dtype == "BF16" })
        #expect(SafeTensorsDType.float(fromHalfBits: 0x3C00) == 1)
        #expect(SafeTensorsDType.float(fromHalfBits: 0xC000) == -2)
        #expect(SafeTensorsDType.float(fromHalfBits: 0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(SafeTensorsDType.float(fromHalfBits: 0x7C00) == .infinity)
        #expect(SafeTensorsDType.float(fromBFloat16Bits: 0x3F80) == 1)
    }
}
