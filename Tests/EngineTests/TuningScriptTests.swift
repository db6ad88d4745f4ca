import Foundation
import HFTTestSupport
import HFTRuntime
import Testing
@testable import Engine

/// Runs `Tuning/host/check.sh` and `apply.sh` with bash: on this host (read-only / dry run) and
/// on a fake tree, where `apply.sh --yes` really changes files and a second run changes nothing.
@Suite(.serialized) struct TuningScriptTests {
    /// `<package root>/Tuning/host`, found from this file's path.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tuning/host").path

    /// Runs a script of `Tuning/host` (or any script, by path) with bash, with `environment` added;
    /// returns its exit status and standard output.
    private func run(_ script: String, _ arguments: [String], environment: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = environment + ["bash", script.hasPrefix("/") ? script : "\(Self.scripts)/\(script)"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func scriptsParse() throws {
        for script in ["check.sh", "apply.sh", "common.sh"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["bash", "-n", "\(Self.scripts)/\(script)"]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "bash -n \(script)")
        }
    }

    /// `.ci/target-cpu` (the Makefile's `HFT_TARGET_CPU`) names `haswell` exactly when every flag of
    /// `BuildTarget.haswellFlags` (what `hft tune check` expects of a host it wants a haswell build on) is there.
    @Test func targetCPUNeedsEveryHaswellFlag() throws {
        let script = URL(fileURLWithPath: Self.scripts).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".ci/target-cpu").path
        let cpuinfo = TestScratch.path("cpuinfo")
        func targetCPU(_ flags: [String]) throws -> String {
            try "processor\t: 0\nflags\t\t: fpu tsc \(flags.joined(separator: " ")) sse4_2\n\nprocessor\t: 1\n"
                .write(toFile: cpuinfo, atomically: true, encoding: .utf8)
            let (status, output) = try run(script, [], environment: ["HFT_CPUINFO=\(cpuinfo)"])
            #expect(status == 0)
            return output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try targetCPU(BuildTarget.haswellFlags) == "haswell")
        for missing in BuildTarget.haswellFlags {
            #expect(try targetCPU(BuildTarget.haswellFlags.filter { $0 != missing }) == "", "without \(missing)")
        }
        #expect(try targetCPU(["avx2x", "fmax"]) == "", "flags match whole words only")
    }

    @Test func checkRunsOnThisHost() throws {
        let (status, output) = try run("check.sh", [])
        #expect(status == 0, "\(output)")
        for check in ["cores", "isolation", "governor", "thp", "hugepages", "irq-affinity", "irqbalance", "tsc", "clocksource", "numa", "swap"] {
            #expect(output.contains(" \(check) "), "no \(check) line in:\n\(output)")
        }
        #expect(output.contains("warning(s)"))
    }

    @Test func applyIsADryRunWithoutYes() throws {
        let before = try? String(contentsOfFile: "/proc/sys/vm/nr_hugepages", encoding: .utf8)
        let affinity = try? String(contentsOfFile: "/proc/irq/default_smp_affinity", encoding: .utf8)
        let (status, output) = try run("apply.sh", [])
        #expect(status == 0, "\(output)")
        #expect(output.contains("dry run"))
        let changed = output.split(separator: "\n").filter { $0.dropFirst(12).hasPrefix("changed") || $0.dropFirst(12).hasPrefix("FAILED") }
        #expect(changed.isEmpty, "a dry run must not change anything:\n\(output)")
        #expect(output.contains("isolcpus=managed_irq,domain,"))
        #expect((try? String(contentsOfFile: "/proc/sys/vm/nr_hugepages", encoding: .utf8)) == before)
        #expect((try? String(contentsOfFile: "/proc/irq/default_smp_affinity", encoding: .utf8)) == affinity)
    }

    @Test func applyTurnsTHPNeverIntoMadviseUnlessNeverIsAsked() throws {
        let host = try FakeHostTree()
        try host.write("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]")
        let check = try run("check.sh", ["--root", host.root])
        #expect(check.output.contains("[never]"), "\(check.output)")
        let kept = try run("apply.sh", ["--root", host.root, "--only", "thp", "--thp", "never", "--yes"])
        #expect(kept.status == 0, "\(kept.output)")
        #expect(try host.read("/sys/kernel/mm/transparent_hugepage/enabled") == "always madvise [never]")
        let applied = try run("apply.sh", ["--root", host.root, "--only", "thp", "--yes"])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(try host.read("/sys/kernel/mm/transparent_hugepage/enabled") == "madvise")
        #expect(try HostAudit(root: host.root).run(topology: .colo()).finding("thp")?.severity == .ok)
    }

    @Test func applyFixesAFakeHostAndIsIdempotent() throws {
        let host = try FakeHostTree()
        try host.write("/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never")
        try host.write("/sys/devices/system/cpu/cpu2/cpufreq/scaling_governor", "powersave")
        try host.write("/proc/irq/30/smp_affinity_list", "0-5")
        try host.write("/proc/irq/default_smp_affinity", "3f")
        try host.write("/proc/sys/vm/nr_hugepages", "0")
        try host.write("/proc/meminfo", "SwapTotal: 1048576 kB\nHugePages_Total: 0\nHugePages_Free: 0\nHugepagesize: 2048 kB\n")
        try host.write("/proc/sys/vm/swappiness", "60")
        try host.write("/proc/77/comm", "irqbalance")
        try host.write("/etc/default/irqbalance", "#OPTIONS=\"\"\nIRQBALANCE_BANNED_CPULIST=1\n")
        let before = try HostAudit(root: host.root).run(topology: .colo())
        #expect(before.finding("governor")?.severity == .fail)
        #expect(before.finding("irq-affinity")?.severity == .fail)

        let dry = try run("apply.sh", ["--root", host.root, "--cores", "1-5"])
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("would change cpu2 governor powersave -> performance"))
        #expect(try host.read("/sys/kernel/mm/transparent_hugepage/enabled") == "[always] madvise never")

        let applied = try run("apply.sh", ["--root", host.root, "--cores", "1-5", "--yes"])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(try host.read("/sys/kernel/mm/transparent_hugepage/enabled") == "madvise")
        #expect(try host.read("/sys/devices/system/cpu/cpu2/cpufreq/scaling_governor") == "performance")
        #expect(try host.read("/proc/irq/30/smp_affinity_list") == "0")
        #expect(try host.read("/proc/irq/default_smp_affinity") == "1")
        #expect(try host.read("/proc/sys/vm/nr_hugepages") == "16")
        #expect(try host.read("/proc/sys/vm/swappiness") == "1")
        #expect(try host.read("/etc/default/irqbalance") == "#OPTIONS=\"\"\nIRQBALANCE_BANNED_CPULIST=1-5")

        let again = try run("apply.sh", ["--root", host.root, "--cores", "1-5", "--yes"])
        #expect(again.status == 0)
        #expect(again.output.contains("0 change(s), 0 failed"), "\(again.output)")

        let after = try HostAudit(root: host.root).run(topology: .colo())
        for check in ["governor", "thp", "irq-affinity", "irqbalance", "swap"] {
            #expect(after.finding(check)?.severity == .ok, "\(check): \(after.text())")
        }
        let check = try run("check.sh", ["--root", host.root, "--cores", "1-5", "--strict"])
        #expect(check.output.contains("OK   irq-affinity"), "\(check.output)")
        #expect(check.output.contains("OK   governor"))
    }

    @Test func applyRejectsUnknownSteps() throws {
        #expect(try run("apply.sh", ["--only", "reboot"]).status == 2)
        #expect(try run("check.sh", ["--bogus"]).status == 2)
    }
}
