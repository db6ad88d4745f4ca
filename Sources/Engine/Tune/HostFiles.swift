#if canImport(Glibc)
import Glibc
#endif

/// Small-file reads and directory listings below a filesystem root, for `HostSnapshot`.
/// Cold path: plain syscalls, every error becomes `nil` or an empty list.
struct HostFiles {
    /// The root without a trailing slash (`""` for `/`).
    let prefix: String

    init(root: String) {
        var prefix = root
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix
    }

    /// Whether the root is this machine's `/` (only then may CPUID stand for the host's CPU).
    var isHostRoot: Bool { prefix.isEmpty }

    /// The path of `absolute` below the root.
    func path(_ absolute: String) -> String { prefix + absolute }

    /// Whether `absolute` is a directory below the root.
    func isDirectory(_ absolute: String) -> Bool {
        var info = stat()
        return stat(path(absolute), &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The text of a small file (≤ 4 MiB read), or `nil` when it is absent or unreadable.
    func read(_ absolute: String) -> String? {
        let fd = open(path(absolute), O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while bytes.count < 4 << 20 {
            // SAFETY: read(2) writes at most `count` bytes into the buffer the closure lends it.
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names in a directory (without `.` and `..`), unsorted; `[]` when it is absent.
    func list(_ absolute: String, directoriesOnly: Bool = false) -> [String] {
        guard let directory = opendir(path(absolute)) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            // SAFETY: `d_name` is a NUL-terminated C string inside the dirent that `readdir` keeps valid until the next call.
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name == "." || name == ".." { continue }
            if directoriesOnly && !isDirectory(absolute + "/" + name) { continue }
            names.append(name)
        }
        return names
    }

    /// `text` without leading and trailing whitespace and newlines.
    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
