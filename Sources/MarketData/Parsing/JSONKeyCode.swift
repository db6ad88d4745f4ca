/// Object keys of 2...8 bytes packed little-endian, as `JSONCursor.readKey` packs them (checked by
/// `ParserKeyCodeTests`). Single-byte keys are matched on their ASCII value directly.
@usableFromInline
enum JSONKeyCode {
    static let pu: UInt64 = 0x7570
    static let id: UInt64 = 0x6469
    static let op: UInt64 = 0x706F
    static let ts: UInt64 = 0x7374
    static let BT: UInt64 = 0x5442
    static let cts: UInt64 = 0x73_7463
    static let seq: UInt64 = 0x71_6573
    static let data: UInt64 = 0x6174_6164
    static let bids: UInt64 = 0x7364_6962
    static let asks: UInt64 = 0x736B_7361
    static let type: UInt64 = 0x6570_7974
    static let topic: UInt64 = 0x63_6970_6F74
    static let error: UInt64 = 0x72_6F72_7265
    static let stream: UInt64 = 0x6D61_6572_7473
    static let result: UInt64 = 0x746C_7573_6572
    static let success: UInt64 = 0x73_7365_6363_7573
    static let retMsg: UInt64 = 0x67_736D_5F74_6572
    /// `lastUpdateId`: first eight bytes, then the remaining four.
    static let lastUpdateIdHead: UInt64 = 0x6164_7055_7473_616C
    static let lastUpdateIdTail: UInt64 = 0x6449_6574
}

/// Byte-string equality against a literal (no allocation: `StaticString` points at constant data).
@inline(__always)
func bytesEqual(_ start: UnsafePointer<UInt8>, _ count: Int, _ literal: StaticString) -> Bool {
    guard count == literal.utf8CodeUnitCount else { return false }
    // SAFETY: both ranges hold `count` readable bytes.
    let l = literal.utf8Start
    if count >= 8 && count <= 16 {
        // Two overlapping words cover all 8...16 bytes of each side.
        return JSONCursor.load64(UnsafeRawPointer(start)) == JSONCursor.load64(UnsafeRawPointer(l))
            && JSONCursor.load64(UnsafeRawPointer(start + (count &- 8))) == JSONCursor.load64(UnsafeRawPointer(l + (count &- 8)))
    }
    var i = 0
    while i < count {
        if start[i] != l[i] { return false }
        i &+= 1
    }
    return true
}

/// True when the `count` bytes at `start` begin with `prefix`.
@inline(__always)
func bytesHavePrefix(_ start: UnsafePointer<UInt8>, _ count: Int, _ prefix: StaticString) -> Bool {
    count >= prefix.utf8CodeUnitCount && bytesEqual(start, prefix.utf8CodeUnitCount, prefix)
}
