import ArgumentParser
import Engine
import HFTRuntime

/// `hft tune check`: audit this host against a topology and say what to change.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Host tuning for low-latency runs (see Tuning/host/).",
        subcommands: [Check.self]
    )

    /// `hft tune check [--topology default|colo] [--cores N] [--json] [--root PATH]`
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audit isolated cores, nohz_full/rcu_nocbs, governor, THP, huge pages, IRQ affinity, irqbalance, TSC, NUMA and swap against a topology.",
            discussion: """
            Prints one line per check (ok, WARN, FAIL) and, for each problem, the exact fix: a \
            Tuning/host/apply.sh call, a kernel command line parameter or a sysctl. Exits 1 when any \
            check fails (the topology cannot run as chosen on this host), else 0. Reads only.
            """)

        /// The named topologies of DESIGN.md.
        enum TopologyName: String, ExpressibleByArgument, CaseIterable {
            case `default`, colo
        }

        @Option(help: "Topology to audit against: default (backoff, fits the CPU count) or colo (one isolated busySpin core per stage, cores 1-5).")
        var topology: TopologyName = .default
        @Option(help: "CPU count the default topology is laid out for (default: the audited host's online CPUs).")
        var cores: Int?
        @Option(name: .customLong("ring-mib"), help: "Ring memory that should fit in reserved huge pages, in MiB.")
        var ringMiB: Int = HostAudit.defaultRingBytes >> 20
        @Flag(help: "Print the report as JSON.") var json = false
        @Option(help: "Filesystem root to audit (a directory laid out like /; for tests and offline checks).")
        var root: String = "/"
        @Option(help: "Also measure each topology core's jitter for this many seconds (spins those cores meanwhile): idle cycles of a busy-spinning thread that took ≥ 10 µs.")
        var jitter: Double?
        @Flag(help: "Also measure how far each topology core's caches reach: dependent-load latency by working set, 16 KiB to past the last-level cache (a few seconds per core, one core at a time).")
        var memory = false

        func validate() throws {
            if let cores, cores < 1 { throw ValidationError("--cores must be at least 1") }
            if let jitter, !(jitter > 0 && jitter <= 600) { throw ValidationError("--jitter must be in (0, 600] seconds") }
            if ringMiB < 0 { throw ValidationError("--ring-mib must not be negative") }
        }

        func run() throws {
            let audit = HostAudit(root: root)
            let snapshot: HostSnapshot
            do { snapshot = try audit.snapshot() } catch { throw ValidationError(error.description) }
            let chosen: Topology = switch topology {
            case .default: .default(forCPUCount: cores ?? snapshot.onlineCPUs.count)
            case .colo: .colo()
            }
            let ringBytes = ringMiB << 20
            var report = HostAuditReport(topology: chosen, snapshot: snapshot, ringBytes: ringBytes,
                                         findings: HostAudit.findings(for: snapshot, topology: chosen, ringBytes: ringBytes))
            if let jitter {
                guard root == "/" else { throw ValidationError("--jitter measures this host: it cannot be combined with --root") }
                let cores = Array(Set(chosen.threads.map(\.core))).sorted()
                do {
                    report.findings += try JitterProbe.measure(cores: cores, seconds: jitter).map { JitterProbe.finding(core: $0.core, jitter: $0.jitter) }
                } catch {
                    throw ValidationError("jitter probe: \(error)")
                }
            }
            if memory {
                guard root == "/" else { throw ValidationError("--memory measures this host: it cannot be combined with --root") }
                let lastLevel = MachineDescription.read().caches.filter { $0.type != "Instruction" }.max { $0.level < $1.level }
                    .flatMap { MemoryLatencyProbe.bytes(sysfsSize: $0.size) }
                for core in Array(Set(chosen.threads.map(\.core))).sorted() {
                    do {
                        let points = try MemoryLatencyProbe.measure(core: core, sizes: MemoryLatencyProbe.sizes(lastLevelBytes: lastLevel))
                        report.findings.append(MemoryLatencyProbe.finding(core: core, points: points, lastLevelBytes: lastLevel))
                    } catch {
                        throw ValidationError("memory probe: \(error)")
                    }
                }
            }
            print(json ? report.json() : report.text())
            if report.hasFailures { throw ExitCode.failure }
        }
    }
}
