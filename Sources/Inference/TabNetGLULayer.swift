/// One pytorch-tabnet `GLU_Layer` with its ghost batch norm folded into the linear map (eval mode: running
/// statistics): `z = BN(fc(x))`, `glu = z[:od] · σ(z[od:])`; inside a `GLU_Block` every layer but the block's
/// first adds its input and scales by √0.5.
@frozen
public struct TabNetGLULayer {
    @usableFromInline let linear: PackedLinear
    @usableFromInline let width: Int
    @usableFromInline let residual: Bool

    /// `h = glu(x)` or `h = (h + glu(h)) · √0.5` (then `x` is `h`). `z` is scratch of `2 · width` floats.
    @inlinable
    func apply(_ x: UnsafePointer<Float>, scratch z: UnsafeMutablePointer<Float>, into h: UnsafeMutablePointer<Float>) {
        linear.apply(x, into: z)
        DenseKernels.glu(z, width: width, residual: residual, scale: Float(0.5).squareRoot(), into: h)
    }
}
