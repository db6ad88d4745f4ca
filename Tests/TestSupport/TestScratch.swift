import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where tests write their files (journals, captures, configs, fake host trees): one directory per
/// test process, `$TMPDIR/hft-tests-<pid>`, removed with everything in it when the process exits,
/// so a test run leaves nothing in `$TMPDIR` whether its tests clean up or not. A process killed
/// before `exit` leaves its directory (nothing runs then); the next run does not reuse it.
public enum TestScratch {
    /// The process's directory, created (and its removal at exit registered) on first use.
    public static let root: String = {
        let d = directory(forProcess: getpid())
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.directory(forProcess: getpid())) }
        return d
    }()

    static func directory(forProcess pid: pid_t) -> String {
        (NSTemporaryDirectory() as NSString).appendingPathComponent("hft-tests-\(pid)")
    }

    /// A path that no other call in this process returns: `root/<name>-<random>` plus `suffix`
    /// (nothing is created there).
    public static func path(_ name: String, suffix: String = "") -> String {
        (root as NSString).appendingPathComponent("\(name)-\(UInt64.random(in: 0...UInt64.max))\(suffix)")
    }

    /// A new empty directory under `root`.
    public static func directory(_ name: String) -> String {
        let d = path(name)
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
