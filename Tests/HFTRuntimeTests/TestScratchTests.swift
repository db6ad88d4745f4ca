import Foundation
import HFTTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The test scratch directories' sweep: a directory left by a test process that no longer runs is
/// removed; those of running processes and every other name are kept.
@Suite struct TestScratchTests {
    @Test func staleDirectoriesOfDeadProcessesAreRemoved() throws {
        let parent = TestScratch.directory("stale-sweep")
        // A pid that was just reaped: no process has it (the kernel does not reuse it at once).
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        try #require(kill(dead, 0) != 0 && errno == ESRCH)

        let fm = FileManager.default
        let deadDir = "hft-tests-\(dead)"
        try fm.createDirectory(atPath: parent + "/" + deadDir + "/journal", withIntermediateDirectories: true)
        #expect(fm.createFile(atPath: parent + "/" + deadDir + "/journal/x.bin", contents: Data([1, 2, 3])))
        let kept = ["hft-tests-\(getpid())", "hft-tests-1", "hft-tests-abc", "hft-tests-", "other-\(dead)"]
        for name in kept { try fm.createDirectory(atPath: parent + "/" + name, withIntermediateDirectories: true) }

        #expect(TestScratch.removeStale(in: parent) == [deadDir])
        let left = Set(try fm.contentsOfDirectory(atPath: parent))
        #expect(left == Set(kept))
        // Nothing stale is left: a second sweep removes nothing.
        #expect(TestScratch.removeStale(in: parent).isEmpty)
    }
}
