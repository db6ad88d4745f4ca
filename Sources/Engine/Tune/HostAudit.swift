import HFTRuntime

/// Audits a host against a `Topology`: isolated cores, nohz_full/rcu_nocbs, governor, THP, huge
/// pages, IRQ affinity and irqbalance, TSC and clocksource, NUMA, swap, and whether each
/// busy-spinning thread has a core of its own; and whether this binary was built for the host's
/// CPU. Each finding says exactly what to change.
///
/// Everything is read below `root`, so tests point it at a fake tree; cold path only.
/// ```swift
/// let report = try HostAudit().run(topology: .default(forCPUCount: 2))
/// print(report.text()); if report.hasFailures { exit(1) }
/// ```
public struct HostAudit: Sendable {
    /// The filesystem root to read (`/` for this machine).
    public var root: String
    /// The binary whose build the `build` check compares with the host's CPU.
    public var build: BuildTarget

    /// The apply script that the fixes name, relative to the package root.
    public static let applyScript = "Tuning/host/apply.sh"

    /// Ring memory the default pipeline wants on huge pages: the feed ByteRing (16 MiB) plus four
    /// event rings of 65 536 slots × 64 B (4 MiB each) = 32 MiB, i.e. 16 pages of 2 MiB.
    public static let defaultRingBytes = 32 << 20

    public init(root: String = "/", build: BuildTarget = .current) {
        self.root = root
        self.build = build
    }

    /// Reads the host below `root`.
    /// - Throws: `HostAuditError.rootNotFound` when `root` is not a readable directory.
    public func snapshot() throws(HostAuditError) -> HostSnapshot {
        if !HostFiles(root: root).isDirectory("/") { throw .rootNotFound(root) }
        return HostSnapshot.read(root: root)
    }

    /// Reads the host and audits it against `topology`.
    /// - Parameter ringBytes: ring memory that should fit in reserved huge pages.
    /// - Throws: `HostAuditError.rootNotFound` when `root` is not a readable directory.
    public func run(topology: Topology, ringBytes: Int = HostAudit.defaultRingBytes) throws(HostAuditError) -> HostAuditReport {
        let snapshot = try snapshot()
        return HostAuditReport(topology: topology, snapshot: snapshot, ringBytes: ringBytes,
                               findings: Self.findings(for: snapshot, topology: topology, ringBytes: ringBytes, build: build))
    }

    /// The findings for an already read host, one or more per check, in a fixed check order.
    public static func findings(for snapshot: HostSnapshot, topology: Topology, ringBytes: Int = defaultRingBytes,
                                build: BuildTarget = .current) -> [HostFinding] {
        let plan = HostAuditPlan(topology: topology, snapshot: snapshot)
        return [
            coresCheck(plan),
            isolationCheck(plan),
            nohzFullCheck(plan),
            rcuNocbsCheck(plan),
            governorCheck(plan),
            thpCheck(plan, setting: "enabled", value: snapshot.thpEnabled),
            thpCheck(plan, setting: "defrag", value: snapshot.thpDefrag),
            hugePagesCheck(plan, ringBytes: ringBytes),
            irqAffinityCheck(plan),
            irqbalanceCheck(plan),
            tscCheck(plan),
            clocksourceCheck(plan),
            numaCheck(plan),
            swapCheck(plan),
            buildCheck(plan, build: build),
        ]
    }
}
