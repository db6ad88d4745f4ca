import Testing
@testable import Inference

/// pytorch-tabnet TabNetClassifier (fitted, eval mode) against the library: logits, probabilities,
/// predictions (exact) and the per-step masks, for sparsemax and entmax, from both state_dict savers.
/// Every value is checked against the library run in float64; against the library's float32 outputs, every
/// value whose float32 reference is itself within half the tolerance of the float64 one (see
/// `ParityStats.illConditioned`: one entmax logit, where torch's own float32 error is 1.2e-5).
@Suite struct TabNetParityTests {
    @Test(arguments: ["tabnet_sparsemax", "tabnet_entmax"])
    func matchesPytorchTabnet(name: String) throws {
        let config = try Fixture.config(name, .tabnet)
        let params = try config.decodeParams(TabNetParams.self)
        let x = try Fixture.array(name, "x")
        let rows = x.shape[0], n = x.shape[1]
        let xs = x.floats
        let refLogits = try Fixture.array(name, "logits").floats
        let refProbs = try Fixture.array(name, "probs").floats
        let refPred = try #require(try Fixture.array(name, "pred").int64s)
        let refMasks = try Fixture.array(name, "masks").floats   // (steps, rows, n)
        // The same network run by the library in float64 (exact up to 1e-15): Swift's float32 error.
        let exactLogits = try Fixture.array(name, "logits_f64").floats
        let exactMasks = try Fixture.array(name, "masks_f64").floats
        let k = params.outputDim, steps = params.nSteps
        var stats = (logits: ParityStats(), probs: ParityStats(), masks: ParityStats(), exactLogits: ParityStats(), exactMasks: ParityStats())
        for weights in try Fixture.weights(name) {
            var model = try TabNetModel(params: params, weights: weights)
            var logits = [Float](repeating: 0, count: k)
            var probs = logits
            var masks = [Float](repeating: 0, count: steps * n)
            for r in 0..<rows {
                Array(xs[(r * n)..<((r + 1) * n)]).withUnsafeBufferPointer { model.predict($0.baseAddress!, logits: &logits, masks: &masks) }
                stats.logits.check(logits, Array(refLogits[(r * k)..<((r + 1) * k)]), exact: Array(exactLogits[(r * k)..<((r + 1) * k)]), "\(name) logits row \(r)")
                stats.exactLogits.check(logits, Array(exactLogits[(r * k)..<((r + 1) * k)]), "\(name) logits vs float64 row \(r)")
                logits.withUnsafeBufferPointer { DenseKernels.softmax($0.baseAddress!, count: k, into: &probs) }
                stats.probs.check(probs, Array(refProbs[(r * k)..<((r + 1) * k)]), "\(name) probs row \(r)")
                #expect(Int64(logits.withUnsafeBufferPointer { DenseKernels.argmax($0.baseAddress!, count: k) }) == refPred[r], "\(name) pred row \(r)")
                for s in 0..<steps {
                    let base = (s * rows + r) * n
                    stats.masks.check(Array(masks[(s * n)..<((s + 1) * n)]), Array(refMasks[base..<(base + n)]), exact: Array(exactMasks[base..<(base + n)]), "\(name) mask step \(s) row \(r)")
                    stats.exactMasks.check(Array(masks[(s * n)..<((s + 1) * n)]), Array(exactMasks[base..<(base + n)]), "\(name) mask vs float64 step \(s) row \(r)")
                }
            }
        }
        stats.logits.report("\(name) logits")
        stats.probs.report("\(name) probs")
        stats.masks.report("\(name) masks")
        stats.exactLogits.report("\(name) logits vs float64 library")
        stats.exactMasks.report("\(name) masks vs float64 library")
    }

    @Test func sharedGLUWeightsResolveFromAnyAlias() throws {
        let all = try SafeTensorsFile(path: Fixture.path("tabnet_sparsemax.safetensors"))
        let one = try SafeTensorsFile(path: Fixture.path("tabnet_sparsemax.model.safetensors"))
        let aliases = (["initial_splitter"] + (0..<3).map { "feat_transformers.\($0)" }).flatMap {
            ["tabnet.encoder.\($0).shared.shared_layers.0.weight", "tabnet.encoder.\($0).shared.glu_layers.0.fc.weight"]
        }
        #expect(aliases.count == 8)
        #expect(aliases.allSatisfy { all.entries[$0] != nil })
        #expect(aliases.filter { one.entries[$0] != nil }.count == 1)
        // Both batch norms are in the file; only the encoder's is applied (the other keeps init statistics).
        #expect(try all.floats(["tabnet.initial_bn.running_var"], shape: [32]) != all.floats(["tabnet.encoder.initial_bn.running_var"], shape: [32]))
    }

    @Test func sparsemaxAndEntmaxAreDistributions() {
        var z: [Float] = [0.3, -1, 2.5, 2.4, 0]
        var scratch = [Float](repeating: 0, count: 10)
        SparseMasks.sparsemax(&z, count: 5, scratch: &scratch)
        #expect(abs(z.reduce(0, +) - 1) < 1e-6)
        #expect(z == [0, 0, 0.55, 0.45000002, 0] || abs(z[2] - 0.55) < 1e-6)
        var e: [Float] = [0.3, -1, 2.5, 2.4, 0]
        SparseMasks.entmax15(&e, count: 5, scratch: &scratch)
        #expect(abs(e.reduce(0, +) - 1) < 1e-5)
        #expect(e[1] == 0 && e[2] > e[3] && e[3] > e[0])
    }
}
