/// One locuslab `TemporalBlock` packed for inference: two causal dilated convolutions (weight norm folded,
/// `Chomp1d` implied by reading only past rows), ReLUs, and the residual (1×1 `downsample` when the channel
/// counts differ). Plain pointers into the owning `TCNModel`'s arena.
///
/// A convolution with kernel `k` and dilation `d` is `k` taps; tap `j` is an `(cout × padded cin)` matrix that
/// multiplies the input at lag `(k − 1 − j)·d`. Streaming state: `ringInput` (the block's input rows) and
/// `ringHidden` (after conv1 + ReLU), each `slots` rows, `slots` a power of two > `(k − 1)·d`; a row of a
/// time before the last reset is all zeros, which is exactly the zero padding of the PyTorch model.
@frozen
public struct TCNBlock {
    @usableFromInline let conv1: UnsafeMutablePointer<Float>
    @usableFromInline let bias1: UnsafeMutablePointer<Float>
    @usableFromInline let conv2: UnsafeMutablePointer<Float>
    @usableFromInline let bias2: UnsafeMutablePointer<Float>
    @usableFromInline let downsample: PackedLinear?
    @usableFromInline let kernel: Int
    @usableFromInline let dilation: Int
    @usableFromInline let inputs: Int
    @usableFromInline let outputs: Int
    @usableFromInline let inputStride: Int
    @usableFromInline let outputStride: Int
    @usableFromInline let ringInput: UnsafeMutablePointer<Float>
    @usableFromInline let ringHidden: UnsafeMutablePointer<Float>
    @usableFromInline let ringMask: Int
    @usableFromInline let residual: UnsafeMutablePointer<Float>
    @usableFromInline let windowHidden: UnsafeMutablePointer<Float>
    @usableFromInline let windowOutput: UnsafeMutablePointer<Float>

    /// Row of the input ring that holds time `t`.
    @inlinable
    func inputRow(_ t: Int) -> UnsafeMutablePointer<Float> { ringInput + (t & ringMask) * inputStride }

    /// Computes this block's output at time `t` into `out` (`outputStride` floats), reading the input row of
    /// time `t`, already written to the input ring, and the cached rows of earlier times.
    /// - Complexity: k·cout·(cin + cout) multiply-adds, plus cout·cin for the downsample.
    @inlinable
    func step(at t: Int, into out: UnsafeMutablePointer<Float>) {
        let hidden = ringHidden + (t & ringMask) * outputStride
        let tap1 = outputs * inputStride
        let tap2 = outputs * outputStride
        // conv1 over the cached inputs; the first tap starts from the bias.
        for j in 0..<kernel {
            let lag = (kernel - 1 - j) * dilation
            DenseKernels.gemv(conv1 + j * tap1, rows: outputs, colsPadded: inputStride,
                              ringInput + ((t - lag) & ringMask) * inputStride,
                              bias: bias1, accumulate: j != 0, into: hidden)
        }
        DenseKernels.relu(hidden, count: outputs)
        for j in 0..<kernel {
            let lag = (kernel - 1 - j) * dilation
            DenseKernels.gemv(conv2 + j * tap2, rows: outputs, colsPadded: outputStride,
                              ringHidden + ((t - lag) & ringMask) * outputStride,
                              bias: bias2, accumulate: j != 0, into: out)
        }
        DenseKernels.relu(out, count: outputs)
        let x = inputRow(t)
        if let downsample {
            downsample.apply(x, into: residual)
            for i in 0..<outputs { out[i] = max(out[i] + residual[i], 0) }
        } else {
            for i in 0..<outputs { out[i] = max(out[i] + x[i], 0) }
        }
    }

    /// Runs the block over a whole window, time-major: `input` has `steps` rows of `inputStride` floats;
    /// the result is in `windowOutput` (`steps` rows of `outputStride`). Times before 0 read as zeros.
    @inlinable
    func forward(window input: UnsafePointer<Float>, steps: Int) {
        let tap1 = outputs * inputStride
        let tap2 = outputs * outputStride
        for t in 0..<steps {
            let h = windowHidden + t * outputStride
            for i in 0..<outputs { h[i] = bias1[i] }
            for j in 0..<kernel {
                let s = t - (kernel - 1 - j) * dilation
                if s >= 0 {
                    DenseKernels.gemv(conv1 + j * tap1, rows: outputs, colsPadded: inputStride,
                                      input + s * inputStride, bias: nil, accumulate: true, into: h)
                }
            }
            DenseKernels.relu(h, count: outputs)
        }
        for t in 0..<steps {
            let o = windowOutput + t * outputStride
            for i in 0..<outputs { o[i] = bias2[i] }
            for j in 0..<kernel {
                let s = t - (kernel - 1 - j) * dilation
                if s >= 0 {
                    DenseKernels.gemv(conv2 + j * tap2, rows: outputs, colsPadded: outputStride,
                                      windowHidden + s * outputStride, bias: nil, accumulate: true, into: o)
                }
            }
            DenseKernels.relu(o, count: outputs)
            let x = input + t * inputStride
            if let downsample {
                downsample.apply(x, into: residual)
                for i in 0..<outputs { o[i] = max(o[i] + residual[i], 0) }
            } else {
                for i in 0..<outputs { o[i] = max(o[i] + x[i], 0) }
            }
        }
    }

    /// Zeroes the streaming state (the rings), i.e. forgets every time step.
    func resetState() {
        // SAFETY: the rings hold ringMask + 1 rows of their stride each, inside the arena.
        ringInput.update(repeating: 0, count: (ringMask + 1) * inputStride)
        ringHidden.update(repeating: 0, count: (ringMask + 1) * outputStride)
    }
}
