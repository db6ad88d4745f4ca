/// Exact fixed-point → decimal-string conversion (the inverse of `DecimalParser`).
///
/// The canonical form has no trailing fraction zeros and no point for integral values:
/// raw 123400 at 4 places is `"12.34"`; raw −5 at 2 places is `"-0.05"`.
public enum DecimalFormatter {
    /// The most bytes `write` can produce: sign, 19 digits, point, leading `0`.
    public static let maxLength = 22

    /// Writes the canonical decimal of `raw × 10^-places` into `out`, returning the byte count.
    /// - Precondition: `out` has room for `maxLength` bytes.
    /// - Complexity: O(digits), no allocation.
    @inlinable
    public static func write(_ raw: Int64, places: Int, minFractionDigits: Int = 0, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = raw.magnitude
        // Digits in reverse, into a small stack-like buffer (a tuple would also do; 24 bytes on the stack).
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &scratch) { buf -> Int in
            // SAFETY: 24 bytes of scratch hold at most 20 digits.
            let rev = buf.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var n = 0
            repeat {
                rev[n] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
                n &+= 1
            } while magnitude != 0
            // Pad so that there is at least one integral digit.
            while n <= places { rev[n] = 48; n &+= 1 }
            // Drop trailing zeros of the fraction, keeping minFractionDigits.
            var fractionKept = places
            var low = 0
            while fractionKept > minFractionDigits && rev[low] == 48 {
                low &+= 1
                fractionKept &-= 1
            }
            var o = 0
            if raw < 0 { out[o] = UInt8(ascii: "-"); o &+= 1 }
            var k = n &- 1
            while k >= places { out[o] = rev[k]; o &+= 1; k &-= 1 }
            if fractionKept > 0 {
                out[o] = UInt8(ascii: "."); o &+= 1
                while k >= low { out[o] = rev[k]; o &+= 1; k &-= 1 }
            }
            return o
        }
    }

    /// The canonical decimal string (cold path).
    public static func string(_ raw: Int64, places: Int, minFractionDigits: Int = 0) -> String {
        String(unsafeUninitializedCapacity: maxLength) { buffer in
            write(raw, places: places, minFractionDigits: minFractionDigits, into: buffer.baseAddress!)
        }
    }
}
