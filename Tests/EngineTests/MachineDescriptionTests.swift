import Foundation
import Testing
@testable import Engine

@Suite struct MachineDescriptionTests {
    static let cpuinfo = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 85
        model name\t: Intel(R) Xeon(R) Processor @ 2.50GHz
        flags\t\t: fpu tsc msr constant_tsc nonstop_tsc rdtscp hypervisor avx2

        processor\t: 1
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 106
        model name\t: Other CPU
        flags\t\t: fpu
        """

    /// A fake host with this CPU, its caches and a clocksource.
    static func host(cpuinfo: String = cpuinfo) throws -> FakeHostTree {
        let host = try FakeHostTree(cpus: 2)
        try host.write("/proc/cpuinfo", cpuinfo)
        for (index, level, type, size) in [(0, 1, "Data", "32K"), (1, 1, "Instruction", "32K"), (2, 2, "Unified", "1024K"), (3, 3, "Unified", "36608K")] {
            try host.write("/sys/devices/system/cpu/cpu0/cache/index\(index)/level", "\(level)")
            try host.write("/sys/devices/system/cpu/cpu0/cache/index\(index)/type", type)
            try host.write("/sys/devices/system/cpu/cpu0/cache/index\(index)/size", size)
        }
        return host
    }

    @Test func readsTheFirstCPUItsCachesAndTheHypervisorFlag() throws {
        let host = try Self.host()
        let m = MachineDescription.read(root: host.root)
        #expect(m.cpuModel == "Intel(R) Xeon(R) Processor @ 2.50GHz")
        #expect(m.family == 6 && m.model == 85)
        #expect(m.cpus == 2)
        #expect(m.virtualization == .guest(nil), "a fake root has no CPUID: the flag alone says guest")
        #expect(m.caches.map(\.name) == ["L1d", "L1i", "L2", "L3"])
        #expect(m.clocksource == "tsc")
        #expect(m.hostName.isEmpty)
        #expect(m.description == "Intel(R) Xeon(R) Processor @ 2.50GHz (family 6, model 85), 2 CPUs, guest of an unnamed hypervisor; "
            + "L1d 32K, L1i 32K, L2 1024K, L3 36608K; clocksource tsc")
    }

    @Test func bareMetalWithoutTheFlagAndUnknownsSaidSo() throws {
        let host = try Self.host(cpuinfo: "processor\t: 0\nflags\t\t: fpu tsc\n\nprocessor\t: 1\nflags\t\t: fpu hypervisor\n")
        try host.remove("/sys/devices/system/cpu/cpu0/cache")
        try host.remove("/sys/devices/system/clocksource")
        let m = MachineDescription.read(root: host.root)
        #expect(m.virtualization == .bareMetal, "only the first processor's flags count")
        #expect(m.cpuModel == nil && m.family == nil)
        #expect(m.description == "unknown CPU, 2 CPUs, bare metal; caches unknown")
    }

    @Test func hypervisorSignaturesHaveTheirCommonNames() {
        #expect(MachineDescription.hypervisorName(vendor: "KVMKVMKVM\0\0\0") == "KVM")
        #expect(MachineDescription.hypervisorName(vendor: "Microsoft Hv") == "Hyper-V")
        #expect(MachineDescription.hypervisorName(vendor: "VMwareVMware") == "VMware")
        #expect(MachineDescription.hypervisorName(vendor: "XenVMMXenVMM") == "Xen")
        #expect(MachineDescription.hypervisorName(vendor: "TCGTCGTCGTCG") == "QEMU (TCG)")
        #expect(MachineDescription.hypervisorName(vendor: "NewHyperVisr") == "NewHyperVisr")
        #expect(MachineDescription.hypervisorName(vendor: "\0\0\0") == "unnamed")
        var m = MachineDescription(cpuModel: "X", family: nil, model: nil, cpus: 64, virtualization: .guest("KVM"), caches: [],
                                   clocksource: nil, hostName: "colo1")
        #expect(m.description == "X, 64 CPUs, KVM guest; caches unknown; host colo1")
        m.cpus = 1
        m.virtualization = .bareMetal
        #expect(m.shape == "1 CPU, bare metal")
    }

    /// This machine: whatever it is, the description names its CPUs, and a `hypervisor` flag in
    /// `/proc/cpuinfo` makes it a guest (CPUID may name the hypervisor too).
    @Test func thisMachineIsDescribed() throws {
        let m = MachineDescription.read()
        #expect(m.cpus >= 1)
        #expect(m.description.contains("\(m.cpus) CPU"))
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))
            .map { MachineDescription.firstProcessor(cpuinfo: $0)["flags"] ?? "" } ?? ""
        if flags.split(separator: " ").contains("hypervisor") {
            guard case .guest = m.virtualization else {
                Issue.record("hypervisor flag but \(m.virtualization)")
                return
            }
        }
    }
}
