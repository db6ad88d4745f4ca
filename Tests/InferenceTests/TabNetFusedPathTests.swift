import Foundation
import Testing
@testable import Inference
import HFTTestSupport

/// The fused TabNet path (`predict`: fused GLU kernels, sparse first layers, half last layers) against the
/// layer-by-layer dense computation (`predictUnfused`), bit for bit: outputs and masks, on the default
/// bundle's reference rows, on perturbed and random rows, and on the parity fixtures' models.
@Suite struct TabNetFusedPathTests {
    static let bundle = DefaultBundlesTests.models + "/tabnet"

    /// Runs both paths on every row and expects identical bit patterns; returns the masks' non-zero share.
    @discardableResult
    static func expectBitIdentical(_ model: inout TabNetModel, rows: [[Float]], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) -> Double {
        let fusedPath = model.fused
        #expect(fusedPath, "\(what): the model takes the fused path", sourceLocation: sourceLocation)
        let n = model.inputCount, k = model.outputCount, steps = model.stepCount
        var fast = [Float](repeating: 0, count: k), slow = fast
        var fastMasks = [Float](repeating: .nan, count: steps * n), slowMasks = fastMasks
        var nonZero = 0, total = 0
        for (r, row) in rows.enumerated() {
            #expect(row.count == n)
            row.withUnsafeBufferPointer { x in
                model.predict(x.baseAddress!, logits: &fast, masks: &fastMasks)
                model.predictUnfused(x.baseAddress!, logits: &slow, masks: &slowMasks)
            }
            #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern), "\(what) row \(r): outputs \(fast) vs \(slow)", sourceLocation: sourceLocation)
            #expect(fastMasks.map(\.bitPattern) == slowMasks.map(\.bitPattern), "\(what) row \(r): masks", sourceLocation: sourceLocation)
            // Without masks the fast path computes the same outputs.
            var noMasks = [Float](repeating: 0, count: k)
            row.withUnsafeBufferPointer { model.predict($0.baseAddress!, logits: &noMasks, masks: nil) }
            #expect(noMasks.map(\.bitPattern) == slow.map(\.bitPattern), "\(what) row \(r): outputs without masks", sourceLocation: sourceLocation)
            nonZero += fastMasks.filter { $0 != 0 }.count
            total += fastMasks.count
        }
        return Double(nonZero) / Double(max(total, 1))
    }

    static func referenceRows() throws -> [[Float]] {
        let x = try NpyArray(contentsOf: bundle + "/reference_input.npy")
        let n = x.shape[1], v = x.floats
        return (0..<x.shape[0]).map { Array(v[($0 * n)..<(($0 + 1) * n)]) }
    }

    @Test func defaultBundleReferenceRowsAreBitIdentical() throws {
        var model = try TabNetModel(bundle: try ModelBundle(directory: Self.bundle))
        let share = Self.expectBitIdentical(&model, rows: try Self.referenceRows(), "default bundle reference")
        // The sparse first layers are exercised: most mask entries are exact zeros.
        #expect(share > 0 && share < 0.25, "mask non-zero share \(share)")
    }

    /// The reference rows with every feature scaled and shifted at random (same scale as live features,
    /// different masks), rows with zeros and signed zeros, and rows far outside the normaliser's clip.
    @Test func defaultBundlePerturbedAndRandomRowsAreBitIdentical() throws {
        var model = try TabNetModel(bundle: try ModelBundle(directory: Self.bundle))
        let base = try Self.referenceRows()
        var rng = SplitMix64(seed: 0x7AB_0E7)
        var rows: [[Float]] = []
        for r in 0..<600 {
            let b = base[r % base.count]
            switch r % 6 {
            case 0: rows.append(b.map { $0 * Float.random(in: 0.5...1.5, using: &rng) + Float.random(in: -0.1...0.1, using: &rng) })
            case 1: rows.append(b.map { $0 * Float.random(in: -3...3, using: &rng) })
            case 2: rows.append(b.map { _ in Float.random(in: -1000...1000, using: &rng) })
            case 3: rows.append(b.map { Bool.random(using: &rng) ? 0 : $0 })
            case 4: rows.append(b.map { Bool.random(using: &rng) ? -0.0 : $0 * Float.random(in: 0.9...1.1, using: &rng) })
            default: rows.append(b.map { $0 * Float.random(in: -1e6...1e6, using: &rng) })
            }
        }
        Self.expectBitIdentical(&model, rows: rows, "default bundle perturbed")
    }

    @Test(arguments: ["tabnet_sparsemax", "tabnet_entmax"])
    func fixtureModelsAreBitIdentical(name: String) throws {
        let params = try Fixture.config(name, .tabnet).decodeParams(TabNetParams.self)
        let x = try Fixture.array(name, "x")
        let n = x.shape[1], v = x.floats
        var rows = (0..<x.shape[0]).map { Array(v[($0 * n)..<(($0 + 1) * n)]) }
        var rng = SplitMix64(seed: 0xF1_C5)
        for _ in 0..<300 { rows.append((0..<n).map { _ in Float.random(in: -4...4, using: &rng) }) }
        for weights in try Fixture.weights(name) {
            var model = try TabNetModel(params: params, weights: weights)
            Self.expectBitIdentical(&model, rows: rows, name)
        }
    }

    /// The kernels alone on random weights: `gluTiled` (every pair subset, residual or not, 16 and 24 wide)
    /// and `gluTiledSparse` (random supports, signed-zero values left out) against `gemvTiled` + `glu`.
    @Test(arguments: [(16, 57), (16, 16), (24, 24), (24, 13), (8, 32)])
    func fusedKernelsMatchGemvAndGlu(width: Int, inputs: Int) {
        var rng = SplitMix64(seed: UInt64(width * 1000 + inputs))
        let outputs = 2 * width, stride = paddedTo8(inputs)
        let w = DenseKernels.packTiles((0..<(outputs * inputs)).map { _ in Float.random(in: -1...1, using: &rng) }, outputs: outputs, inputs: inputs)
        let scale = (0..<outputs).map { _ in Float.random(in: 0.2...3, using: &rng) }
        let shift = (0..<outputs).map { _ in Float.random(in: -1...1, using: &rng) }
        let rs = Float(0.5).squareRoot()
        for trial in 0..<200 {
            var x = [Float](repeating: 0, count: stride)
            for i in 0..<inputs where trial % 2 == 0 || Int.random(in: 0..<5, using: &rng) == 0 {
                x[i] = Float.random(in: -2...2, using: &rng) * (trial % 3 == 0 ? 1e-3 : 1)
                if Int.random(in: 0..<7, using: &rng) == 0 { x[i] = -0.0 }
            }
            let residual = inputs == width && trial % 4 != 0
            var z = [Float](repeating: 0, count: outputs)
            DenseKernels.gemvTiled(w, outputs: outputs, inputsPadded: stride, rows: x, bias: shift, scale: scale, accumulate: false, into: &z)
            var expected = residual ? Array(x[0..<width]) : [Float](repeating: 0, count: width)
            DenseKernels.glu(z, width: width, residual: residual, scale: rs, into: &expected)
            let lo = Int.random(in: 0..<(width / 8), using: &rng), hi = Int.random(in: (lo + 1)...(width / 8), using: &rng)
            let pairs = trial % 5 == 0 ? lo..<hi : 0..<(width / 8)
            let covered = (pairs.lowerBound * 8)..<(pairs.upperBound * 8)
            var fused = [Float](repeating: .nan, count: width)
            DenseKernels.gluTiled(w, width: width, inputsPadded: stride, inputsUsed: inputs, x: x, scale: scale, shift: shift,
                                  residual: residual, residualScale: rs, pairs: pairs, into: &fused)
            #expect(fused[covered].map(\.bitPattern) == expected[covered].map(\.bitPattern), "dense trial \(trial)")
            #expect(fused.indices.filter { !covered.contains($0) }.allSatisfy { fused[$0].isNaN }, "writes only the pairs asked for")
            guard !residual else { continue }
            let support = (0..<inputs).filter { x[$0] != 0 }
            var sparse = [Float](repeating: .nan, count: width)
            var partials = [Float](repeating: .nan, count: 4 * outputs)
            DenseKernels.gluTiledSparse(w, width: width, inputsPadded: stride, indices: support.map { Int32($0) }, values: support.map { x[$0] },
                                        count: support.count, partials: &partials, scale: scale, shift: shift, pairs: pairs, into: &sparse)
            #expect(sparse[covered].map(\.bitPattern) == expected[covered].map(\.bitPattern), "sparse trial \(trial), \(support.count) of \(inputs) inputs")
        }
    }
}

/// `SparseMasks.sparsemax` (candidates cut by `candidateBound` before the sort) against the previous
/// implementation, which sorted every value above −1: bit for bit, on vectors with many candidates.
@Suite struct TabNetSparsemaxBoundTests {
    /// The previous `SparseMasks.sparsemax`, verbatim but for names.
    static func sortingEveryCandidate(_ z: inout [Float]) {
        let n = z.count
        let m = z.max()!
        for i in 0..<n { z[i] -= m }
        var srt = z.filter { $0 > -1 }
        let k = srt.count
        for i in 1..<max(k, 1) {
            let v = srt[i]
            var j = i
            while j > 0 && srt[j - 1] < v {
                srt[j] = srt[j - 1]
                j -= 1
            }
            srt[j] = v
        }
        var cum = [Float](repeating: 0, count: max(k, 1))
        var acc: Double = 0
        var support = 0
        for j in 0..<k {
            acc += Double(srt[j])
            cum[j] = Float(acc) - 1
            if Float(j + 1) * srt[j] > cum[j] { support += 1 }
        }
        let tau = cum[max(support, 1) - 1] / Float(max(support, 1))
        for i in 0..<n { let v = z[i] - tau; z[i] = v < 0 ? 0 : v }
    }

    @Test(arguments: [5, 9, 16, 32, 57, 100, 300])
    func matchesSortingEveryCandidate(n: Int) {
        var rng = SplitMix64(seed: UInt64(n) &* 0x9E37)
        var scratch = [Float](repeating: 0, count: 2 * n)
        var manyCandidates = 0
        for trial in 0..<2000 {
            let spread: Float = [0.05, 0.3, 1, 3, 20][trial % 5]
            var z = (0..<n).map { _ in Float.random(in: -spread...spread, using: &rng) }
            if trial % 7 == 0 { for _ in 0..<(n / 3) { z[Int.random(in: 0..<n, using: &rng)] = z[0] } }      // ties
            if trial % 11 == 0 { z[Int.random(in: 0..<n, using: &rng)] += 0.5 }                             // one leader
            if trial % 13 == 0 { for i in 0..<n { z[i] = (z[i] * 64).rounded() / 64 } }                     // exact grid
            var expected = z
            Self.sortingEveryCandidate(&expected)
            var got = z
            SparseMasks.sparsemax(&got, count: n, scratch: &scratch)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "n \(n) trial \(trial)")
            let m = z.max()!
            if z.filter({ $0 - m > -1 }).count > 8 { manyCandidates += 1 }
        }
        if n > 8 { #expect(manyCandidates > 500, "the bounded path ran \(manyCandidates) times") }
    }
}
