import Testing
@testable import Inference

/// locuslab TCN against PyTorch: full window, streaming at every step, both state_dict savers.
@Suite struct TCNParityTests {
    @Test(arguments: ["tcn", "tcn_small"])
    func matchesPyTorch(name: String) throws {
        let config = try Fixture.config(name, .tcn)
        let params = try config.decodeParams(TCNParams.self)
        let x = try Fixture.array(name, "x")
        let (batch, channels, steps) = (x.shape[0], x.shape[1], x.shape[2])
        #expect(channels == params.inputSize)
        let xs = x.floats
        let refLogits = try Fixture.array(name, "logits").floats
        let refProbs = try Fixture.array(name, "probs").floats
        let refAll = try Fixture.array(name, "logits_all_steps").floats
        let out = params.outputSize
        var stats = (window: ParityStats(), probs: ParityStats(), streaming: ParityStats())
        for weights in try Fixture.weights(name) {
            var model = try TCNModel(params: params, weights: weights, maxWindow: steps)
            var logits = [Float](repeating: 0, count: out)
            var probs = logits
            for b in 0..<batch {
                let row = Array(xs[(b * channels * steps)..<((b + 1) * channels * steps)])
                let ref = Array(refLogits[(b * out)..<((b + 1) * out)])
                row.withUnsafeBufferPointer { model.forward(window: $0.baseAddress!, steps: steps, logits: &logits) }
                stats.window.check(logits, ref, "\(name) window logits row \(b)")
                logits.withUnsafeBufferPointer { DenseKernels.softmax($0.baseAddress!, count: out, into: &probs) }
                stats.probs.check(probs, Array(refProbs[(b * out)..<((b + 1) * out)]), "\(name) probs row \(b)")

                // Streaming, fed step by step, equals the PyTorch model on every prefix, and equals our
                // own full-window path on the same prefix exactly (same arithmetic, zeros before t = 0).
                model.reset()
                var feature = [Float](repeating: 0, count: channels)
                var windowLogits = logits
                for t in 0..<steps {
                    for c in 0..<channels { feature[c] = row[c * steps + t] }
                    feature.withUnsafeBufferPointer { model.step($0.baseAddress!, logits: &logits) }
                    let base = (b * steps + t) * out
                    stats.streaming.check(logits, Array(refAll[base..<(base + out)]), "\(name) streaming row \(b) step \(t)")
                    var prefix = [Float](repeating: 0, count: channels * (t + 1))
                    for c in 0..<channels { for s in 0...t { prefix[c * (t + 1) + s] = row[c * steps + s] } }
                    prefix.withUnsafeBufferPointer { model.forward(window: $0.baseAddress!, steps: t + 1, logits: &windowLogits) }
                    #expect(logits == windowLogits, "\(name) streaming vs full window at step \(t)")
                }
                #expect(model.stepsSinceReset == steps)
            }
        }
        stats.window.report("\(name) logits (full window)")
        stats.probs.report("\(name) probs")
        stats.streaming.report("\(name) logits_all_steps (streaming)")
    }

    @Test func streamingMatchesASlidingWindowOnceTheReceptiveFieldIsCovered() throws {
        let config = try Fixture.config("tcn_small", .tcn)
        let params = try config.decodeParams(TCNParams.self)
        let rf = params.receptiveField
        let weights = try SafeTensorsFile(path: Fixture.path("tcn_small.safetensors"))
        var model = try TCNModel(params: params, weights: weights, maxWindow: rf)
        var rng = SystemRandomNumberGenerator()
        let n = params.inputSize
        let total = 3 * rf
        let series = (0..<(total * n)).map { _ in Float.random(in: -2...2, using: &rng) }
        var streamed = [Float](repeating: 0, count: params.outputSize)
        var windowed = streamed
        for t in 0..<total {
            Array(series[(t * n)..<((t + 1) * n)]).withUnsafeBufferPointer { model.step($0.baseAddress!, logits: &streamed) }
            guard t + 1 >= rf else { continue }
            var window = [Float](repeating: 0, count: n * rf)
            for c in 0..<n { for s in 0..<rf { window[c * rf + s] = series[(t + 1 - rf + s) * n + c] } }
            window.withUnsafeBufferPointer { model.forward(window: $0.baseAddress!, steps: rf, logits: &windowed) }
            var stats = ParityStats()
            stats.check(streamed, windowed, "sliding window at t=\(t)")
        }
    }

    @Test func savedModelDropsAliasesTheLoaderDoesNotNeed() throws {
        let all = try SafeTensorsFile(path: Fixture.path("tcn.safetensors"))
        let one = try SafeTensorsFile(path: Fixture.path("tcn.model.safetensors"))
        #expect(all.entries["tcn.network.0.net.0.weight_v"] != nil)
        #expect(all.entries["tcn.network.0.conv1.weight_v"] != nil)
        #expect(one.entries.count < all.entries.count)
        #expect(one.entries["tcn.network.0.net.0.weight_v"] == nil || one.entries["tcn.network.0.conv1.weight_v"] == nil)
    }
}
