import Foundation
import Testing
@testable import Inference

/// The SIMD kernels against plain reference arithmetic.
@Suite struct DenseKernelsTests {
    @Test func tanhAndSigmoidStayWithinTheirErrorBounds() {
        var worstTanh = 0.0, worstSigmoid = 0.0
        var x: Float = -20
        while x <= 20 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0005 })
            let t = DenseKernels.tanh(lanes), s = DenseKernels.sigmoid(lanes)
            for l in 0..<8 {
                let d = Double(lanes[l])
                worstTanh = max(worstTanh, abs(Double(t[l]) - Foundation.tanh(d)))
                worstSigmoid = max(worstSigmoid, abs(Double(s[l]) - 1 / (1 + Foundation.exp(-d))))
            }
            x += 0.004
        }
        #expect(worstTanh < 4e-7)
        #expect(worstSigmoid < 3e-7)
        var buffer: [Float] = (0..<13).map { Float($0) - 6 }
        DenseKernels.tanh(&buffer, count: 13)
        #expect(zip(buffer, (0..<13).map { Foundation.tanh(Double($0) - 6) }).allSatisfy { abs(Double($0) - $1) < 4e-7 })
    }

    @Test(arguments: [(1, 1), (3, 5), (8, 8), (13, 21), (32, 64), (17, 3)])
    func tiledProductMatchesNaive(outputs: Int, inputs: Int) {
        var rng = SystemRandomNumberGenerator()
        let w = (0..<(outputs * inputs)).map { _ in Float.random(in: -1...1, using: &rng) }
        let bias = (0..<paddedTo8(outputs)).map { _ in Float.random(in: -1...1, using: &rng) }
        var x = [Float](repeating: 0, count: paddedTo8(inputs))
        for i in 0..<inputs { x[i] = Float.random(in: -1...1, using: &rng) }
        let packed = DenseKernels.packTiles(w, outputs: outputs, inputs: inputs)
        #expect(packed.count == DenseKernels.tiledCount(outputs: outputs, inputs: inputs))
        var y = [Float](repeating: 99, count: outputs + 8)
        DenseKernels.gemvTiled(packed, outputs: outputs, inputsPadded: paddedTo8(inputs), rows: x, bias: bias, accumulate: false, into: &y)
        for o in 0..<outputs {
            let ref = (0..<inputs).reduce(Double(bias[o])) { $0 + Double(w[o * inputs + $1]) * Double(x[$1]) }
            #expect(abs(Double(y[o]) - ref) < 1e-5, "output \(o)")
        }
        #expect(y[outputs...].allSatisfy { $0 == 99 }, "writes exactly `outputs` floats")
        let once = Array(y[0..<outputs])
        DenseKernels.gemvTiled(packed, outputs: outputs, inputsPadded: paddedTo8(inputs), rows: x, bias: nil, accumulate: true, into: &y)
        for o in 0..<outputs { #expect(abs(y[o] - (once[o] + (once[o] - bias[o]))) < 1e-5) }
    }

    @Test func sparseMasksMatchHandComputedValues() {
        var scratch = [Float](repeating: 0, count: 8)
        var z: [Float] = [1, 1, 1, 1]
        SparseMasks.sparsemax(&z, count: 4, scratch: &scratch)
        #expect(z == [0.25, 0.25, 0.25, 0.25])
        var e: [Float] = [10, 0, 0, 0]
        SparseMasks.entmax15(&e, count: 4, scratch: &scratch)
        #expect(e == [1, 0, 0, 0])
    }
}
