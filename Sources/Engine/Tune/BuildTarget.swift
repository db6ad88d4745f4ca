import CSystemShims

/// What a binary was compiled as: debug or release, and the CPU a release build targets
/// (`HFT_TARGET_CPU`, see Package.swift and `.ci/target-cpu`). Report headers print it, since a
/// latency number means little without it, and `hft tune check` compares it with the host's CPU.
public struct BuildTarget: Sendable, Hashable {
    /// A debug build: exclusivity checks on, no optimisation; its latencies are not the product's.
    public var debug: Bool
    /// The LLVM CPU name a release build was compiled for (`haswell`), nil for baseline x86-64.
    public var cpu: String?

    /// The instruction sets `.ci/target-cpu` requires before it names `haswell` (as `/proc/cpuinfo`
    /// spells them).
    public static let haswellFlags: [String] = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm", "popcnt"]

    public init(debug: Bool, cpu: String?) {
        self.debug = debug
        self.cpu = cpu
    }

    /// This binary.
    public static let current: BuildTarget = {
        #if DEBUG
        let debug = true
        #else
        let debug = false
        #endif
        return BuildTarget(debug: debug, cpu: hft_build_target_cpu().map { String(cString: $0) })
    }()

    /// One phrase for report headers: `release for haswell`, `release for baseline x86-64`, `debug`.
    public var description: String {
        if debug { return "debug (unoptimised: not for latency numbers)" }
        return "release for \(cpu ?? "baseline x86-64")"
    }
}
