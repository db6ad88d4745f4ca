/// Element types of a safetensors file that convert to `Float` at load.
public enum SafeTensorsDType: String, Sendable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteWidth: Int { self == .f32 ? 4 : 2 }

    /// Byte width of any dtype string the format defines, so byte counts can be checked for tensors we do
    /// not convert (e.g. BatchNorm's `num_batches_tracked`, an I64); `nil` for an unknown dtype.
    static func byteWidth(of name: String) -> Int? {
        switch name {
        case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2": return 1
        case "U16", "I16", "F16", "BF16": return 2
        case "U32", "I32", "F32": return 4
        case "U64", "I64", "F64": return 8
        default: return nil
        }
    }

    /// IEEE half (binary16) bits to `Float`, exact (every half is a float), subnormals and NaN included.
    @inlinable
    public static func float(fromHalfBits h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = UInt32(h >> 10) & 0x1f
        let man = UInt32(h & 0x3ff)
        if exp == 0 {
            // Zero or subnormal: man * 2^-24, exact in Float.
            let v = Float(man) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -v : v
        }
        if exp == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | (man << 13)) }
        return Float(bitPattern: sign | ((exp + 112) << 23) | (man << 13))
    }

    /// bfloat16 bits to `Float`: the upper half of the float's bits, exact.
    @inlinable
    public static func float(fromBFloat16Bits b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }
}
