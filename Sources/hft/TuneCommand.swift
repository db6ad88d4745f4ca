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

        func validate() throws {
            if let cores, cores < 1 { throw ValidationError("--cores must be at least 1") }
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
            let report = HostAuditReport(topology: chosen, snapshot: snapshot, ringBytes: ringBytes,
                                         findings: HostAudit.findings(for: snapshot, topology: chosen, ringBytes: ringBytes))
            print(json ? report.json() : report.text())
            if report.hasFailures { throw ExitCode.failure }
        }
    }
}
