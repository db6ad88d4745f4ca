import CSystemShims
import HFTRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The machine a latency number was measured on, as report headers and the bench's JSON and SVG
/// state it: CPU model, online CPUs, hypervisor, caches, clocksource and host name.
///
/// Read once per report from `/proc/cpuinfo`, `/sys/devices/system/cpu` and, on this machine's own
/// root, CPUID's hypervisor leaf. Cold path: plain syscalls and string work.
public struct MachineDescription: Sendable, Hashable, CustomStringConvertible {
    /// One cache of CPU 0 (`/sys/devices/system/cpu/cpu0/cache/indexN`).
    public struct Cache: Sendable, Hashable {
        /// 1, 2, 3.
        public var level: Int
        /// `Data`, `Instruction` or `Unified`, as sysfs spells it.
        public var type: String
        /// As sysfs spells it: `32K`, `36608K`.
        public var size: String

        public init(level: Int, type: String, size: String) {
            self.level = level
            self.type = type
            self.size = size
        }

        /// `L1d`, `L1i`, `L2`, `L3`.
        public var name: String {
            switch type {
            case "Data": "L\(level)d"
            case "Instruction": "L\(level)i"
            default: "L\(level)"
            }
        }
    }

    /// Whether the CPU runs under a hypervisor, and which one.
    public enum Virtualization: Sendable, Hashable {
        /// No `hypervisor` flag in `/proc/cpuinfo` (and, on this root, none in CPUID).
        case bareMetal
        /// A guest; the hypervisor's name when CPUID names it (`KVM`, `Hyper-V`, ...).
        case guest(String?)
    }

    /// `model name` of the first CPU in `/proc/cpuinfo` (`Intel(R) Xeon(R) Processor @ 2.50GHz`),
    /// nil where the kernel prints none (most ARM hosts).
    public var cpuModel: String?
    /// `cpu family` and `model` of the first CPU (`6`, `85`): the microarchitecture a generic model
    /// name hides.
    public var family: Int?
    public var model: Int?
    /// Online CPUs.
    public var cpus: Int
    public var virtualization: Virtualization
    /// CPU 0's caches, in sysfs index order.
    public var caches: [Cache]
    /// The kernel's current clocksource (`tsc`, `kvm-clock`), nil when unreadable.
    public var clocksource: String?
    /// `gethostname`.
    public var hostName: String

    public init(cpuModel: String?, family: Int?, model: Int?, cpus: Int, virtualization: Virtualization,
                caches: [Cache], clocksource: String?, hostName: String) {
        self.cpuModel = cpuModel
        self.family = family
        self.model = model
        self.cpus = cpus
        self.virtualization = virtualization
        self.caches = caches
        self.clocksource = clocksource
        self.hostName = hostName
    }

    /// Reads the machine below `root` (`/` for this one). CPUID names the hypervisor only on `/`:
    /// a directory laid out like a host has no CPU of its own.
    public static func read(root: String = "/") -> MachineDescription {
        let files = HostFiles(root: root)
        let cpuinfo = files.read("/proc/cpuinfo") ?? ""
        let first = firstProcessor(cpuinfo: cpuinfo)
        let online = files.read("/sys/devices/system/cpu/online").map(CPUList.parse)?.count ?? 0

        var caches: [Cache] = []
        let cacheDirectory = "/sys/devices/system/cpu/cpu0/cache"
        let indices = files.list(cacheDirectory).compactMap { name -> Int? in
            name.hasPrefix("index") ? Int(name.dropFirst("index".count)) : nil
        }.sorted()
        for index in indices {
            let base = "\(cacheDirectory)/index\(index)"
            guard let level = files.read(base + "/level").map(HostFiles.trimmed).flatMap({ Int($0) }),
                  let type = files.read(base + "/type").map(HostFiles.trimmed),
                  let size = files.read(base + "/size").map(HostFiles.trimmed), !size.isEmpty
            else { continue }
            caches.append(Cache(level: level, type: type, size: size))
        }

        var vendor: String?
        if files.isHostRoot {
            var bytes = [CChar](repeating: 0, count: 13)
            if hft_cpuid_hypervisor_vendor(&bytes) {
                vendor = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        let flagged = TSCSupport.cpuFlags(cpuinfo: cpuinfo).contains("hypervisor")
        let virtualization: Virtualization =
            vendor != nil || flagged ? .guest(vendor.map(hypervisorName(vendor:))) : .bareMetal

        return MachineDescription(
            cpuModel: first["model name"], family: first["cpu family"].flatMap { Int($0) },
            model: first["model"].flatMap { Int($0) },
            cpus: online > 0 ? online : Int(hft_cpu_count()), virtualization: virtualization, caches: caches,
            clocksource: files.read("/sys/devices/system/clocksource/clocksource0/current_clocksource")
                .map(HostFiles.trimmed).flatMap { $0.isEmpty ? nil : $0 },
            hostName: files.isHostRoot ? Self.hostName() : "")
    }

    /// The `key : value` pairs of the first processor block of a `/proc/cpuinfo` text, keys and
    /// values trimmed.
    static func firstProcessor(cpuinfo: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if fields.isEmpty { continue }
                break
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = HostFiles.trimmed(String(line[..<colon]))
            if fields[key] == nil { fields[key] = HostFiles.trimmed(String(line[line.index(after: colon)...])) }
        }
        return fields
    }

    /// A hypervisor's common name from its CPUID vendor signature; an unknown signature as it is.
    public static func hypervisorName(vendor: String) -> String {
        switch vendor.trimmingNULsAndSpaces {
        case "KVMKVMKVM": "KVM"
        case "Microsoft Hv": "Hyper-V"
        case "VMwareVMware": "VMware"
        case "XenVMMXenVMM": "Xen"
        case "TCGTCGTCGTCG": "QEMU (TCG)"
        case "ACRNACRNACRN": "ACRN"
        case "bhyve bhyve": "bhyve"
        case "VBoxVBoxVBox": "VirtualBox"
        case let other: other.isEmpty ? "unnamed" : other
        }
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The CPU in one phrase: `Intel(R) Xeon(R) Processor @ 2.50GHz (family 6, model 85)`.
    public var cpu: String {
        var out = cpuModel ?? "unknown CPU"
        if let family, let model { out += " (family \(family), model \(model))" }
        return out
    }

    /// `2 CPUs, KVM guest` or `64 CPUs, bare metal`.
    public var shape: String {
        let host: String
        switch virtualization {
        case .bareMetal: host = "bare metal"
        case .guest(let name?): host = "\(name) guest"
        case .guest(nil): host = "guest of an unnamed hypervisor"
        }
        return "\(cpus) CPU\(cpus == 1 ? "" : "s"), \(host)"
    }

    /// `L1d 32K, L1i 32K, L2 1024K, L3 36608K`, or `caches unknown`.
    public var cacheLine: String {
        caches.isEmpty ? "caches unknown" : caches.map { "\($0.name) \($0.size)" }.joined(separator: ", ")
    }

    /// One line for report headers and plot subtitles.
    public var description: String {
        var out = "\(cpu), \(shape); \(cacheLine)"
        if let clocksource { out += "; clocksource \(clocksource)" }
        if !hostName.isEmpty { out += "; host \(hostName)" }
        return out
    }
}

extension String {
    /// The vendor signature without padding NULs and spaces at either end.
    fileprivate var trimmingNULsAndSpaces: String {
        var scalars = Substring(self)
        while let c = scalars.first, c == "\0" || c == " " { scalars.removeFirst() }
        while let c = scalars.last, c == "\0" || c == " " { scalars.removeLast() }
        return String(scalars)
    }
}
