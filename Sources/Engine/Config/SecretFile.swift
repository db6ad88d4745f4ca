import Foundation

/// Reads a secret from a file that only its owner can read (mode 0600 or 0400). Cold path.
enum SecretFile {
    static func read(_ path: String, key: String) throws(EngineConfigError) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .secret(key: key, problem: "\(path): cannot stat it (errno \(errno))") }
        guard st.st_mode & 0o077 == 0 else {
            throw .secret(key: key, problem: "\(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard st.st_uid == getuid() else { throw .secret(key: key, problem: "\(path) is not owned by this user") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .secret(key: key, problem: "\(path): cannot read it") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .secret(key: key, problem: "\(path) is empty") }
        return text
    }
}
