import HFTPrimitives

/// Maps venue symbols to instruments, matching bytes case-insensitively (ASCII): Binance stream
/// names are lower case while `s` is upper case.
///
/// Built once at start-up (allocates); `lookup` is allocation-free: an open-addressing table of
/// symbols packed into four 64-bit words each, at most half full.
public struct SymbolTable: Sendable {
    /// The longest symbol the table holds, in bytes.
    public static let maxSymbolLength = 32

    /// The instruments in insertion order.
    public let specs: [InstrumentSpec]
    /// Four packed upper-cased words per slot.
    @usableFromInline let words: [UInt64]
    /// Symbol length per slot; 0 marks an empty slot.
    @usableFromInline let lengths: [UInt8]
    /// Index into `specs` per slot.
    @usableFromInline let specIndex: [Int32]
    @usableFromInline let mask: Int

    /// - Precondition: every symbol is 1...32 ASCII bytes and unique ignoring ASCII case.
    public init(_ entries: [(symbol: String, spec: InstrumentSpec)]) {
        var slots = 16
        while slots < entries.count * 2 { slots *= 2 }
        var words = [UInt64](repeating: 0, count: slots * 4)
        var lengths = [UInt8](repeating: 0, count: slots)
        var specIndex = [Int32](repeating: -1, count: slots)
        for (n, entry) in entries.enumerated() {
            let bytes = Array(entry.symbol.utf8)
            precondition(!bytes.isEmpty && bytes.count <= SymbolTable.maxSymbolLength && bytes.allSatisfy { $0 < 0x80 },
                         "symbol must be 1...32 ASCII bytes: \(entry.symbol)")
            let key = bytes.withUnsafeBufferPointer { SymbolTable.pack(UnsafeRawBufferPointer($0)) }
            var slot = Int(truncatingIfNeeded: SymbolTable.hash(key)) & (slots - 1)
            while lengths[slot] != 0 {
                precondition(!(Int(lengths[slot]) == bytes.count && words[slot * 4] == key.0 && words[slot * 4 + 1] == key.1
                    && words[slot * 4 + 2] == key.2 && words[slot * 4 + 3] == key.3), "duplicate symbol \(entry.symbol)")
                slot = (slot + 1) & (slots - 1)
            }
            words[slot * 4] = key.0
            words[slot * 4 + 1] = key.1
            words[slot * 4 + 2] = key.2
            words[slot * 4 + 3] = key.3
            lengths[slot] = UInt8(bytes.count)
            specIndex[slot] = Int32(n)
        }
        self.specs = entries.map(\.spec)
        self.words = words
        self.lengths = lengths
        self.specIndex = specIndex
        self.mask = slots - 1
    }

    /// The instrument for `bytes` (any ASCII case), or nil when unknown or longer than 32 bytes.
    /// - Complexity: O(length) plus an expected O(1) probe; no allocation.
    @inlinable
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> InstrumentSpec? {
        let count = bytes.count
        guard count > 0 && count <= SymbolTable.maxSymbolLength else { return nil }
        let key = SymbolTable.pack(bytes)
        var slot = Int(truncatingIfNeeded: SymbolTable.hash(key)) & mask
        return words.withUnsafeBufferPointer { w in
            lengths.withUnsafeBufferPointer { l in
                // SAFETY: slot is masked to the table size; w has 4 words per slot; the table is at most
                // half full, so the probe meets an empty slot (length 0) and terminates.
                while true {
                    let length = Int(l[slot])
                    if length == 0 { return nil }
                    let base = slot &* 4
                    if length == count && w[base] == key.0 && w[base &+ 1] == key.1 && w[base &+ 2] == key.2 && w[base &+ 3] == key.3 {
                        return specs[Int(specIndex[slot])]
                    }
                    slot = (slot &+ 1) & mask
                }
            }
        }
    }

    /// Packs up to 32 bytes, upper-casing ASCII letters, into four little-endian words (zero padded).
    @inlinable
    static func pack(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = 0
        let n = bytes.count
        while i < n {
            var b = bytes[i]
            if b &- 0x61 < 26 { b &-= 0x20 }
            let v = UInt64(b) &<< UInt64((i & 7) &* 8)
            switch i >> 3 {
            case 0: out.0 |= v
            case 1: out.1 |= v
            case 2: out.2 |= v
            default: out.3 |= v
            }
            i &+= 1
        }
        return out
    }

    @inlinable @inline(__always)
    static func hash(_ k: (UInt64, UInt64, UInt64, UInt64)) -> UInt64 {
        var h = k.0 &* 0x9E37_79B9_7F4A_7C15
        h ^= (k.1 &+ 0x632B_E59B_D9B4_E019) &* 0xBF58_476D_1CE4_E5B9
        h ^= (k.2 ^ (k.3 &<< 1)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}
