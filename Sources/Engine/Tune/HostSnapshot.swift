import CSystemShims
import HFTRuntime
#if canImport(Glibc)
import Glibc
#endif

/// What `HostAudit` read from a host's `/sys`, `/proc` and `/etc`, before any judgement.
///
/// `nil` means the file was absent or unreadable (common on VMs and containers); the audit turns
/// that into a warning, not a failure. Reading is cold path: plain syscalls, no Foundation.
public struct HostSnapshot: Sendable, Hashable {
    /// One interrupt line from `/proc/irq/N/`.
    public struct IRQ: Sendable, Hashable {
        /// IRQ number.
        public var number: Int
        /// CPUs it may be delivered to (`smp_affinity_list`).
        public var cpus: Set<Int>
        /// Names of the handlers (the sub-directories of `/proc/irq/N/`, e.g. `virtio0-input.0`).
        public var actions: [String]

        public init(number: Int, cpus: Set<Int>, actions: [String]) {
            self.number = number
            self.cpus = cpus
            self.actions = actions
        }
    }

    /// The filesystem root everything was read from (`/` for this host).
    public var root: String
    /// Online CPUs (`/sys/devices/system/cpu/online`), sorted.
    public var onlineCPUs: [Int]
    /// `/sys/devices/system/cpu/isolated`.
    public var isolated: Set<Int>?
    /// `/sys/devices/system/cpu/nohz_full` (absent when the kernel lacks `CONFIG_NO_HZ_FULL`).
    public var nohzFull: Set<Int>?
    /// `/proc/cmdline`.
    public var cmdline: String?
    /// CPUs of the `isolcpus=` parameter, `nil` when absent.
    public var cmdlineIsolcpus: Set<Int>?
    /// CPUs of the `nohz_full=` parameter, `nil` when absent.
    public var cmdlineNohzFull: Set<Int>?
    /// CPUs of the `rcu_nocbs=` parameter, `nil` when absent.
    public var cmdlineRcuNocbs: Set<Int>?
    /// `cpuN/cpufreq/scaling_governor` of each online CPU that exposes one.
    public var governors: [Int: String]
    /// The selected value of `transparent_hugepage/enabled` (`always`, `madvise`, `never`).
    public var thpEnabled: String?
    /// The selected value of `transparent_hugepage/defrag`.
    public var thpDefrag: String?
    /// `HugePages_Total` of `/proc/meminfo`.
    public var hugePagesTotal: Int?
    /// `HugePages_Free` of `/proc/meminfo`.
    public var hugePagesFree: Int?
    /// `Hugepagesize` of `/proc/meminfo`, in KiB.
    public var hugePageSizeKiB: Int?
    /// Every `/proc/irq/N/smp_affinity_list`, by IRQ number.
    public var irqs: [IRQ]
    /// `/proc/irq/default_smp_affinity`: where new IRQs land.
    public var defaultIRQAffinity: Set<Int>?
    /// Flags of the first CPU in `/proc/cpuinfo`.
    public var cpuFlags: Set<String>
    /// CPUID invariant-TSC bit; read only when auditing `/` (a fake root has no CPU of its own).
    public var cpuidInvariantTSC: Bool?
    /// `clocksource0/current_clocksource`.
    public var clocksource: String?
    /// `clocksource0/available_clocksource`.
    public var availableClocksources: [String]
    /// CPUs of each NUMA node (`/sys/devices/system/node/nodeN/cpulist`); empty without NUMA sysfs.
    public var numaNodes: [Int: Set<Int>]
    /// `SwapTotal` of `/proc/meminfo`, in KiB.
    public var swapTotalKiB: Int?
    /// `/proc/sys/vm/swappiness`.
    public var swappiness: Int?
    /// Whether a process named `irqbalance` runs (from `/proc/N/comm`).
    public var irqbalanceRunning: Bool
    /// `IRQBALANCE_BANNED_CPULIST` (or the mask `IRQBALANCE_BANNED_CPUS`) of
    /// `/etc/default/irqbalance` or `/etc/sysconfig/irqbalance`.
    public var irqbalanceBannedCPUs: Set<Int>?

    /// Reads a host below `root` (`/` for this machine, or a directory laid out like one).
    /// Missing files become `nil`/empty fields; nothing here throws.
    /// - Complexity: O(IRQs + CPUs + processes) small file reads.
    public static func read(root: String) -> HostSnapshot {
        let files = HostFiles(root: root)
        let online = files.read("/sys/devices/system/cpu/online").map(CPUList.parse)
            ?? Set(files.list("/sys/devices/system/cpu").compactMap { Self.number(after: "cpu", in: $0) })
        let onlineCPUs = online.isEmpty ? Array(0..<max(1, Int(hft_cpu_count()))) : online.sorted()
        let cmdline = files.read("/proc/cmdline").map(HostFiles.trimmed)
        let meminfo = files.read("/proc/meminfo").map(Self.meminfo) ?? [:]
        let clocksourceDirectory = "/sys/devices/system/clocksource/clocksource0"

        var governors: [Int: String] = [:]
        for cpu in onlineCPUs {
            if let governor = files.read("/sys/devices/system/cpu/cpu\(cpu)/cpufreq/scaling_governor").map(HostFiles.trimmed),
               !governor.isEmpty {
                governors[cpu] = governor
            }
        }

        var irqs: [IRQ] = []
        for entry in files.list("/proc/irq") {
            guard let number = Int(entry), let list = files.read("/proc/irq/\(entry)/smp_affinity_list") else { continue }
            let actions = files.list("/proc/irq/\(entry)", directoriesOnly: true).sorted()
            irqs.append(IRQ(number: number, cpus: CPUList.parse(list), actions: actions))
        }
        irqs.sort { $0.number < $1.number }

        var numaNodes: [Int: Set<Int>] = [:]
        for entry in files.list("/sys/devices/system/node") {
            guard let node = Self.number(after: "node", in: entry) else { continue }
            numaNodes[node] = files.read("/sys/devices/system/node/\(entry)/cpulist").map(CPUList.parse) ?? []
        }

        var irqbalanceRunning = false
        for entry in files.list("/proc") where Int(entry) != nil {
            if files.read("/proc/\(entry)/comm").map(HostFiles.trimmed) == "irqbalance" {
                irqbalanceRunning = true
                break
            }
        }
        let irqbalanceConfig = files.read("/etc/default/irqbalance") ?? files.read("/etc/sysconfig/irqbalance")

        return HostSnapshot(
            root: root,
            onlineCPUs: onlineCPUs,
            isolated: files.read("/sys/devices/system/cpu/isolated").map(CPUList.parse),
            nohzFull: files.read("/sys/devices/system/cpu/nohz_full").map(CPUList.parse),
            cmdline: cmdline,
            cmdlineIsolcpus: cmdline.flatMap { Self.parameter("isolcpus", in: $0) }.map(CPUList.parse),
            cmdlineNohzFull: cmdline.flatMap { Self.parameter("nohz_full", in: $0) }.map(CPUList.parse),
            cmdlineRcuNocbs: cmdline.flatMap { Self.parameter("rcu_nocbs", in: $0) }.map(CPUList.parse),
            governors: governors,
            thpEnabled: files.read("/sys/kernel/mm/transparent_hugepage/enabled").flatMap(Self.selected),
            thpDefrag: files.read("/sys/kernel/mm/transparent_hugepage/defrag").flatMap(Self.selected),
            hugePagesTotal: meminfo["HugePages_Total"],
            hugePagesFree: meminfo["HugePages_Free"],
            hugePageSizeKiB: meminfo["Hugepagesize"],
            irqs: irqs,
            defaultIRQAffinity: files.read("/proc/irq/default_smp_affinity").flatMap(CPUList.parseMask),
            cpuFlags: Set(TSCSupport.cpuFlags(cpuinfo: files.read("/proc/cpuinfo") ?? "").map(String.init)),
            cpuidInvariantTSC: files.isHostRoot ? hft_cpu_has_invariant_tsc() : nil,
            clocksource: files.read("\(clocksourceDirectory)/current_clocksource").map(HostFiles.trimmed),
            availableClocksources: (files.read("\(clocksourceDirectory)/available_clocksource") ?? "")
                .split(whereSeparator: \.isWhitespace).map(String.init),
            numaNodes: numaNodes,
            swapTotalKiB: meminfo["SwapTotal"],
            swappiness: files.read("/proc/sys/vm/swappiness").flatMap { Int(HostFiles.trimmed($0)) },
            irqbalanceRunning: irqbalanceRunning,
            irqbalanceBannedCPUs: irqbalanceConfig.flatMap(Self.bannedCPUs)
        )
    }

    /// The value of `name=` on a kernel command line (the last one wins, as in the kernel).
    /// Stops at ` -- `, after which arguments belong to init.
    public static func parameter(_ name: String, in cmdline: String) -> String? {
        var value: String?
        for word in cmdline.split(separator: " ") {
            if word == "--" { break }
            if word.hasPrefix(name + "=") { value = String(word.dropFirst(name.count + 1)) }
        }
        return value
    }

    /// The bracketed choice of a sysfs selector such as `always [madvise] never`; a file holding
    /// one bare word (a fake tree after `apply.sh --root`) is that word; `nil` when empty.
    public static func selected(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else {
            let word = HostFiles.trimmed(text)
            return word.isEmpty || word.contains(" ") ? nil : word
        }
        return String(text[text.index(after: open)..<close])
    }

    /// `Key: value [kB]` lines of `/proc/meminfo` as integers.
    static func meminfo(_ text: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let fields = line[line.index(after: colon)...].split(separator: " ")
            if let first = fields.first, let value = Int(first) { values[String(line[..<colon])] = value }
        }
        return values
    }

    /// The banned CPUs of an irqbalance environment file, `nil` when it bans none.
    static func bannedCPUs(_ text: String) -> Set<Int>? {
        var banned: Set<Int>?
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0.isWhitespace }
            if trimmed.hasPrefix("#") { continue }
            for (key, isMask) in [("IRQBALANCE_BANNED_CPULIST=", false), ("IRQBALANCE_BANNED_CPUS=", true)]
            where trimmed.hasPrefix(key) {
                let value = String(trimmed.dropFirst(key.count)).filter { $0 != "\"" && $0 != "'" }
                let cpus = isMask ? CPUList.parseMask(value) : CPUList.parse(value)
                if let cpus { banned = (banned ?? []).union(cpus) }
            }
        }
        return banned
    }

    /// `7` for `cpu7` with prefix `cpu`; `nil` for `cpufreq` or `cpu`.
    static func number(after prefix: String, in name: String) -> Int? {
        guard name.hasPrefix(prefix) else { return nil }
        return Int(name.dropFirst(prefix.count))
    }
}
