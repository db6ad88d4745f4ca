/// Runs a bundle over the rows of an array and names every output in the training library's own terms
/// (what `hft model eval` writes, one `.npy` per output). Cold path: allocates its result arrays.
///
/// - TCN: input `(batch, features, time)`; `logits` and `probs` `(batch, outputs)` from the full-window
///   path, `logits_all_steps` `(batch, time, outputs)` from the streaming path (reset per row).
/// - TabNet: input `(batch, features)`; `logits`, `probs`, `pred` (int64), `masks` `(steps, batch, features)`.
/// - A single-output TCN or TabNet is a regression head: `logits` holds the predictions and there is no
///   `probs` or `pred`.
/// - PPO: input `(batch, obs)`; `values` `(batch, 1)`; Discrete: `action_logits`, `probs`, `actions` (int64);
///   Box: `mean_actions`, `actions` (clipped, float32).
public enum ModelEvaluation {
    /// Evaluates `bundle` on `input`.
    /// - Throws: `ModelLoadError.badConfig` when the input's shape does not fit the model.
    public static func evaluate(_ bundle: ModelBundle, input: NpyArray) throws -> [String: NpyArray] {
        let x = input.floats
        switch bundle.config.arch {
        case .tcn:
            guard input.shape.count == 3, input.shape[2] > 0 else {
                throw ModelLoadError.badConfig("TCN input must be (batch, features, time), got \(input.shape)")
            }
            let (batch, features, steps) = (input.shape[0], input.shape[1], input.shape[2])
            var model = try TCNModel(bundle: bundle, maxWindow: steps)
            try expectWidth(features, model.inputCount)
            let k = model.outputCount
            var logits = [Float](repeating: 0, count: batch * k)
            var probs = logits
            var all = [Float](repeating: 0, count: batch * steps * k)
            var column = [Float](repeating: 0, count: features)
            for b in 0..<batch {
                let row = Array(x[(b * features * steps)..<((b + 1) * features * steps)])
                logits.withUnsafeMutableBufferPointer { l in
                    row.withUnsafeBufferPointer { model.forward(window: $0.baseAddress!, steps: steps, logits: l.baseAddress! + b * k) }
                    probs.withUnsafeMutableBufferPointer { DenseKernels.softmax(l.baseAddress! + b * k, count: k, into: $0.baseAddress! + b * k) }
                }
                model.reset()
                for t in 0..<steps {
                    for c in 0..<features { column[c] = row[c * steps + t] }
                    all.withUnsafeMutableBufferPointer { a in
                        column.withUnsafeBufferPointer { model.step($0.baseAddress!, logits: a.baseAddress! + (b * steps + t) * k) }
                    }
                }
            }
            var out = ["logits": NpyArray(floats: logits, shape: [batch, k]), "logits_all_steps": NpyArray(floats: all, shape: [batch, steps, k])]
            if k > 1 { out["probs"] = NpyArray(floats: probs, shape: [batch, k]) }
            return out
        case .tabnet:
            var model = try TabNetModel(bundle: bundle)
            let (batch, n) = try rows(input, model.inputCount)
            let k = model.outputCount, s = model.stepCount
            var logits = [Float](repeating: 0, count: batch * k)
            var probs = logits
            var pred = [Int64](repeating: 0, count: batch)
            var masks = [Float](repeating: 0, count: s * batch * n)
            var rowMasks = [Float](repeating: 0, count: s * n)
            for b in 0..<batch {
                logits.withUnsafeMutableBufferPointer { l in
                    let out = l.baseAddress! + b * k
                    Array(x[(b * n)..<((b + 1) * n)]).withUnsafeBufferPointer { model.predict($0.baseAddress!, logits: out, masks: &rowMasks) }
                    probs.withUnsafeMutableBufferPointer { DenseKernels.softmax(out, count: k, into: $0.baseAddress! + b * k) }
                    pred[b] = Int64(DenseKernels.argmax(out, count: k))
                }
                for step in 0..<s { for i in 0..<n { masks[(step * batch + b) * n + i] = rowMasks[step * n + i] } }
            }
            var out = ["logits": NpyArray(floats: logits, shape: [batch, k]), "masks": NpyArray(floats: masks, shape: [s, batch, n])]
            if k > 1 {
                out["probs"] = NpyArray(floats: probs, shape: [batch, k])
                out["pred"] = NpyArray(int64s: pred, shape: [batch])
            }
            return out
        case .ppo:
            var policy = try PPOPolicy(bundle: bundle)
            let (batch, n) = try rows(input, policy.inputCount)
            let k = policy.actionCount
            var head = [Float](repeating: 0, count: batch * k)
            var values = [Float](repeating: 0, count: batch)
            for b in 0..<batch {
                head.withUnsafeMutableBufferPointer { h in
                    values[b] = Array(x[(b * n)..<((b + 1) * n)]).withUnsafeBufferPointer { policy.evaluate($0.baseAddress!, head: h.baseAddress! + b * k) }
                }
            }
            var out = ["values": NpyArray(floats: values, shape: [batch, 1])]
            if policy.discrete {
                var probs = head
                var actions = [Int64](repeating: 0, count: batch)
                head.withUnsafeBufferPointer { h in
                    for b in 0..<batch {
                        probs.withUnsafeMutableBufferPointer { DenseKernels.softmax(h.baseAddress! + b * k, count: k, into: $0.baseAddress! + b * k) }
                        actions[b] = Int64(policy.discreteAction(h.baseAddress! + b * k))
                    }
                }
                out["action_logits"] = NpyArray(floats: head, shape: [batch, k])
                out["probs"] = NpyArray(floats: probs, shape: [batch, k])
                out["actions"] = NpyArray(int64s: actions, shape: [batch])
            } else {
                var actions = head
                head.withUnsafeBufferPointer { h in
                    actions.withUnsafeMutableBufferPointer { a in
                        for b in 0..<batch { policy.boxAction(h.baseAddress! + b * k, into: a.baseAddress! + b * k) }
                    }
                }
                out["mean_actions"] = NpyArray(floats: head, shape: [batch, k])
                out["actions"] = NpyArray(floats: actions, shape: [batch, k])
            }
            return out
        }
    }

    static func rows(_ input: NpyArray, _ width: Int) throws -> (Int, Int) {
        guard input.shape.count == 2 else { throw ModelLoadError.badConfig("input must be (batch, features), got \(input.shape)") }
        try expectWidth(input.shape[1], width)
        return (input.shape[0], input.shape[1])
    }

    static func expectWidth(_ actual: Int, _ expected: Int) throws {
        guard actual == expected else { throw ModelLoadError.badConfig("input has \(actual) features, the model takes \(expected)") }
    }
}
