#if canImport(Glibc)
import Glibc
#endif

/// Generates a self-signed EC (P-256) certificate and key for loopback TLS tests and `hft sim`,
/// by running the OpenSSL command line (`openssl req -x509 -newkey ec ...`). Cold path.
public enum SelfSignedCertificate {
    /// Writes `cert.pem` and `key.pem` into `directory` (which must exist), valid for `days`, for
    /// `CN=localhost` with subject alternative names `DNS:localhost, IP:127.0.0.1`.
    /// - Throws: `TransportError.certificateGenerationFailed` when `openssl` is missing or fails.
    public static func generate(in directory: String, days: Int = 2) throws(TransportError) -> TLSFiles {
        let files = TLSFiles(certificatePath: directory + "/cert.pem", privateKeyPath: directory + "/key.pem")
        let arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", files.privateKeyPath, "-out", files.certificatePath, "-days", String(days),
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        let status = try run(arguments)
        guard status == 0 else { throw .certificateGenerationFailed("openssl exited with status \(status)") }
        return files
    }

    /// Runs `arguments[0]` from `PATH` with stdout/stderr discarded; returns its exit status.
    private static func run(_ arguments: [String]) throws(TransportError) -> Int32 {
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { for p in cArguments { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid = pid_t()
        let rc = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ)
        guard rc == 0 else { throw .certificateGenerationFailed("cannot run \(arguments[0]): errno \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw .certificateGenerationFailed("waitpid failed: errno \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS are macros: exited normally when the low 7 bits are 0.
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
    }
}
