/// Splits a text buffer into lines (without the `\n` or a trailing `\r`) for the importers. Cold.
struct TextLines: Sequence {
    let bytes: [UInt8]

    struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        var position = 0

        mutating func next() -> Range<Int>? {
            while position < bytes.count {
                let start = position
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                position = end + 1
                var stop = end
                if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
                if stop > start { return start..<stop }
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(bytes: bytes) }
}

/// Byte-level helpers shared by the importers and the recording inspector. Cold.
enum ByteSearch {
    /// Index of the first occurrence of `needle` in `bytes[range]`, or nil.
    static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = bytes.count - needle.count
        outer: while i <= last {
            if bytes[i] == first {
                for j in 1..<needle.count where bytes[i + j] != needle[j] { i += 1; continue outer }
                return i
            }
            i += 1
        }
        return nil
    }

    /// The bytes after `key` up to (excluding) the first byte in `terminators`.
    static func value(after key: [UInt8], in bytes: UnsafeRawBufferPointer, terminators: Set<UInt8> = [0x22]) -> [UInt8]? {
        guard let k = find(key, in: bytes) else { return nil }
        var i = k + key.count
        var out: [UInt8] = []
        while i < bytes.count && !terminators.contains(bytes[i]) { out.append(bytes[i]); i += 1 }
        return i < bytes.count ? out : nil
    }

    /// Parses an unsigned decimal integer.
    static func integer<C: Collection>(_ digits: C) -> Int64? where C.Element == UInt8 {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var v: Int64 = 0
        for c in digits {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 0x30))
            guard !o1 && !o2 else { return nil }
            v = a
        }
        return v
    }

    /// Parses decimal seconds (`1633998512.0633569`) into nanoseconds exactly (fraction truncated to 9 digits).
    static func secondsToNanos<C: Collection>(_ text: C) -> Int64? where C.Element == UInt8 {
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        var fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        for c in text {
            if c == 0x2E {
                if sawPoint { return nil }
                sawPoint = true
                continue
            }
            guard c >= 0x30 && c <= 0x39 else { return nil }
            sawDigit = true
            if sawPoint {
                if fractionDigits < 9 { nanos = nanos * 10 + Int64(c - 0x30); fractionDigits += 1 }
            } else {
                guard seconds < 10_000_000_000 else { return nil }
                seconds = seconds * 10 + Int64(c - 0x30)
            }
        }
        guard sawDigit else { return nil }
        while fractionDigits < 9 { nanos *= 10; fractionDigits += 1 }
        return seconds * 1_000_000_000 + nanos
    }
}
