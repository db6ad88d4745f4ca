import HFTTelemetry

extension TradingEngine {
    /// The clock every in-process hop is stamped with.
    public static let hopClock = "CLOCK_MONOTONIC (vDSO) for every hop"

    /// What a latency report of this engine states besides its numbers, in this order: `machine`
    /// (`MachineDescription`), `topology` (the profile, each thread's core and stages), `idle` (each
    /// thread's idle strategy), `rate` (the offered rate, in the caller's words), `clock` and `build`.
    /// Cold path.
    public func reportContext(rate: String, machine: MachineDescription = .read()) -> ReportContext {
        let threads = effectiveTopology.threads
        var context = ReportContext()
        context["machine"] = machine.description
        context["topology"] = "\(config.topologyProfile): "
            + threads.map { "\($0.name) on core \($0.core) (\($0.stages.joined(separator: ", ")))" }.joined(separator: "; ")
        context["idle"] = threads.count > 1 && Set(threads.map(\.idle.name)).count == 1
            ? "\(threads[0].idle.name) on every thread"
            : threads.map { "\($0.name) \($0.idle.name)\($0.idle.spins ? "" : " (parks when idle)")" }.joined(separator: ", ")
        context["rate"] = rate
        context["clock"] = Self.hopClock
        context["build"] = BuildTarget.current.description
        return context
    }
}
