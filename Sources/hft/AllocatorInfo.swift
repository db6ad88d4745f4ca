import CJemalloc
import CJemallocConfig
import Engine
import Foundation

/// What the report headers say about memory: the allocator, its transparent-huge-page option, and
/// how much of the process is resident on huge pages now (`/proc/self/smaps_rollup`).
enum AllocatorInfo {
    static func line() -> String {
        guard let version = hft_jemalloc_version() else { return "system malloc" }
        var out = "jemalloc \(String(cString: version).split(separator: "-").first.map(String.init) ?? "")"
        if let thp = hft_jemalloc_thp() {
            let compiled = String(cString: hft_jemalloc_compiled_conf())
            out += ", thp:\(String(cString: thp))"
            if ProcessInfo.processInfo.environment["MALLOC_CONF"] != nil { out += " (MALLOC_CONF set; compiled in: \(compiled))" }
        }
        if let (huge, resident) = residentKiB() {
            out += "; \(huge / 1024) of \(resident / 1024) MiB resident on huge pages"
        }
        if let mode = systemTHP() { out += " (transparent_hugepage: \(mode))" }
        return out
    }

    /// AnonHugePages and Rss of this process, in KiB.
    static func residentKiB() -> (huge: Int, resident: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/self/smaps_rollup", encoding: .utf8) else { return nil }
        var huge: Int?, resident: Int?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let v = Int(parts[1]) else { continue }
            if parts[0] == "AnonHugePages:" { huge = v }
            if parts[0] == "Rss:" { resident = v }
        }
        guard let huge, let resident else { return nil }
        return (huge, resident)
    }

    /// The selected word of `/sys/kernel/mm/transparent_hugepage/enabled`, read as `hft tune check` reads it.
    static func systemTHP() -> String? {
        guard let text = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8) else { return nil }
        return HostSnapshot.selected(text)
    }
}
