import HFTTestSupport
import Foundation
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

/// torch ≥ 2.1's `parametrizations.weight_norm` names (`parametrizations.weight.original0/1`) load like
/// `weight_g`/`weight_v`, and so does a state_dict with the weight norm already removed (plain `weight`).
@Suite struct TCNWeightNormNamingTests {
    @Test func newStyleAndFoldedNamesGiveTheSameModel() throws {
        let params = try Fixture.config("tcn_small", .tcn).decodeParams(TCNParams.self)
        let source = try SafeTensorsFile(path: Fixture.path("tcn_small.model.safetensors"))
        let dir = TestScratch.directory("inference-wn")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func bytes(_ v: [Float]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }
        var renamed: [(String, String, [Int], [UInt8])] = []
        var folded: [(String, String, [Int], [UInt8])] = []
        for name in source.entries.keys.sorted() {
            let e = source.entries[name]!
            let v = try source.floats([name], shape: nil)
            let newName = name.replacingOccurrences(of: ".weight_g", with: ".parametrizations.weight.original0")
                .replacingOccurrences(of: ".weight_v", with: ".parametrizations.weight.original1")
            renamed.append((newName, "F32", e.shape, bytes(v)))
            if name.hasSuffix(".weight_g") { continue }
            if name.hasSuffix(".weight_v") {
                let module = String(name.dropLast(".weight_v".count))
                let (cout, cin, k) = (e.shape[0], e.shape[1], e.shape[2])
                let w = try TCNModel.convWeight(source, module.components(separatedBy: ".").dropLast().joined(separator: ".") + ".",
                                                [String(module.split(separator: ".").last!)], cout: cout, cin: cin, k: k)
                folded.append((module + ".weight", "F32", e.shape, bytes(w)))
            } else {
                folded.append((name, "F32", e.shape, bytes(v)))
            }
        }
        try writeSafeTensors(renamed, to: dir + "/renamed.safetensors")
        try writeSafeTensors(folded, to: dir + "/folded.safetensors")
        let x = try Fixture.array("tcn_small", "x")
        let steps = x.shape[2], width = x.shape[1] * steps
        let row = Array(x.floats[0..<width])
        var reference = [Float](repeating: 0, count: params.outputSize)
        var original = try TCNModel(params: params, weights: source, maxWindow: steps)
        row.withUnsafeBufferPointer { original.forward(window: $0.baseAddress!, steps: steps, logits: &reference) }
        for file in ["renamed", "folded"] {
            var model = try TCNModel(params: params, weights: SafeTensorsFile(path: dir + "/\(file).safetensors"), maxWindow: steps)
            var logits = reference
            row.withUnsafeBufferPointer { model.forward(window: $0.baseAddress!, steps: steps, logits: &logits) }
            #expect(logits == reference, "\(file)")
        }
    }
}
