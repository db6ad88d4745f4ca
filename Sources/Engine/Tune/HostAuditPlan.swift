import HFTRuntime

/// The core sets of a topology on one host, derived once for all checks.
struct HostAuditPlan {
    let topology: Topology
    let snapshot: HostSnapshot
    /// Online CPUs.
    let online: Set<Int>
    /// Cores that run a thread of the topology.
    let hotCores: Set<Int>
    /// Cores of busy-spinning threads.
    let spinCores: Set<Int>
    /// Online cores that run no thread (the OS, IRQs and housekeeping may go there).
    let spareCores: Set<Int>
    /// Online cores IRQs should leave: every hot core when a spare core exists, else only spinning ones.
    let irqFreeCores: Set<Int>

    init(topology: Topology, snapshot: HostSnapshot) {
        self.topology = topology
        self.snapshot = snapshot
        online = Set(snapshot.onlineCPUs)
        hotCores = Set(topology.threads.map(\.core))
        spinCores = Set(topology.threads.filter { $0.idle.spins }.map(\.core))
        spareCores = online.subtracting(hotCores)
        irqFreeCores = (spareCores.isEmpty ? spinCores : hotCores).intersection(online)
    }

    /// `Tuning/host/apply.sh --cores LIST --only STEP --yes`.
    func apply(_ step: String, cores: Set<Int>? = nil, extra: String = "") -> String {
        var command = HostAudit.applyScript
        if let cores, !cores.isEmpty { command += " --cores \(CPUList.format(cores))" }
        if !extra.isEmpty { command += " " + extra }
        return command + " --only \(step) --yes"
    }
}
