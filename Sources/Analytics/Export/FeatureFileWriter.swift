#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered binary file opened for writing with `fopen` (cold path helper of the exporters).
final class FeatureFileWriter {
    let path: String
    // SAFETY: the FILE* is owned by this object and used from one thread (the exporter's owner).
    private var file: OpaquePointer?

    init(path: String) throws(FeatureExportError) {
        self.path = path
        guard let f = fopen(path, "w+b") else { throw .open(path: path, errno: errno) }
        file = OpaquePointer(f)
    }

    deinit { if let f = file { fclose(UnsafeMutablePointer(f)) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws(FeatureExportError) {
        guard let f = file else { throw .write(path: path, errno: EBADF) }
        guard bytes.count == 0 || fwrite(bytes.baseAddress, 1, bytes.count, UnsafeMutablePointer(f)) == bytes.count else {
            throw .write(path: path, errno: errno)
        }
    }

    func write(_ bytes: [UInt8]) throws(FeatureExportError) {
        guard let f = file else { throw .write(path: path, errno: EBADF) }
        let written = bytes.withUnsafeBytes { b in b.count == 0 ? 0 : fwrite(b.baseAddress, 1, b.count, UnsafeMutablePointer(f)) }
        guard written == bytes.count else { throw .write(path: path, errno: errno) }
    }

    /// Rewrites `bytes` at absolute `offset`, then returns to the end of the file.
    func rewrite(at offset: Int, _ bytes: [UInt8]) throws(FeatureExportError) {
        guard let f = file else { throw .write(path: path, errno: EBADF) }
        let fp = UnsafeMutablePointer<FILE>(f)
        guard fseek(fp, offset, SEEK_SET) == 0 else { throw .write(path: path, errno: errno) }
        try write(bytes)
        guard fseek(fp, 0, SEEK_END) == 0 else { throw .write(path: path, errno: errno) }
    }

    func close() throws(FeatureExportError) {
        guard let f = file else { return }
        file = nil
        guard fclose(UnsafeMutablePointer(f)) == 0 else { throw .write(path: path, errno: errno) }
    }
}
