import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// What this machine says about its time stamp counter, read once at start-up (cold path).
public struct TSCSupport: Sendable, Hashable, CustomStringConvertible {
    /// The CPU is x86-64 (the only architecture where `hft_rdtsc` reads a counter).
    public var hasTSC: Bool
    /// CPUID.80000007H:EDX[8]: the TSC runs at a constant rate in all P-, C- and T-states.
    public var cpuidInvariant: Bool
    /// `/proc/cpuinfo` flag `constant_tsc`: the rate does not change with frequency scaling.
    public var constantTSC: Bool
    /// `/proc/cpuinfo` flag `nonstop_tsc`: the counter does not stop in deep C-states.
    public var nonstopTSC: Bool
    /// The kernel's current clocksource (`tsc`, `kvm-clock`, `hpet`, …), or `nil` if unreadable.
    public var clocksource: String?

    /// Whether the TSC can stand in for `CLOCK_MONOTONIC`: present and invariant, by CPUID or
    /// by the kernel's `constant_tsc` + `nonstop_tsc` flags (VMs often hide the CPUID bit).
    public var usable: Bool { hasTSC && (cpuidInvariant || (constantTSC && nonstopTSC)) }

    public init(hasTSC: Bool, cpuidInvariant: Bool, constantTSC: Bool, nonstopTSC: Bool, clocksource: String?) {
        self.hasTSC = hasTSC
        self.cpuidInvariant = cpuidInvariant
        self.constantTSC = constantTSC
        self.nonstopTSC = nonstopTSC
        self.clocksource = clocksource
    }

    /// Reads CPUID, `/proc/cpuinfo` and `/sys/devices/system/clocksource/clocksource0/current_clocksource`.
    public static func detect() -> TSCSupport {
        #if arch(x86_64)
        let hasTSC = true
        #else
        let hasTSC = false
        #endif
        let flags = cpuFlags(cpuinfo: readSmallFile("/proc/cpuinfo") ?? "")
        let source = readSmallFile("/sys/devices/system/clocksource/clocksource0/current_clocksource")?
            .split(whereSeparator: \.isWhitespace).first.map(String.init)
        return TSCSupport(
            hasTSC: hasTSC,
            cpuidInvariant: hft_cpu_has_invariant_tsc(),
            constantTSC: flags.contains("constant_tsc"),
            nonstopTSC: flags.contains("nonstop_tsc"),
            clocksource: source
        )
    }

    /// The flags of the first `flags` line of a `/proc/cpuinfo` text.
    public static func cpuFlags(cpuinfo: String) -> Set<Substring> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " "))
        }
        return []
    }

    public var description: String {
        "cpuid invariant \(cpuidInvariant), constant_tsc \(constantTSC), nonstop_tsc \(nonstopTSC), clocksource \(clocksource ?? "unknown")"
    }

    /// Reads a small text file (procfs/sysfs) with plain syscalls; `nil` on error.
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 4 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
