import HFTPrimitives

extension JSONCursor {
    /// Decodes the quoted non-negative decimal whose opening quote is at `quote`, eight bytes at a
    /// time; returns the value at `places` and the position after the closing quote, or nil when
    /// the text is not on the fast path (then the caller uses `readDecimal`, i.e. `DecimalParser`).
    ///
    /// Fast path: the shape venues send — at most 15 characters, at most 8 integer digits, an
    /// optional point and at most `places` (≤ 8) fraction digits — where the value cannot overflow
    /// (`integer digits + places ≤ 18`). Signs, long strings, extra trailing zeros and escapes
    /// return nil. Where it answers, the result equals `DecimalParser`'s (checked over generated
    /// strings by `ParserFastDecimalTests`). `scale` must be `scaleMultiplier(places:)`.
    /// - Precondition: at least 32 readable bytes from `quote` (the caller checks).
    /// - Complexity: O(1), no branch per digit.
    @inline(always)
    static func fastDecimal(_ quote: UnsafePointer<UInt8>, places: Int, scale: UInt64) -> (Int64, UnsafePointer<UInt8>)? {
        // SAFETY: reads s[0..<16], below quote + 17 < quote + 32.
        let s = UnsafeRawPointer(quote + 1)
        // The closing quote within 16 bytes is the only work on the position's dependency chain
        // (level after level, string after string), so it is kept to a load, a subtract, a mask
        // and a bit scan: the first byte below '-' (or from 0xAD up) ends the text; it must be the
        // quote, every byte before it is then no quote, and the checks below refuse anything else.
        // Which word holds it is a branch, predictable because a venue's strings keep their length.
        let w0 = load64(s)
        let stops0 = (w0 &- 0x2D2D_2D2D_2D2D_2D2D) & 0x8080_8080_8080_8080
        let closing: Int
        if stops0 != 0 {
            closing = stops0.trailingZeroBitCount &>> 3
        } else {
            let stops1 = (load64(s + 8) &- 0x2D2D_2D2D_2D2D_2D2D) & 0x8080_8080_8080_8080
            guard stops1 != 0 else { return nil }
            closing = 8 &+ (stops1.trailingZeroBitCount &>> 3)
        }
        // SAFETY: closing < 16 and the first non-digit below is at most at 8.
        guard quote[closing &+ 1] == UInt8(ascii: "\"") else { return nil }
        // The integer digits are every byte before the first non-digit (0...8 of them, all digits by
        // construction); that byte must be the point, or the closing quote (no point).
        let integerDigits = nonDigits(w0).trailingZeroBitCount &>> 3
        var fractionDigits = 0
        if integerDigits != closing {
            guard quote[integerDigits &+ 1] == UInt8(ascii: ".") else { return nil }
            fractionDigits = closing &- integerDigits &- 1
        }
        guard fractionDigits <= places, integerDigits &+ fractionDigits > 0 else { return nil }
        // Short form (USD-M prices and sizes): the string within w0 and integer digits + places <= 8.
        // The point is squeezed out, and the digits are placed so that the zero bytes after them
        // stand for the missing fraction digits: one eight-digit conversion, no scale multiply.
        if closing <= 8 && integerDigits &+ places <= 8 {
            let digitCount = integerDigits &+ fractionDigits
            let pointMask = lowBytes(integerDigits)
            let digits = ((w0 & pointMask) | ((w0 &>> 8) & ~pointMask)) & lowBytes(digitCount)
            guard nonDigits(digits) & lowBytes(digitCount) == 0 else { return nil }
            let shift = UInt64(truncatingIfNeeded: 8 &- integerDigits &- places) &* 8
            return (Int64(truncatingIfNeeded: eightDigits(digits &<< shift)), quote + (closing &+ 2))
        }
        guard places <= 8 else { return nil }
        // Long form: the integer digits moved to the top of w0 (the zero bytes below act as leading
        // zeros; two shifts so that 0 digits shifts by 64). The fraction digits are the last bytes
        // before the quote: a word ending there, moved down so that they start at digit 8 - places
        // with zero bytes after them for the missing fraction digits, and masked to `places` digits.
        let integerShift = UInt64(truncatingIfNeeded: 8 &- integerDigits) &* 4
        let integer = eightDigits((w0 &<< integerShift) &<< integerShift)
        // SAFETY: closing >= 8 reads s[closing - 8 ..< closing], within s[0..<16].
        let tail = closing >= 8 ? load64(s + (closing &- 8)) : w0 &<< (UInt64(truncatingIfNeeded: 8 &- closing) &* 8)
        let down = UInt64(truncatingIfNeeded: places &- fractionDigits) &* 4
        let placesMask = ~lowBytes(8 &- places)
        guard ((digitBytesViolations(tail) &>> down) &>> down) & placesMask == 0 else { return nil }
        let fraction = eightDigits(((tail &>> down) &>> down) & placesMask)
        // Cannot overflow: integer < 10^8 and scale <= 10^8.
        return (Int64(truncatingIfNeeded: integer &* scale &+ fraction), quote + (closing &+ 2))
    }

    /// Non-zero in every byte of `v` that is not an ASCII digit and zero in every digit byte, with no
    /// carry between bytes (so exact in every byte, unlike `nonDigits`).
    @inline(always)
    static func digitBytesViolations(_ v: UInt64) -> UInt64 {
        ((v & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030) | (((v & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010)
    }

    /// 10^places for the scales the fast path takes (0...8); 0 otherwise (the fast path refuses those).
    @inline(always)
    static func scaleMultiplier(places: Int) -> UInt64 {
        guard places >= 0 && places <= 8 else { return 0 }
        var m: UInt64 = 1
        var i = 0
        while i < places {
            m &*= 10
            i &+= 1
        }
        return m
    }

    /// The 8 bytes at `p` as a little-endian word, any alignment (LLVM folds this into one load).
    @inline(always)
    static func load64(_ p: UnsafeRawPointer) -> UInt64 {
        // SAFETY: the callers guarantee 8 readable bytes at p.
        let b = p.assumingMemoryBound(to: UInt8.self)
        return UInt64(b[0]) | UInt64(b[1]) &<< 8 | UInt64(b[2]) &<< 16 | UInt64(b[3]) &<< 24
            | UInt64(b[4]) &<< 32 | UInt64(b[5]) &<< 40 | UInt64(b[6]) &<< 48 | UInt64(b[7]) &<< 56
    }

    /// 0x80 in every byte of `v` that is zero (exact up to and including the lowest zero byte).
    @inline(always)
    static func zeroBytes(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    /// 0x80 in every byte that is not an ASCII digit (exact up to and including the lowest such byte).
    @inline(always)
    static func nonDigits(_ v: UInt64) -> UInt64 {
        ((v &+ 0x4646_4646_4646_4646) | (v &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
    }

    /// A mask of the lowest `n` bytes (0...8), branch-free (two shifts so that n = 8 wraps to all ones).
    @inline(always)
    static func lowBytes(_ n: Int) -> UInt64 {
        let half = UInt64(truncatingIfNeeded: n) &* 4
        return ((UInt64(1) &<< half) &<< half) &- 1
    }

    /// The value of eight ASCII digits (zero bytes read as 0) in `v`, the lowest byte most significant.
    @inline(always)
    static func eightDigits(_ v: UInt64) -> UInt64 {
        var x = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
        x = ((x & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((x & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }
}
