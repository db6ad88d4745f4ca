import CSystemShims

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI, ext4 and LevelDB.
/// Check value: `CRC32C.checksum("123456789") == 0xE3069283`.
///
/// Uses the SSE4.2 `crc32` instruction (8 bytes per step, ≈ 1 byte/cycle·8) when the CPU has it,
/// else a 256-entry table (≈ 1 byte per step).
public enum CRC32C {
    /// Whether the hardware path is used (decided once).
    public static let usesHardware: Bool = hft_cpu_has_sse42()

    /// The 256-entry table for the software path.
    @usableFromInline
    static let table: [UInt32] = (0..<256).map { (i: Int) -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// CRC-32C of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// CRC-32C of a string's UTF-8 bytes (tests and tools).
    public static func checksum(_ string: String) -> UInt32 {
        var s = string
        return s.withUTF8 { checksum(UnsafeRawBufferPointer($0)) }
    }

    /// Continues `crc` (a previous result, 0 to start) over `bytes`: `update(update(0, a), b) == checksum(a + b)`.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        if usesHardware {
            // SAFETY: `base` points at `bytes.count` readable bytes for the duration of the call.
            return ~hft_crc32c_sse42(~crc, base, bytes.count)
        }
        return ~software(~crc, bytes)
    }

    /// The table path on the non-inverted running value (exposed for tests that compare both paths).
    public static func software(_ running: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = running
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c
    }

    /// The hardware path on the non-inverted running value (only when `usesHardware`).
    public static func hardware(_ running: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return running }
        // SAFETY: as in `update`.
        return hft_crc32c_sse42(running, base, bytes.count)
    }
}
