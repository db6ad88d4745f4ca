import CSystemShims

/// Never gives the core away: each idle step is one spin-wait hint (`pause` on x86).
///
/// The lowest wake-up latency (tens of ns) at the price of 100 % of a core.
/// - Warning: Only for a thread with an isolated core to itself. Two spinning threads sharing a
///   core hand off at scheduler-tick granularity (8 ms measured here), and a spinning thread on a
///   shared 2-core machine stalls everything else for 16–32 ms. `Topology.validate` warns when
///   spinning threads outnumber free cores.
@frozen
public struct BusySpinIdleStrategy: IdleStrategy, Sendable {
    @inlinable
    public init() {}

    @inlinable @inline(__always)
    public mutating func idle(workCount: Int) {
        if workCount > 0 { return }
        hft_cpu_relax()
    }

    @inlinable @inline(__always)
    public mutating func reset() {}
}
