import Analytics
import Foundation
import Testing
@testable import Inference

/// The RegimeScalper's default bundles (`Strategies/RegimeScalper/models/`, made by
/// `Tuning/models/train_defaults.sh`): each loads against the live schema and reproduces the outputs PyTorch
/// computed at export time (`reference_*.npy` beside the bundle), so a broken loader or a stale bundle fails.
@Suite struct DefaultBundlesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let models = root.appendingPathComponent("Strategies/RegimeScalper/models").path

    /// The live feature schema of the default analytics config (what the engine checks bundles against).
    static var liveSchema: ExpectedFeatureSchema {
        let c = AnalyticsConfig()
        let (_, schema) = FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0)
        return ExpectedFeatureSchema(id: schema.id, version: schema.version, names: schema.names)
    }

    /// The observation `RegimeScalperCore.ppoSize` builds, in its order.
    static let ppoObservation = ExpectedFeatureSchema(
        id: "hft.regime_scalper.ppo_observation", version: 1,
        names: ["signal", "regime_ranging", "regime_trending", "regime_volatile", "position_share", "rv_percentile", "efficiency_ratio", "spread_regime"])

    static func reference(_ arch: String, _ name: String) throws -> NpyArray {
        try NpyArray(contentsOf: "\(models)/\(arch)/reference_\(name).npy")
    }

    /// `|a − r| ≤ 1e-5 · max(|r|, max |reference|)` element-wise: relative to the output's own scale, which
    /// for a log-return head is ~1e-4, so an absolute floor would hide everything.
    static func expectClose(_ actual: [Float], _ reference: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == reference.count, "\(what): length", sourceLocation: sourceLocation)
        let scale = reference.map(abs).max() ?? 0
        var worst: Float = 0
        for (a, r) in zip(actual, reference) {
            #expect(a.isFinite, "\(what): \(a) is not finite", sourceLocation: sourceLocation)
            let err = abs(a - r)
            worst = max(worst, err / max(scale, .leastNormalMagnitude))
            if !(err <= 1e-5 * max(abs(r), scale)) {
                Issue.record("\(what): \(a) vs PyTorch \(r) (error \(err), output scale \(scale))", sourceLocation: sourceLocation)
                return
            }
        }
        print("default bundle \(what): \(actual.count) values, max error / output scale \(worst)")
    }

    @Test func tcnMatchesPyTorchFullWindowAndStreaming() throws {
        let bundle = try ModelBundle(directory: Self.models + "/tcn", expecting: Self.liveSchema)
        let x = try Self.reference("tcn", "input"), ref = try Self.reference("tcn", "output").floats
        let (batch, features, steps) = (x.shape[0], x.shape[1], x.shape[2])
        var model = try TCNModel(bundle: bundle, maxWindow: steps)
        #expect(model.outputCount == 1 && model.inputCount == features && model.receptiveField <= steps)
        let input = x.floats
        var window = [Float](repeating: 0, count: batch), streamed = window
        var column = [Float](repeating: 0, count: features)
        for b in 0..<batch {
            let row = Array(input[(b * features * steps)..<((b + 1) * features * steps)])
            row.withUnsafeBufferPointer { p in window.withUnsafeMutableBufferPointer { model.forward(window: p.baseAddress!, steps: steps, logits: $0.baseAddress! + b) } }
            model.reset()
            for t in 0..<steps {
                for c in 0..<features { column[c] = row[c * steps + t] }
                column.withUnsafeBufferPointer { p in streamed.withUnsafeMutableBufferPointer { model.step(p.baseAddress!, logits: $0.baseAddress! + b) } }
            }
        }
        Self.expectClose(window, ref, "tcn full window")
        Self.expectClose(streamed, ref, "tcn streaming")
        Self.expectLogReturns(ref)
    }

    @Test func tabnetRegressionHeadMatchesPyTorch() throws {
        let bundle = try ModelBundle(directory: Self.models + "/tabnet", expecting: Self.liveSchema)
        var model = try TabNetModel(bundle: bundle)
        #expect(model.outputCount == 1)
        let x = try Self.reference("tabnet", "input"), ref = try Self.reference("tabnet", "output").floats
        let n = x.shape[1]
        #expect(n == model.inputCount)
        let input = x.floats
        var out = [Float](repeating: 0, count: x.shape[0])
        for b in 0..<x.shape[0] {
            Array(input[(b * n)..<((b + 1) * n)]).withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { model.predict(p.baseAddress!, logits: $0.baseAddress! + b, masks: nil) }
            }
        }
        Self.expectClose(out, ref, "tabnet")
        Self.expectLogReturns(ref)
    }

    @Test func evaluationOfARegressionHeadHasNoClassOutputs() throws {
        let bundle = try ModelBundle(directory: Self.models + "/tabnet")
        let out = try ModelEvaluation.evaluate(bundle, input: Self.reference("tabnet", "input"))
        #expect(Set(out.keys) == ["logits", "masks"])
        Self.expectClose(try #require(out["logits"]).floats, try Self.reference("tabnet", "output").floats, "tabnet via ModelEvaluation")
    }

    @Test func ppoPolicyMatchesStableBaselines3() throws {
        #expect(throws: ModelLoadError.self) { _ = try ModelBundle(directory: Self.models + "/ppo", expecting: Self.liveSchema) }
        let bundle = try ModelBundle(directory: Self.models + "/ppo", expecting: Self.ppoObservation)
        var policy = try PPOPolicy(bundle: bundle)
        #expect(!policy.discrete && policy.actionCount == 2 && policy.inputCount == 8)
        let x = try Self.reference("ppo", "input"), mean = try Self.reference("ppo", "output").floats
        let values = try Self.reference("ppo", "values").floats
        let input = x.floats
        var head = [Float](repeating: 0, count: 2 * x.shape[0]), v = [Float](repeating: 0, count: x.shape[0])
        var actions = head
        for b in 0..<x.shape[0] {
            head.withUnsafeMutableBufferPointer { h in
                v[b] = Array(input[(b * 8)..<((b + 1) * 8)]).withUnsafeBufferPointer { policy.evaluate($0.baseAddress!, head: h.baseAddress! + 2 * b) }
                actions.withUnsafeMutableBufferPointer { policy.boxAction(h.baseAddress! + 2 * b, into: $0.baseAddress! + 2 * b) }
            }
        }
        Self.expectClose(head, mean, "ppo mean actions")
        Self.expectClose(v, values, "ppo values")
        for b in 0..<x.shape[0] {
            #expect((0...1).contains(actions[2 * b]) && (-1...1).contains(actions[2 * b + 1]))
        }
    }

    @Test func bundlesStaySmall() throws {
        var total = 0
        for arch in ["tcn", "tabnet", "ppo"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: "\(Self.models)/\(arch)") {
                total += try FileManager.default.attributesOfItem(atPath: "\(Self.models)/\(arch)/\(file)")[.size] as? Int ?? 0
            }
        }
        #expect(total > 0 && total < 300_000, "default bundles take \(total) bytes")
    }

    /// The heads output log returns over a few seconds (the training target's scale folded in): small,
    /// not standardised units of order 1.
    static func expectLogReturns(_ outputs: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        let m = outputs.map(abs).max() ?? 0
        #expect(m > 0 && m < 0.01, "outputs \(outputs) are not log returns", sourceLocation: sourceLocation)
    }
}
