/// The kernel's CPU list notation (`0-3,5,8-9`) and hex CPU masks (`ff,00000003`), as used by
/// sysfs, procfs and the kernel command line. Cold path only.
public enum CPUList {
    /// The CPUs of a list such as `1-3,5` (whitespace ignored). Tokens that are not numbers or
    /// ranges, like the `domain`/`managed_irq` flags of `isolcpus=`, are skipped.
    public static func parse(_ text: Substring) -> Set<Int> {
        var cpus = Set<Int>()
        for token in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            let bounds = token.split(separator: "-", omittingEmptySubsequences: false)
            if bounds.count == 1, let cpu = Int(bounds[0]), cpu >= 0 {
                cpus.insert(cpu)
            } else if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]), low >= 0, low <= high,
                      high - low < 65_536 {
                cpus.formUnion(low...high)
            }
        }
        return cpus
    }

    /// The CPUs of a list such as `1-3,5`.
    public static func parse(_ text: String) -> Set<Int> { parse(text[...]) }

    /// The CPUs of a hex mask such as `3` or `ffffffff,00000001` (comma-separated 32-bit words,
    /// most significant first, as in `/proc/irq/default_smp_affinity`); `nil` if not hex.
    public static func parseMask(_ text: String) -> Set<Int>? {
        let digits = text.filter { $0 != "," && !$0.isWhitespace }
        if digits.isEmpty { return nil }
        var cpus = Set<Int>()
        for (position, digit) in digits.reversed().enumerated() {
            guard let value = digit.hexDigitValue else { return nil }
            for bit in 0..<4 where value & (1 << bit) != 0 { cpus.insert(position * 4 + bit) }
        }
        return cpus
    }

    /// The shortest list notation of `cpus`, e.g. `[1, 2, 3, 5]` → `1-3,5`; `""` for no CPUs.
    public static func format<S: Sequence>(_ cpus: S) -> String where S.Element == Int {
        let sorted = Set(cpus).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
