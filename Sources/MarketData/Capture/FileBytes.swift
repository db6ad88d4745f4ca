#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and small POSIX helpers for the cold path (captures, imports).
enum FileBytes {
    /// Reads the whole file at `path`.
    static func read(_ path: String) throws(CaptureError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        var out = [UInt8](repeating: 0, count: max(0, Int(st.st_size)))
        var done = 0
        while done < out.count {
            let n = out.withUnsafeMutableBytes { buf in
                // SAFETY: reads into the array's own storage, within `count` bytes.
                Glibc.read(fd, buf.baseAddress! + done, buf.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        if done < out.count { out.removeLast(out.count - done) }
        return out
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(CaptureError) {
        var done = 0
        while done < bytes.count {
            // SAFETY: the range [done, count) lies inside `bytes`.
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            done += n
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(CaptureError) {
        let result = bytes.withUnsafeBytes { b in Result { () throws(CaptureError) in try writeAll(fd, b, path: path) } }
        try result.get()
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
