import CZlib

/// gzip / zlib decoding through the system zlib (cold path: importing recorded files).
public enum Gzip {
    /// Whether `bytes` starts with the gzip magic (1f 8b).
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Decodes a gzip (or zlib) stream, including concatenated gzip members.
    public static func decompress(_ input: [UInt8]) throws(CaptureError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 6)
        var stream = z_stream()
        // windowBits 15 + 32: detect gzip or zlib headers automatically.
        var rc = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .decompression(rc) }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        var scratch = [UInt8](repeating: 0, count: chunk)
        rc = input.withUnsafeBufferPointer { inBuf -> Int32 in
            // SAFETY: zlib reads at most `avail_in` bytes from the input array, which outlives this closure.
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = UInt32(inBuf.count)
            while true {
                let status = scratch.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                    // SAFETY: zlib writes at most `avail_out` bytes into the scratch array.
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: outBuf[0..<(chunk - Int(stream.avail_out))])
                    return r
                }
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 { return Z_OK }
                    // Another gzip member follows.
                    let r = inflateReset(&stream)
                    if r != Z_OK { return r }
                    continue
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { return Z_DATA_ERROR }
                if status != Z_OK { return status }
            }
        }
        guard rc == Z_OK else { throw .decompression(rc) }
        return output
    }
}
