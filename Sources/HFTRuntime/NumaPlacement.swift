/// Where a long-lived buffer (ring memory, books) should live on a multi-socket machine.
///
/// Placement is advisory: on a machine with one NUMA node (this VM) every case degrades to a plain
/// cache-line-aligned allocation, because `numa_alloc_onnode` on a missing node still returns memory
/// and would hide a wrong configuration.
@frozen
public enum NumaPlacement: Sendable, Equatable {
    /// No preference: the first thread to touch each page decides (Linux first-touch policy).
    case anyNode
    /// On a given NUMA node.
    case node(Int)
    /// On the node of a CPU, normally the core of the thread that reads the memory (a ring's consumer).
    case nodeOfCPU(Int)
}
