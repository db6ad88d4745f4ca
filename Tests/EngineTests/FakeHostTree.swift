import Foundation
import HFTTestSupport

/// A directory laid out like `/` (the `/sys`, `/proc` and `/etc` files `HostAudit` and
/// `Tuning/host/*.sh` read), built in a temp dir. Starts as a well-tuned 6-CPU host for the colo
/// topology (cores 1-5 isolated, performance governor, THP never, 32 free huge pages, IRQs on
/// core 0, invariant TSC, one NUMA node, no swap); tests then break one thing.
struct FakeHostTree: ~Copyable {
    let root: String

    init(cpus: Int = 6) throws {
        root = TestScratch.path("fake-host")
        let hot = cpus > 1 ? "1-\(cpus - 1)" : "0"
        try write("/sys/devices/system/cpu/online", "0-\(cpus - 1)")
        try write("/sys/devices/system/cpu/isolated", hot)
        try write("/sys/devices/system/cpu/nohz_full", hot)
        try write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=managed_irq,domain,\(hot) nohz_full=\(hot) rcu_nocbs=\(hot) quiet")
        for cpu in 0..<cpus {
            try write("/sys/devices/system/cpu/cpu\(cpu)/cpufreq/scaling_governor", "performance")
            try write("/sys/devices/system/cpu/cpu\(cpu)/cpufreq/scaling_available_governors", "performance powersave")
        }
        try write("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never")
        try write("/sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never")
        try write("/proc/meminfo", """
            MemTotal:       16384000 kB
            SwapTotal:             0 kB
            HugePages_Total:      32
            HugePages_Free:       32
            Hugepagesize:       2048 kB
            """)
        try write("/proc/sys/vm/nr_hugepages", "32")
        try write("/proc/sys/vm/swappiness", "10")
        for (irq, name) in [(24, "eth0-rx-0"), (25, "eth0-tx-0"), (30, "nvme0q0")] {
            try write("/proc/irq/\(irq)/smp_affinity_list", "0")
            try FileManager.default.createDirectory(atPath: root + "/proc/irq/\(irq)/\(name)", withIntermediateDirectories: true)
        }
        try write("/proc/irq/default_smp_affinity", "1")
        try write("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu tsc msr constant_tsc nonstop_tsc rdtscp\n\nprocessor\t: 1\nflags\t\t: fpu\n")
        try write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc")
        try write("/sys/devices/system/clocksource/clocksource0/available_clocksource", "tsc hpet acpi_pm")
        try write("/sys/devices/system/node/node0/cpulist", "0-\(cpus - 1)")
        try write("/proc/1/comm", "systemd")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes `text` plus a newline to `path` below the root, creating directories.
    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (text + "\n").write(to: url, atomically: false, encoding: .utf8)
    }

    /// Removes `path` below the root.
    func remove(_ path: String) throws {
        try FileManager.default.removeItem(atPath: root + path)
    }

    /// The text of `path` below the root, without trailing whitespace.
    func read(_ path: String) throws -> String {
        try String(contentsOfFile: root + path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
