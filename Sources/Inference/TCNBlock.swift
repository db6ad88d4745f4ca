/// One locuslab `TemporalBlock` packed for inference: two causal dilated convolutions (weight norm folded,
/// `Chomp1d` implied by reading only past rows), ReLUs, and the residual (1×1 `downsample` when the channel
/// counts differ). Plain pointers into the owning `TCNModel`'s arena.
///
/// A convolution with kernel `k` and dilation `d` is `k` taps; tap `j` is a `(cout × cin)` matrix, packed in
/// tiles (`DenseKernels.packTiles`), that multiplies the input at lag `(k − 1 − j)·d`. Streaming state: `ringInput` (the block's input rows) and
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
    /// Floats between two taps of conv1 / conv2 (`DenseKernels.tiledCount`).
    @usableFromInline let tap1: Int
    @usableFromInline let tap2: Int

    /// Row of the input ring that holds time `t`.
    @inlinable
    func inputRow(_ t: Int) -> UnsafeMutablePointer<Float> { ringInput + (t & ringMask) * inputStride }

    /// Computes this block's output at time `t` into `out` (`outputStride` floats), reading the input row of
    /// time `t`, already written to the input ring, and the cached rows of earlier times.
    /// - Complexity: k·cout·(cin + cout) multiply-adds, plus cout·cin for the downsample.
    @inlinable
    func step(at t: Int, into out: UnsafeMutablePointer<Float>) {
        // SAFETY: ring rows are (t − lag) & ringMask < slots; out holds outputStride floats (a ring row of the
        // next block or the model's `last` buffer).
        let hidden = ringHidden + (t & ringMask) * outputStride
        DenseKernels.gemvTiled(conv1, outputs: outputs, inputsPadded: inputStride, taps: kernel, tapStride: tap1,
                               rows: ringInput, time: t, dilation: dilation, mask: ringMask,
                               bias: bias1, accumulate: false, into: hidden)
        DenseKernels.relu(hidden, count: outputs)
        DenseKernels.gemvTiled(conv2, outputs: outputs, inputsPadded: outputStride, taps: kernel, tapStride: tap2,
                               rows: ringHidden, time: t, dilation: dilation, mask: ringMask,
                               bias: bias2, accumulate: false, into: out)
        residual(out, input: inputRow(t))
    }

    /// `out = ReLU(ReLU(out) + res)`, `res` the input or its 1×1 downsample.
    @inlinable
    func residual(_ out: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>) {
        if let downsample {
            downsample.apply(x, into: residual)
            for i in 0..<outputs { out[i] = max(max(out[i], 0) + residual[i], 0) }
        } else {
            for i in 0..<outputs { out[i] = max(max(out[i], 0) + x[i], 0) }
        }
    }

    /// Runs the block over a whole window, time-major: `input` has `steps` rows of `inputStride` floats;
    /// the result is in `windowOutput` (`steps` rows of `outputStride`). Times before 0 read as zeros.
    @inlinable
    func forward(window input: UnsafePointer<Float>, steps: Int) {
        // SAFETY: steps <= the window capacity the buffers were sized for (checked by TCNModel.forward);
        // negative times are skipped, never read.
        for t in 0..<steps {
            let h = windowHidden + t * outputStride
            DenseKernels.gemvTiled(conv1, outputs: outputs, inputsPadded: inputStride, taps: kernel, tapStride: tap1,
                                   rows: input, time: t, dilation: dilation, skipNegative: true,
                                   bias: bias1, accumulate: false, into: h)
            DenseKernels.relu(h, count: outputs)
        }
        for t in 0..<steps {
            let o = windowOutput + t * outputStride
            DenseKernels.gemvTiled(conv2, outputs: outputs, inputsPadded: outputStride, taps: kernel, tapStride: tap2,
                                   rows: windowHidden, time: t, dilation: dilation, skipNegative: true,
                                   bias: bias2, accumulate: false, into: o)
            residual(o, input: input + t * inputStride)
        }
    }

    /// Zeroes the streaming state (the rings), i.e. forgets every time step.
    func resetState() {
        // SAFETY: the rings hold ringMask + 1 rows of their stride each, inside the arena.
        ringInput.update(repeating: 0, count: (ringMask + 1) * inputStride)
        ringHidden.update(repeating: 0, count: (ringMask + 1) * outputStride)
    }
}
