/// The secret that authorizes state-changing control requests, compared in constant time.
struct ControlBearerToken: Sendable {
    private let bytes: [UInt8]

    /// - Throws: `tokenTooShort` under `ControlEndpoint.minimumTokenLength` bytes,
    ///   `tokenNotPrintableASCII` for bytes outside `!`...`~` (they could not travel in a header).
    init(_ token: String) throws(ControlEndpointError) {
        let bytes = Array(token.utf8)
        guard bytes.count >= ControlEndpoint.minimumTokenLength else { throw .tokenTooShort(length: bytes.count) }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .tokenNotPrintableASCII }
        self.bytes = bytes
    }

    /// Whether `header` (an `Authorization` value) is `Bearer <token>` with this token. The scheme
    /// is case-insensitive (RFC 7235); the token comparison touches every byte of the expected
    /// token whatever the input, so its time does not reveal how many leading bytes matched.
    /// - Complexity: O(token length + header length).
    func matches(authorization header: String?) -> Bool {
        guard let header else { return false }
        let given = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard given.count > scheme.count,
              zip(given.prefix(scheme.count), scheme).allSatisfy({ ($0 | 0x20) == $1 })
        else { return false }
        var start = scheme.count
        while start < given.count, given[start] == 0x20 { start += 1 }
        var end = given.count
        while end > start, given[end - 1] == 0x20 || given[end - 1] == 0x09 { end -= 1 }
        let presented = given[start..<end]
        var difference = UInt(bitPattern: presented.count ^ bytes.count)
        for i in 0..<bytes.count {
            let other = i < presented.count ? presented[presented.startIndex + i] : 0
            difference |= UInt(bytes[i] ^ other)
        }
        return difference == 0
    }
}
