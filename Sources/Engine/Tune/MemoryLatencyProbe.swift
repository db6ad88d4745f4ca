import CSystemShims
import Foundation
import HFTPrimitives
import HFTRuntime
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `hft tune check --memory`: how far this core's caches really reach, measured. A chain of
/// dependent loads (each reads the address of the next) walks one random cycle through every 64-byte
/// line of a working set, on transparent huge pages where the kernel grants them (so that page walks
/// stay out of the numbers), for working sets from 16 KiB to well past the last-level cache. The time
/// per load is the latency of the level that holds the set.
///
/// What the sizes in sysfs cannot show: on a shared host the last-level cache is split with other
/// tenants (or partitioned by Intel CAT / AMD QoS), so a working set that fits the size the CPU
/// reports still goes to memory. The finding warns when sets above half of the reported L3 are
/// already served at memory latency. Cold path; spins one core for a few seconds.
public enum MemoryLatencyProbe {
    /// Latency at one working-set size.
    public struct Point: Sendable, Hashable {
        public var bytes: Int
        /// Median of the timed walks, nanoseconds per dependent load.
        public var nanosPerLoad: Double

        public init(bytes: Int, nanosPerLoad: Double) {
            self.bytes = bytes
            self.nanosPerLoad = nanosPerLoad
        }
    }

    public static let lineBytes = 64

    /// 16 KiB … 64 MiB, and up to 4 × `lastLevelBytes` (at most 1 GiB) when the CPU reports a larger
    /// last-level cache, so that the largest set is served by memory.
    public static func sizes(lastLevelBytes: Int?) -> [Int] {
        var out = [16 << 10, 64 << 10, 256 << 10]
        var s = 1 << 20
        let top = min(max(64 << 20, 4 &* (lastLevelBytes ?? 0)), 1 << 30)
        while s <= top {
            out.append(s)
            s &*= 2
        }
        return out
    }

    /// A permutation of `0 ..< n` that is one cycle through all `n` values (Sattolo's shuffle with a
    /// deterministic xorshift64* generator): following `next[i]` from any line visits every line once.
    static func cycle(_ n: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [Int32] {
        var next = (0..<n).map { Int32($0) }
        var g = XorShift64Star(seed: seed)
        var i = n &- 1
        while i > 0 {
            next.swapAt(i, Int(g.next() % UInt64(i)))
            i &-= 1
        }
        return next
    }

    /// Follows `loads` pointers from `start`; returns where it stopped (so that the loads are kept).
    @inline(never)
    static func walk(_ start: UnsafeRawPointer, loads: Int) -> UnsafeRawPointer {
        // SAFETY: every line of the region holds the address of a line of the same region (`measure`).
        var p = start
        var n = loads >> 3
        while n > 0 {
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            p = p.load(as: UnsafeRawPointer.self)
            n &-= 1
        }
        return p
    }

    /// The latency at each of `sizes` (bytes, ascending) on the calling thread: per size, one untimed
    /// pass over the cycle, then `repeats` timed walks of at least two passes and 2²¹ loads each.
    /// - Returns: nil when the memory cannot be mapped.
    static func measureHere(sizes: [Int], repeats: Int = 3) -> [Point]? {
        guard let largest = sizes.max(), largest >= lineBytes else { return [] }
        let huge = 2 << 20
        let length = largest &+ huge
        guard let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), mapped != MAP_FAILED else {
            return nil
        }
        defer { munmap(mapped, length) }
        // SAFETY: `base ..< base + largest` lies inside the mapping (aligned up by less than `huge`).
        let base = UnsafeMutableRawPointer(bitPattern: (Int(bitPattern: mapped) &+ huge &- 1) & ~(huge &- 1))!
        _ = hft_madvise_hugepage(base, largest)
        var points: [Point] = []
        for bytes in sizes {
            let lines = bytes / lineBytes
            let next = cycle(lines)
            for i in 0..<lines {
                base.storeBytes(of: UnsafeRawPointer(base + Int(next[i]) &* lineBytes), toByteOffset: i &* lineBytes, as: UnsafeRawPointer.self)
            }
            var p = walk(UnsafeRawPointer(base), loads: max(lines, 8))
            let loads = max(2 &* lines, 1 << 21)
            var times: [Double] = []
            for _ in 0..<max(repeats, 1) {
                let t0 = hft_monotonic_ns()
                p = walk(p, loads: loads)
                times.append(Double(hft_monotonic_ns() &- t0) / Double(loads & ~7))
            }
            // The walk's end is used, so the loads cannot be dropped.
            if p == UnsafeRawPointer(bitPattern: 1) { times.append(0) }
            points.append(Point(bytes: bytes, nanosPerLoad: times.sorted()[times.count / 2]))
        }
        return points
    }

    /// Failures of `measure`.
    public enum ProbeError: Error, CustomStringConvertible, Equatable {
        /// The probe thread could not be pinned to the core.
        case pinFailed(core: Int, errno: Int32)
        /// `mmap` of the working sets failed.
        case mapFailed(bytes: Int)

        public var description: String {
            switch self {
            case .pinFailed(let core, let e): "cannot pin the probe to core \(core): \(String(cString: strerror(e)))"
            case .mapFailed(let bytes): "cannot map \(bytes >> 20) MiB for the working sets"
            }
        }
    }

    /// The latency at each of `sizes` on a thread pinned to `core` (blocks until done).
    public static func measure(core: Int, sizes: [Int]) throws(ProbeError) -> [Point] {
        let result = ProbeResult()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let rc = hft_pin_current_thread(Int32(core))
            let r: Result<[Point], ProbeError>
            if rc != 0 {
                r = .failure(.pinFailed(core: core, errno: rc))
            } else if let points = measureHere(sizes: sizes) {
                r = .success(points)
            } else {
                r = .failure(.mapFailed(bytes: sizes.max() ?? 0))
            }
            result.value.withLock { $0 = r }
            done.signal()
        }
        thread.name = "hft-memory-probe"
        thread.start()
        done.wait()
        // ORDERING: the semaphore's signal/wait orders the thread's write before this read; the lock makes it checkable.
        guard let r = result.value.withLock({ $0 }) else { return [] }
        return try r.get()
    }

    /// What the probe thread hands back.
    private final class ProbeResult: Sendable {
        let value = Mutex<Result<[Point], ProbeError>?>(nil)
    }

    /// The largest measured set served at under half the latency of the largest set (memory), or nil.
    public static func effectiveCacheBytes(_ points: [Point]) -> Int? {
        guard let memory = points.max(by: { $0.bytes < $1.bytes }), memory.nanosPerLoad > 0 else { return nil }
        return points.filter { $0.bytes < memory.bytes && $0.nanosPerLoad < memory.nanosPerLoad / 2 }.map(\.bytes).max()
    }

    /// `16K`, `4M`, `1G`.
    static func sizeName(_ bytes: Int) -> String {
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30)G"
            : bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20)M" : "\(bytes >> 10)K"
    }

    /// `36608K` (sysfs) → bytes.
    public static func bytes(sysfsSize: String) -> Int? {
        guard let unit = sysfsSize.last else { return nil }
        let shift = switch unit {
        case "K": 10
        case "M": 20
        case "G": 30
        default: -1
        }
        guard shift >= 0, let n = Int(sysfsSize.dropLast()), n > 0 else { return Int(sysfsSize) }
        return n << shift
    }

    /// The finding for `core`: `warn` when the sets served faster than memory stop below half of the
    /// last-level cache the CPU reports (`lastLevelBytes`), else `ok`.
    public static func finding(core: Int, points: [Point], lastLevelBytes: Int?) -> HostFinding {
        let table = points.map { "\(sizeName($0.bytes)) \(String(format: $0.nanosPerLoad < 10 ? "%.1f" : "%.0f", $0.nanosPerLoad))" }
            .joined(separator: ", ")
        let effective = effectiveCacheBytes(points)
        let reach = effective.map { "faster than memory up to \(sizeName($0))" } ?? "no set faster than half the memory latency"
        let reported = lastLevelBytes.map { " (the CPU reports \(sizeName($0)) of last-level cache)" } ?? ""
        let observed = "core \(core): ns per dependent load by working set: \(table); \(reach)\(reported)"
        guard let lastLevelBytes else {
            return HostFinding(severity: .ok, check: "memory", observed: observed, expected: "informational: the CPU reports no last-level cache size")
        }
        let expected = "sets up to half the last-level cache (\(sizeName(lastLevelBytes / 2))) served at under half the memory latency"
        if let effective, effective >= lastLevelBytes / 2 {
            return HostFinding(severity: .ok, check: "memory", observed: observed, expected: expected)
        }
        return HostFinding(severity: .warn, check: "memory", observed: observed, expected: expected,
                           fix: "the last-level cache is shared with other tenants or partitioned (Intel CAT, AMD L3 QoS): on a VM ask for "
                               + "a dedicated host or a whole socket; on bare metal give the trading cores their own cache ways "
                               + "(resctrl, `pqos -s` shows the allocation); until then every working set above "
                               + "\(effective.map(sizeName) ?? "the measured sizes") pays memory latency")
    }
}
