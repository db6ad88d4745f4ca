import CSystemShims
import Foundation
import HFTRuntime
import Testing
@testable import Engine

@Suite struct HostAuditTests {
    /// Colo on a 6-CPU host: five busySpin threads on cores 1-5, core 0 for the OS.
    static let colo = Topology.colo()

    /// A release build for baseline x86-64: right for the fake host, whose CPU has no AVX2.
    static let baselineRelease = BuildTarget(debug: false, cpu: nil)

    private func audit(_ host: borrowing FakeHostTree, _ topology: Topology = colo, ringBytes: Int = HostAudit.defaultRingBytes,
                       build: BuildTarget = baselineRelease) throws -> HostAuditReport {
        try HostAudit(root: host.root, build: build).run(topology: topology, ringBytes: ringBytes)
    }

    @Test func wellTunedHostPassesEveryCheck() throws {
        let host = try FakeHostTree()
        let report = try audit(host)
        let notOK = report.findings.filter { $0.severity != .ok }
        #expect(notOK.isEmpty, "\(report.text())")
        #expect(!report.hasFailures)
        #expect(report.findings.count == 15)
        #expect(report.snapshot.cpuidInvariantTSC == nil, "a fake root must not report this machine's CPUID")
        #expect(report.snapshot.irqs.map(\.number) == [24, 25, 30])
        #expect(report.snapshot.irqs.first?.actions == ["eth0-rx-0"])
        #expect(report.snapshot.cmdlineIsolcpus == Set(1...5))
    }

    @Test func thpAlwaysWarnsWithTheApplyFix() throws {
        let host = try FakeHostTree()
        try host.write("/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never")
        let finding = try #require(try audit(host).finding("thp"))
        #expect(finding.severity == .warn)
        #expect(finding.observed == "[always]")
        #expect(finding.fix == "Tuning/host/apply.sh --only thp --yes")
        #expect(try audit(host).finding("thp-defrag")?.severity == .ok)
    }

    @Test func thpNeverWarnsBecauseHFTAdvisesHugePages() throws {
        let host = try FakeHostTree()
        #expect(try audit(host).finding("thp")?.severity == .ok)
        try host.write("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]")
        let finding = try #require(try audit(host).finding("thp"))
        #expect(finding.severity == .warn)
        #expect(finding.observed.hasPrefix("[never]"))
        #expect(finding.fix == "Tuning/host/apply.sh --only thp --yes")
        try host.write("/sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise madvise [never]")
        #expect(try audit(host).finding("thp-defrag")?.severity == .ok)
    }

    @Test func powersaveGovernorOnAHotCoreFails() throws {
        let host = try FakeHostTree()
        try host.write("/sys/devices/system/cpu/cpu2/cpufreq/scaling_governor", "powersave")
        try host.write("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "powersave")
        let report = try audit(host)
        let finding = try #require(report.finding("governor"))
        #expect(finding.severity == .fail)
        #expect(finding.observed.contains("cpu2: powersave"))
        #expect(!finding.observed.contains("cpu0"), "core 0 runs no thread of the colo topology")
        #expect(finding.fix == "Tuning/host/apply.sh --cores 2 --only governor --yes")
        #expect(report.hasFailures)
    }

    @Test func otherGovernorsWarnAndMissingCpufreqIsNotExposed() throws {
        let host = try FakeHostTree()
        try host.write("/sys/devices/system/cpu/cpu3/cpufreq/scaling_governor", "schedutil")
        #expect(try audit(host).finding("governor")?.severity == .warn)
        for cpu in 0..<6 { try host.remove("/sys/devices/system/cpu/cpu\(cpu)/cpufreq") }
        let finding = try #require(try audit(host).finding("governor"))
        #expect(finding.severity == .warn)
        #expect(finding.observed.hasPrefix("not exposed"))
    }

    @Test func irqOnABusySpinCoreFails() throws {
        let host = try FakeHostTree()
        try host.write("/proc/irq/30/smp_affinity_list", "0,3")
        let finding = try #require(try audit(host).finding("irq-affinity"))
        #expect(finding.severity == .fail)
        #expect(finding.observed.contains("30 nvme0q0→0,3"))
        #expect(!finding.observed.contains("24"))
        #expect(finding.fix == "Tuning/host/apply.sh --cores 1-5 --only irq --yes")
    }

    @Test func irqOnABackoffCoreWarnsOnlyWhenASpareCoreExists() throws {
        let host = try FakeHostTree(cpus: 4)
        try host.write("/proc/irq/25/smp_affinity_list", "2")
        let spare = try #require(try audit(host, .default(forCPUCount: 4)).finding("irq-affinity"))
        #expect(spare.severity == .warn)
        #expect(spare.fix == "Tuning/host/apply.sh --cores 1-3 --only irq --yes")
        // 2 CPUs, both used by backoff threads: nowhere to move IRQs, nothing to protect.
        let small = try FakeHostTree(cpus: 2)
        try small.write("/proc/irq/25/smp_affinity_list", "0-1")
        #expect(try audit(small, .default(forCPUCount: 2)).finding("irq-affinity")?.severity == .ok)
    }

    @Test func defaultAffinityOnAHotCoreIsReported() throws {
        let host = try FakeHostTree()
        try host.write("/proc/irq/default_smp_affinity", "3f")
        let finding = try #require(try audit(host).finding("irq-affinity"))
        #expect(finding.severity == .warn)
        #expect(finding.observed.contains("default_smp_affinity covers 0-5"))
    }

    @Test func busySpinWithoutIsolationFails() throws {
        let host = try FakeHostTree()
        try host.write("/sys/devices/system/cpu/isolated", "")
        try host.remove("/sys/devices/system/cpu/nohz_full")
        try host.write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet")
        let report = try audit(host)
        let isolation = try #require(report.finding("isolation"))
        #expect(isolation.severity == .fail)
        #expect(isolation.observed.contains("busySpin cores 1-5 are not"))
        #expect(isolation.fix?.contains("isolcpus=managed_irq,domain,1-5 nohz_full=1-5 rcu_nocbs=1-5") == true)
        #expect(report.finding("nohz_full")?.severity == .warn)
        #expect(report.finding("rcu_nocbs")?.severity == .warn)
        // The same host is fine for the backoff default topology.
        let relaxed = try audit(host, .default(forCPUCount: 6))
        #expect(relaxed.finding("isolation")?.severity == .ok)
        #expect(!relaxed.hasFailures, "\(relaxed.text())")
    }

    @Test func partialIsolationNamesTheMissingCores() throws {
        let host = try FakeHostTree()
        try host.write("/sys/devices/system/cpu/isolated", "1-3")
        let finding = try #require(try audit(host).finding("isolation"))
        #expect(finding.severity == .fail)
        #expect(finding.observed == "isolated 1-3; busySpin cores 4-5 are not")
    }

    @Test func noInvariantTSCWarnsWithAFix() throws {
        let host = try FakeHostTree()
        try host.write("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tsc msr constant_tsc rdtscp\n")
        let finding = try #require(try audit(host).finding("tsc"))
        #expect(finding.severity == .warn)
        #expect(finding.observed == "constant_tsc yes, nonstop_tsc no")
        #expect(finding.fix?.contains("invtsc") == true)
    }

    @Test func nonTSCClocksourceWarns() throws {
        let host = try FakeHostTree()
        try host.write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "hpet")
        let finding = try #require(try audit(host).finding("clocksource"))
        #expect(finding.severity == .warn)
        #expect(finding.fix?.hasPrefix("echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource") == true)
    }

    @Test func tooFewBusySpinCoresFails() throws {
        let host = try FakeHostTree(cpus: 4)
        let report = try audit(host)
        let cores = try #require(report.finding("cores"))
        #expect(cores.severity == .fail)
        #expect(cores.observed.contains("core 4, which does not exist"))
        // Five spinning threads on a 5-CPU host leave no core for the OS.
        let five = try FakeHostTree(cpus: 5)
        let squeezed = try #require(try audit(five, .colo(firstCore: 0)).finding("cores"))
        #expect(squeezed.severity == .fail)
        #expect(squeezed.observed.contains("5 busySpin threads but only 4 free cores"))
    }

    @Test func missingHugePagesWarnWithTheCountToReserve() throws {
        let host = try FakeHostTree()
        #expect(try audit(host, ringBytes: 64 << 20).finding("hugepages")?.severity == .ok)
        let short = try #require(try audit(host, ringBytes: 80 << 20).finding("hugepages"))
        #expect(short.severity == .warn)
        #expect(short.expected.hasPrefix("≥ 40 free"))
        #expect(short.fix == "Tuning/host/apply.sh --hugepages 40 --only hugepages --yes")
    }

    @Test func runningIrqbalanceMustBanTheHotCores() throws {
        let host = try FakeHostTree()
        try host.write("/proc/812/comm", "irqbalance")
        let unbanned = try #require(try audit(host).finding("irqbalance"))
        #expect(unbanned.severity == .warn)
        #expect(unbanned.fix == "Tuning/host/apply.sh --cores 1-5 --only irq --yes")
        try host.write("/etc/default/irqbalance", "# irqbalance\nIRQBALANCE_BANNED_CPULIST=1-5\n")
        #expect(try audit(host).finding("irqbalance")?.severity == .ok)
    }

    @Test func threadsSpanningNUMANodesWarn() throws {
        let host = try FakeHostTree()
        try host.write("/sys/devices/system/node/node0/cpulist", "0-2")
        try host.write("/sys/devices/system/node/node1/cpulist", "3-5")
        let finding = try #require(try audit(host).finding("numa"))
        #expect(finding.severity == .warn)
        #expect(finding.observed.contains("strategy@4→node1"))
        #expect(finding.fix?.contains("node1: 3-5") == true)
    }

    @Test func swapWithHighSwappinessWarns() throws {
        let host = try FakeHostTree()
        try host.write("/proc/meminfo", "SwapTotal:  2097152 kB\nHugePages_Total: 32\nHugePages_Free: 32\nHugepagesize: 2048 kB\n")
        try host.write("/proc/sys/vm/swappiness", "60")
        let finding = try #require(try audit(host).finding("swap"))
        #expect(finding.severity == .warn)
        #expect(finding.observed == "swap 2048 MiB, vm.swappiness 60")
        #expect(finding.fix == "Tuning/host/apply.sh --only swappiness --yes")
    }

    @Test func buildCheckWantsAReleaseBuildForTheHostsCPU() throws {
        let host = try FakeHostTree()
        let baseline = try #require(try audit(host).finding("build"))
        #expect(baseline.severity == .ok && baseline.observed == "release for baseline x86-64 (this CPU lacks avx avx2 fma bmi1 bmi2 f16c movbe abm popcnt)")
        let debug = try #require(try audit(host, build: BuildTarget(debug: true, cpu: nil)).finding("build"))
        #expect(debug.severity == .warn && debug.fix?.hasPrefix("make release") == true)
        let wrongCPU = try #require(try audit(host, build: BuildTarget(debug: false, cpu: "haswell")).finding("build"))
        #expect(wrongCPU.severity == .fail && wrongCPU.observed.hasSuffix("this CPU lacks avx avx2 fma bmi1 bmi2 f16c movbe abm popcnt"))

        try host.write("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tsc constant_tsc nonstop_tsc avx avx2 fma bmi1 bmi2 f16c movbe abm popcnt\n")
        let portable = try #require(try audit(host).finding("build"))
        #expect(portable.severity == .warn && portable.expected.hasPrefix("release for haswell"))
        #expect(portable.fix?.contains("HFT_TARGET_CPU=haswell") == true)
        let tuned = try #require(try audit(host, build: BuildTarget(debug: false, cpu: "haswell")).finding("build"))
        #expect(tuned.severity == .ok && tuned.observed == "release for haswell")
    }

    @Test func missingRootThrows() {
        #expect(throws: HostAuditError.rootNotFound("/nonexistent/hft-host")) {
            try HostAudit(root: "/nonexistent/hft-host").run(topology: .default(forCPUCount: 2))
        }
    }

    @Test func jsonIsValidAndCarriesEveryFinding() throws {
        let host = try FakeHostTree()
        try host.write("/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never")
        let report = try audit(host)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == report.findings.count)
        let thp = try #require(findings.first { $0["check"] as? String == "thp" })
        #expect(thp["severity"] as? String == "warn")
        #expect(thp["fix"] as? String == "Tuning/host/apply.sh --only thp --yes")
        #expect(findings.first { $0["check"] as? String == "tsc" }?["fix"] is NSNull)
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary == ["ok": 14, "warn": 1, "fail": 0])
        #expect((object["topology"] as? [[String: Any]])?.count == 5)
    }

    @Test func thisHostAuditsWithoutThrowing() throws {
        let cpus = max(1, Int(hft_cpu_count()))
        let report = try HostAudit().run(topology: .default(forCPUCount: cpus))
        #expect(report.findings.count == 15)
        #expect(report.snapshot.onlineCPUs.count == cpus)
        #expect(report.snapshot.cpuidInvariantTSC != nil)
        #expect(report.finding("cores")?.severity == .ok, "the default topology fits this host: \(report.text())")
        #expect(report.text().hasSuffix("\(report.count(.ok)) ok, \(report.count(.warn)) warn, \(report.count(.fail)) fail"))
        _ = try JSONSerialization.jsonObject(with: Data(report.json().utf8))
        _ = try HostAudit().run(topology: .colo())
    }

    @Test func cpuListsParseAndFormat() {
        #expect(CPUList.parse("0-2,5, 7-8\n") == [0, 1, 2, 5, 7, 8])
        #expect(CPUList.parse("managed_irq,domain,2-3") == [2, 3])
        #expect(CPUList.parse("") == [])
        #expect(CPUList.format([8, 1, 2, 3, 5, 7]) == "1-3,5,7-8")
        #expect(CPUList.format([]) == "")
        #expect(CPUList.parseMask("3") == [0, 1])
        #expect(CPUList.parseMask("00000001,00000002") == [1, 32])
        #expect(CPUList.parseMask("xyz") == nil)
        #expect(HostSnapshot.parameter("nohz_full", in: "a nohz_full=1-3 b -- nohz_full=9") == "1-3")
        #expect(HostSnapshot.selected("always [madvise] never") == "madvise")
        #expect(HostSnapshot.selected("never") == "never")
    }
}
