import HFTRuntime

/// The individual checks of `HostAudit`, one function per check name.
extension HostAudit {
    /// The kernel command line parameters that isolate `cores` (need a reboot).
    static func isolationParameters(_ cores: Set<Int>) -> String {
        let list = CPUList.format(cores)
        return "isolcpus=managed_irq,domain,\(list) nohz_full=\(list) rcu_nocbs=\(list)"
    }

    /// The fix for missing boot-time isolation: the parameters, and where `apply.sh` prints the whole line.
    static func cmdlineFix(_ plan: HostAuditPlan) -> String {
        "add to the kernel command line and reboot: \(isolationParameters(plan.spinCores)) "
            + "(\(applyScript) --cores \(CPUList.format(plan.spinCores)) --only cmdline prints how)"
    }

    /// `cores`: every thread on an online core; each busySpin thread alone on its core, one core left for the OS.
    static func coresCheck(_ plan: HostAuditPlan) -> HostFinding {
        let online = plan.snapshot.onlineCPUs
        let onlineText = "\(online.count) online CPUs (\(CPUList.format(online)))"
        let validation: TopologyValidation
        do {
            validation = try plan.topology.validate(cpuCount: online.count, allowedCores: plan.online, reservedCores: 1)
        } catch {
            let needed = (plan.topology.threads.map(\.core).max() ?? 0) + 1
            return HostFinding(severity: .fail, check: "cores", observed: "\(error)",
                               expected: "every thread on an online core",
                               fix: "pick cores within \(CPUList.format(online)) (e.g. --topology default) or run on a host with at least \(needed) CPUs")
        }
        if !validation.warnings.isEmpty {
            let needed = plan.topology.threads.filter { $0.idle.spins }.count + 1
            return HostFinding(severity: .fail, check: "cores",
                               observed: validation.warnings.map(\.description).joined(separator: "; ") + " (\(onlineText))",
                               expected: "each busySpin thread alone on its core, plus one core for the OS",
                               fix: "give each busySpin thread its own core (\(needed) CPUs needed) or use backoff idling (--topology default)")
        }
        let spinning = plan.topology.threads.filter { $0.idle.spins }.count
        return HostFinding(severity: .ok, check: "cores",
                           observed: "\(plan.topology.threads.count) threads on cores \(CPUList.format(plan.hotCores)), \(spinning) busySpin; \(onlineText)",
                           expected: "every thread on an online core, each busySpin thread alone on its core")
    }

    /// `isolation`: busySpin cores in `isolated` (or `isolcpus=`), so the scheduler puts nothing else there.
    static func isolationCheck(_ plan: HostAuditPlan) -> HostFinding {
        let isolated = plan.snapshot.isolated ?? plan.snapshot.cmdlineIsolcpus ?? []
        let observedIsolated = isolated.isEmpty ? "no isolated cores" : "isolated \(CPUList.format(isolated))"
        if plan.spinCores.isEmpty {
            return HostFinding(severity: .ok, check: "isolation", observed: observedIsolated,
                               expected: "none required: no busySpin threads (backoff threads share cores with the OS)")
        }
        let missing = plan.spinCores.subtracting(isolated)
        if missing.isEmpty {
            return HostFinding(severity: .ok, check: "isolation", observed: observedIsolated,
                               expected: "busySpin cores \(CPUList.format(plan.spinCores)) isolated")
        }
        return HostFinding(severity: .fail, check: "isolation",
                           observed: "\(observedIsolated); busySpin cores \(CPUList.format(missing)) are not",
                           expected: "busySpin cores \(CPUList.format(plan.spinCores)) isolated",
                           fix: cmdlineFix(plan))
    }

    /// `nohz_full`: no scheduler tick on busySpin cores.
    static func nohzFullCheck(_ plan: HostAuditPlan) -> HostFinding {
        tickless(plan, check: "nohz_full", cores: plan.snapshot.nohzFull ?? plan.snapshot.cmdlineNohzFull,
                 why: "no timer tick on busySpin cores")
    }

    /// `rcu_nocbs`: RCU callbacks off busySpin cores.
    static func rcuNocbsCheck(_ plan: HostAuditPlan) -> HostFinding {
        tickless(plan, check: "rcu_nocbs", cores: plan.snapshot.cmdlineRcuNocbs ?? plan.snapshot.cmdlineNohzFull,
                 why: "RCU callbacks off busySpin cores (nohz_full implies it)")
    }

    private static func tickless(_ plan: HostAuditPlan, check: String, cores: Set<Int>?, why: String) -> HostFinding {
        let observed = cores.map { $0.isEmpty ? "empty" : CPUList.format($0) } ?? "not set"
        if plan.spinCores.isEmpty {
            return HostFinding(severity: .ok, check: check, observed: observed, expected: "none required: no busySpin threads")
        }
        let missing = plan.spinCores.subtracting(cores ?? [])
        if missing.isEmpty {
            return HostFinding(severity: .ok, check: check, observed: observed, expected: "\(CPUList.format(plan.spinCores)): \(why)")
        }
        return HostFinding(severity: .warn, check: check, observed: "\(observed); missing \(CPUList.format(missing))",
                           expected: "\(CPUList.format(plan.spinCores)): \(why)", fix: cmdlineFix(plan))
    }

    /// `governor`: `performance` on every hot core; `powersave` fails, other governors warn,
    /// no cpufreq (VMs) warns.
    static func governorCheck(_ plan: HostAuditPlan) -> HostFinding {
        let cores = plan.hotCores.intersection(plan.online).sorted()
        let exposed = cores.compactMap { core in plan.snapshot.governors[core].map { (core, $0) } }
        if exposed.isEmpty {
            return HostFinding(severity: .warn, check: "governor",
                               observed: "not exposed (no cpufreq on cores \(CPUList.format(cores)): VM or no cpufreq driver)",
                               expected: "performance",
                               fix: "nothing to set on this host: frequency is up to the hypervisor or firmware (performance profile, C-states off)")
        }
        let observed = exposed.map { "cpu\($0.0): \($0.1)" }.joined(separator: ", ")
        let wrong = exposed.filter { $0.1 != "performance" }
        if wrong.isEmpty {
            return HostFinding(severity: .ok, check: "governor", observed: observed, expected: "performance")
        }
        let severity: HostFinding.Severity = wrong.contains { $0.1 == "powersave" } ? .fail : .warn
        return HostFinding(severity: severity, check: "governor", observed: observed, expected: "performance",
                           fix: plan.apply("governor", cores: Set(wrong.map(\.0))))
    }

    /// `thp` / `thp-defrag`: transparent huge pages. `enabled` should be `madvise`: `hft`'s allocator
    /// advises huge pages for its own memory (books, rings, models: fewer TLB misses, each of which
    /// walks two page tables under a hypervisor), and nothing else gets them; `always` stalls other
    /// processes on compaction, `never` leaves `hft` on 4 KiB pages. `defrag` anything but `always`.
    static func thpCheck(_ plan: HostAuditPlan, setting: String, value: String?) -> HostFinding {
        let check = setting == "enabled" ? "thp" : "thp-defrag"
        let expected = setting == "enabled" ? "madvise (hft advises huge pages for its own memory)" : "madvise, defer+madvise, defer or never"
        guard let value else {
            return HostFinding(severity: .warn, check: check, observed: "not exposed (transparent_hugepage/\(setting) absent)",
                               expected: expected, fix: nil)
        }
        if value == "always" {
            return HostFinding(severity: .warn, check: check, observed: "[always]", expected: expected,
                               fix: plan.apply("thp"))
        }
        if value == "never" && setting == "enabled" {
            return HostFinding(severity: .warn, check: check, observed: "[never] (hft's memory stays on 4 KiB pages)", expected: expected,
                               fix: plan.apply("thp"))
        }
        return HostFinding(severity: .ok, check: check, observed: "[\(value)]", expected: expected)
    }

    /// `hugepages`: enough reserved and free huge pages for the rings.
    static func hugePagesCheck(_ plan: HostAuditPlan, ringBytes: Int) -> HostFinding {
        let snapshot = plan.snapshot
        guard let total = snapshot.hugePagesTotal, let sizeKiB = snapshot.hugePageSizeKiB, sizeKiB > 0 else {
            return HostFinding(severity: .warn, check: "hugepages", observed: "not exposed (/proc/meminfo has no HugePages_Total)",
                               expected: "huge pages for \(ringBytes >> 20) MiB of rings")
        }
        let pageBytes = sizeKiB * 1024
        let needed = (max(0, ringBytes) + pageBytes - 1) / pageBytes
        let free = snapshot.hugePagesFree ?? 0
        let observed = "\(total) reserved, \(free) free, \(sizeKiB) KiB each"
        let expected = "≥ \(needed) free (\(ringBytes >> 20) MiB of rings)"
        if free >= needed {
            return HostFinding(severity: .ok, check: "hugepages", observed: observed, expected: expected)
        }
        let target = total + (needed - free)
        return HostFinding(severity: .warn, check: "hugepages", observed: observed, expected: expected,
                           fix: plan.apply("hugepages", extra: "--hugepages \(target)"))
    }

    /// `irq-affinity`: no IRQ may land on a busySpin core (fail); with a spare core, none on any hot core (warn).
    static func irqAffinityCheck(_ plan: HostAuditPlan) -> HostFinding {
        let irqs = plan.snapshot.irqs
        if irqs.isEmpty {
            return HostFinding(severity: .warn, check: "irq-affinity", observed: "not exposed (no /proc/irq/*/smp_affinity_list)",
                               expected: "IRQs off cores \(CPUList.format(plan.irqFreeCores))")
        }
        if plan.irqFreeCores.isEmpty {
            return HostFinding(severity: .ok, check: "irq-affinity",
                               observed: "\(irqs.count) IRQs; no spare core to move them to and no busySpin core to protect",
                               expected: "IRQs off busySpin cores (with a spare core: off every hot core)")
        }
        let landing = irqs.filter { !$0.cpus.isDisjoint(with: plan.irqFreeCores) }
        let defaultLands = plan.snapshot.defaultIRQAffinity.map { !$0.isDisjoint(with: plan.irqFreeCores) } ?? false
        let expected = "IRQs off cores \(CPUList.format(plan.irqFreeCores))"
        if landing.isEmpty && !defaultLands {
            return HostFinding(severity: .ok, check: "irq-affinity", observed: "\(irqs.count) IRQs, none on \(CPUList.format(plan.irqFreeCores))",
                               expected: expected)
        }
        var observed = landing.isEmpty ? "" : "\(landing.count) of \(irqs.count) IRQs may run there: " + describe(landing)
        if defaultLands {
            if !observed.isEmpty { observed += "; " }
            observed += "default_smp_affinity covers \(CPUList.format(plan.snapshot.defaultIRQAffinity ?? []))"
        }
        let severity: HostFinding.Severity = landing.contains { !$0.cpus.isDisjoint(with: plan.spinCores) } ? .fail : .warn
        let destination = plan.online.subtracting(plan.irqFreeCores)
        return HostFinding(severity: severity, check: "irq-affinity", observed: observed, expected: expected,
                           fix: destination.isEmpty ? nil : plan.apply("irq", cores: plan.irqFreeCores))
    }

    private static func describe(_ irqs: [HostSnapshot.IRQ]) -> String {
        let shown = irqs.prefix(8).map { irq in
            let name = irq.actions.isEmpty ? "" : " " + irq.actions.joined(separator: "+")
            return "\(irq.number)\(name)→\(CPUList.format(irq.cpus))"
        }
        return shown.joined(separator: ", ") + (irqs.count > 8 ? ", +\(irqs.count - 8) more" : "")
    }

    /// `irqbalance`: when it runs, it must ban the cores IRQs should leave, or it moves them back.
    static func irqbalanceCheck(_ plan: HostAuditPlan) -> HostFinding {
        let snapshot = plan.snapshot
        let banned = snapshot.irqbalanceBannedCPUs ?? []
        let observed = snapshot.irqbalanceRunning
            ? "running, banned cores: \(banned.isEmpty ? "none" : CPUList.format(banned))" : "not running"
        let expected = plan.irqFreeCores.isEmpty ? "nothing to ban" : "not running, or banning \(CPUList.format(plan.irqFreeCores))"
        if !snapshot.irqbalanceRunning || plan.irqFreeCores.isSubset(of: banned) {
            return HostFinding(severity: .ok, check: "irqbalance", observed: observed, expected: expected)
        }
        return HostFinding(severity: .warn, check: "irqbalance", observed: observed, expected: expected,
                           fix: plan.apply("irq", cores: plan.irqFreeCores))
    }

    /// `tsc`: an invariant TSC (CPUID, or `constant_tsc` + `nonstop_tsc`), else `TSCClock` falls back to `CLOCK_MONOTONIC`.
    static func tscCheck(_ plan: HostAuditPlan) -> HostFinding {
        let snapshot = plan.snapshot
        let constant = snapshot.cpuFlags.contains("constant_tsc")
        let nonstop = snapshot.cpuFlags.contains("nonstop_tsc")
        var observed = "constant_tsc \(constant ? "yes" : "no"), nonstop_tsc \(nonstop ? "yes" : "no")"
        if let cpuid = snapshot.cpuidInvariantTSC { observed += ", CPUID invariant \(cpuid ? "yes" : "no")" }
        let expected = "invariant TSC (constant_tsc and nonstop_tsc)"
        if snapshot.cpuidInvariantTSC == true || (constant && nonstop) {
            return HostFinding(severity: .ok, check: "tsc", observed: observed, expected: expected)
        }
        return HostFinding(severity: .warn, check: "tsc", observed: observed, expected: expected,
                           fix: "no software fix: use a CPU with invariant TSC (KVM/QEMU guests: -cpu host,+invtsc); until then TSCClock uses CLOCK_MONOTONIC")
    }

    /// `clocksource`: the kernel timekeeps with `tsc` (others make `clock_gettime` slow or a syscall).
    static func clocksourceCheck(_ plan: HostAuditPlan) -> HostFinding {
        let snapshot = plan.snapshot
        guard let current = snapshot.clocksource else {
            return HostFinding(severity: .warn, check: "clocksource", observed: "not exposed", expected: "tsc")
        }
        if current == "tsc" {
            return HostFinding(severity: .ok, check: "clocksource", observed: current, expected: "tsc")
        }
        let runtime = snapshot.availableClocksources.contains("tsc")
            ? "echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource; to keep it, " : ""
        return HostFinding(severity: .warn, check: "clocksource",
                           observed: "\(current) (available: \(snapshot.availableClocksources.joined(separator: " ")))",
                           expected: "tsc", fix: runtime + "add clocksource=tsc tsc=reliable to the kernel command line")
    }

    /// `numa`: all threads of the pipeline on one NUMA node (rings would cross the interconnect otherwise).
    static func numaCheck(_ plan: HostAuditPlan) -> HostFinding {
        let nodes = plan.snapshot.numaNodes
        if nodes.isEmpty {
            return HostFinding(severity: .ok, check: "numa", observed: "no NUMA nodes in sysfs: one node assumed",
                               expected: "all threads on one node")
        }
        var placement: [String] = []
        var used = Set<Int>()
        for thread in plan.topology.threads {
            let node = nodes.first { $0.value.contains(thread.core) }?.key
            placement.append("\(thread.name)@\(thread.core)→\(node.map { "node\($0)" } ?? "no node")")
            used.insert(node ?? -1)
        }
        let observed = "\(nodes.count) node\(nodes.count == 1 ? "" : "s"); " + placement.joined(separator: ", ")
        if used.count <= 1 && !used.contains(-1) {
            return HostFinding(severity: .ok, check: "numa", observed: observed, expected: "all threads on one node")
        }
        let choices = nodes.sorted { $0.key < $1.key }.map { "node\($0.key): \(CPUList.format($0.value))" }.joined(separator: "; ")
        return HostFinding(severity: .warn, check: "numa", observed: observed, expected: "all threads on one node",
                           fix: "move every thread's core onto one node (\(choices))")
    }

    /// `swap`: no swap, or `vm.swappiness` ≤ 10 (hft also mlocks its memory).
    static func swapCheck(_ plan: HostAuditPlan) -> HostFinding {
        let snapshot = plan.snapshot
        let expected = "no swap, or vm.swappiness ≤ 10"
        guard let swapKiB = snapshot.swapTotalKiB else {
            return HostFinding(severity: .warn, check: "swap", observed: "not exposed (/proc/meminfo has no SwapTotal)", expected: expected)
        }
        let swappiness = snapshot.swappiness.map(String.init) ?? "unknown"
        let observed = (swapKiB == 0 ? "no swap" : "swap \(swapKiB >> 10) MiB") + ", vm.swappiness \(swappiness)"
        if swapKiB == 0 || (snapshot.swappiness ?? 100) <= 10 {
            return HostFinding(severity: .ok, check: "swap", observed: observed, expected: expected)
        }
        return HostFinding(severity: .warn, check: "swap", observed: observed, expected: expected,
                           fix: plan.apply("swappiness"))
    }

    /// `build`: a release build, compiled for this CPU when it has AVX2 and FMA (`haswell`): a baseline
    /// x86-64 build runs the TCN and TabNet kernels at half the vector width (`HFT_TARGET_CPU`,
    /// Package.swift). A build for `haswell` on a CPU without its instruction sets cannot run here.
    static func buildCheck(_ plan: HostAuditPlan, build: BuildTarget) -> HostFinding {
        let flags = plan.snapshot.cpuFlags
        let missing = BuildTarget.haswellFlags.filter { !flags.contains($0) }
        let expected = missing.isEmpty ? "release for haswell (this CPU has AVX2, FMA and BMI2)" : "release"
        let rebuild = "make release (sets HFT_TARGET_CPU from .ci/target-cpu)"
        if build.debug {
            return HostFinding(severity: .warn, check: "build", observed: build.description, expected: expected, fix: rebuild)
        }
        guard let cpu = build.cpu else {
            if missing.isEmpty {
                return HostFinding(severity: .warn, check: "build", observed: build.description, expected: expected,
                                   fix: rebuild + ", or HFT_TARGET_CPU=haswell swift build -c release")
            }
            return HostFinding(severity: .ok, check: "build", observed: build.description + " (this CPU lacks \(missing.joined(separator: " ")))",
                               expected: expected)
        }
        if cpu == "haswell" && !missing.isEmpty {
            return HostFinding(severity: .fail, check: "build", observed: "\(build.description); this CPU lacks \(missing.joined(separator: " "))",
                               expected: expected, fix: "HFT_TARGET_CPU= make release (baseline x86-64)")
        }
        return HostFinding(severity: .ok, check: "build", observed: build.description, expected: expected)
    }
}
