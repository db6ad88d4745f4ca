import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where tests write their files (journals, captures, configs, fake host trees): one directory per
/// test process, `$TMPDIR/hft-tests-<pid>`, removed with everything in it when the process exits,
/// so a test run leaves nothing in `$TMPDIR` whether its tests clean up or not. A process killed
/// before `exit` leaves its directory (nothing runs then): the next test process removes it
/// (`removeStale`) when it creates its own.
public enum TestScratch {
    /// The process's directory, created (and its removal at exit registered) on first use, after
    /// the directories of test processes that no longer run are removed.
    public static let root: String = {
        removeStale(in: NSTemporaryDirectory())
        let d = directory(forProcess: getpid())
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.directory(forProcess: getpid())) }
        return d
    }()

    /// The start of every process's directory name; the pid follows.
    static let prefix = "hft-tests-"

    static func directory(forProcess pid: pid_t) -> String {
        (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)\(pid)")
    }

    /// Removes every `hft-tests-<pid>` directory in `parent` whose process is gone (`kill(pid, 0)`
    /// fails with `ESRCH`): left by a test process killed before `exit`. Directories of running
    /// processes (a parallel test run's other workers) and every other name are left alone.
    /// - Returns: the names removed.
    @discardableResult
    public static func removeStale(in parent: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(name))) != nil {
                removed.append(name)
            }
        }
        return removed
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
