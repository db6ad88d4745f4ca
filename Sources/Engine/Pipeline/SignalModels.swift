#if canImport(Glibc)
import Glibc
#endif
import Inference

/// The models the Signals stage runs on each tick: a streaming TCN per instrument (its dilated
/// cache is per stream) and one TabNet, both optional. Outputs become `hft_market_view`
/// model slots: a one-output model is read as the expected mid log return; a classifier's
/// (down, flat, up) logits as `(p_up − p_down) × classReturnScale`.
final class SignalModels {
    let tcn: UnsafeMutablePointer<TCNModel>?
    let tcnCount: Int
    let tabnet: UnsafeMutablePointer<TabNetModel>?
    let classReturnScale: Float
    /// Scratch: the feature vector as Float, logits.
    let input: UnsafeMutablePointer<Float>
    let inputCount: Int
    let logits: UnsafeMutablePointer<Float>
    let logitCapacity = 16
    /// Where `warmTabNet` writes (never read).
    let warmLogits: UnsafeMutablePointer<Float>
    /// Ticks where a model was skipped because a feature was not finite (warm-up).
    var skippedNonFinite: UInt64 = 0

    /// - Parameters:
    ///   - tcnBundle, tabnetBundle: loaded and checked against the live schema by the caller.
    init(tcnBundle: ModelBundle?, tabnetBundle: ModelBundle?, instruments: Int, featureCount: Int, classReturnScale: Float) throws {
        if let tcnBundle {
            let p = UnsafeMutablePointer<TCNModel>.allocate(capacity: instruments)
            for i in 0..<instruments { (p + i).initialize(to: try TCNModel(bundle: tcnBundle)) }
            tcn = p
            tcnCount = instruments
            guard p[0].outputCount <= logitCapacity else { throw ModelLoadError.unsupported("TCN with more than 16 outputs") }
        } else {
            tcn = nil
            tcnCount = 0
        }
        if let tabnetBundle {
            let p = UnsafeMutablePointer<TabNetModel>.allocate(capacity: 1)
            p.initialize(to: try TabNetModel(bundle: tabnetBundle))
            tabnet = p
            guard p[0].outputCount <= logitCapacity else { throw ModelLoadError.unsupported("TabNet with more than 16 outputs") }
        } else {
            tabnet = nil
        }
        self.classReturnScale = classReturnScale
        inputCount = featureCount
        input = .allocate(capacity: max(1, featureCount))
        input.initialize(repeating: 0, count: max(1, featureCount))
        logits = .allocate(capacity: logitCapacity)
        warmLogits = .allocate(capacity: logitCapacity)
    }

    deinit {
        if let tcn { tcn.deinitialize(count: tcnCount); tcn.deallocate() }
        if let tabnet { tabnet.deinitialize(count: 1); tabnet.deallocate() }
        input.deallocate()
        logits.deallocate()
        warmLogits.deallocate()
    }

    /// Copies `features` into the Float input; false when one is not finite (models are skipped).
    @inline(__always)
    func load(_ features: UnsafePointer<Double>) -> Bool {
        for k in 0..<inputCount {
            let v = features[k]
            guard v.isFinite else { skippedNonFinite &+= 1; return false }
            input[k] = Float(v)
        }
        return true
    }

    /// One TCN streaming step for instrument `i` on the loaded input.
    @inline(__always)
    func stepTCN(_ i: Int) -> Float {
        guard let tcn, i < tcnCount else { return .nan }
        tcn[i].step(input, logits: logits)
        return value(count: tcn[i].outputCount)
    }

    /// One TabNet pass on the loaded input.
    @inline(__always)
    func predictTabNet() -> Float {
        guard let tabnet else { return .nan }
        tabnet[0].predict(input, logits: logits, masks: nil)
        return value(count: tabnet[0].outputCount)
    }

    /// TabNet on the last loaded input (zeros before the first), result discarded: brings its
    /// weights and scratch back into the caches during an idle spell. Changes no state that any
    /// output depends on (`predict` recomputes all of its scratch from the input).
    @inline(never)
    func warmTabNet() {
        guard let tabnet else { return }
        tabnet[0].predict(input, logits: warmLogits, masks: nil)
    }

    @inline(__always)
    func value(count: Int) -> Float {
        if count == 1 { return logits[0] }
        guard count >= 3 else { return .nan }
        // Softmax over (down, flat, up): p_up − p_down.
        var m = logits[0]
        for k in 1..<count where logits[k] > m { m = logits[k] }
        var sum: Float = 0
        for k in 0..<count { sum += expf(logits[k] - m) }
        return (expf(logits[2] - m) - expf(logits[0] - m)) / sum * classReturnScale
    }
}
