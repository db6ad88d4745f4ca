@testable import Analytics

/// A from-scratch volume profile over absolute bins (a dictionary), with the POC tie rule, the
/// ONE-ROW value-area rule and the smoothed-node rules written out plainly.
struct ProfileReference {
    let binWidth: Int64
    var volume: [Int64: Int64] = [:]
    var total: Int64 = 0
    var minBin: Int64 = 0
    var maxBin: Int64 = 0
    var poc: Int64 = 0
    var val: Int64 = 0
    var vah: Int64 = 0
    let config: VolumeProfileConfig
    let kernel: [Int64]
    /// `volume` as an array over bins `denseBase ..< denseBase + dense.count` (`minBin − r ...
    /// maxBin + r`, `r` the kernel radius, zeros between): `smoothed` reads it instead of the
    /// dictionary (a debug build spends most of these tests in dictionary lookups otherwise).
    var dense: [Int64] = []
    var denseBase: Int64 = 0

    var hasVolume: Bool { total > 0 }

    func bin(_ price: Int64) -> Int64 { ProfileReference.bin(price, binWidth) }

    static func bin(_ price: Int64, _ width: Int64) -> Int64 {
        let q = price / width
        return (price % width != 0 && price < 0) ? q - 1 : q
    }

    init(volume v: [Int64: Int64], config: VolumeProfileConfig, tick: Int64) {
        self.config = config
        binWidth = config.binTicks * tick
        kernel = config.smoothingKernel
        volume = v.filter { $0.value > 0 }
        total = volume.values.reduce(0, +)
        guard total > 0 else { return }
        minBin = volume.keys.min()!
        maxBin = volume.keys.max()!
        (poc, val, vah) = ProfileReference.pocAndValueArea(volume: volume, basisPoints: config.valueAreaBasisPoints)
        let r = Int64(max(kernel.count - 1, 0))
        denseBase = minBin - r - 1
        dense = [Int64](repeating: 0, count: Int(maxBin - minBin + 2 * r + 3))
        for (b, q) in volume { dense[Int(b - denseBase)] = q }
    }

    /// POC (max volume; tie → closest to (min+max)/2, then the lower) and the one-row value area.
    static func pocAndValueArea(volume: [Int64: Int64], basisPoints: Int64) -> (Int64, Int64, Int64) {
        let lo = volume.keys.min()!, hi = volume.keys.max()!
        let total = volume.values.reduce(0, +)
        let top = volume.values.max()!
        let centre2 = lo + hi
        let poc = volume.filter { $0.value == top }.keys.sorted().min { abs(2 * $0 - centre2) < abs(2 * $1 - centre2) }!
        var a = poc, b = poc
        var area = volume[poc]!
        while Int128(area) * 10_000 < Int128(basisPoints) * Int128(total) {
            let above: Int64 = b < hi ? volume[b + 1, default: 0] : -1
            let below: Int64 = a > lo ? volume[a - 1, default: 0] : -1
            if above < 0 && below < 0 { break }
            if above >= below { b += 1; area += above } else { a -= 1; area += below }
        }
        return (poc, a, b)
    }

    /// `Σ_{|d| ≤ r} kernel[|d|] · volume[b + d]` (a bin without volume counts 0).
    func smoothed(_ b: Int64) -> Int64 {
        // Buffer pointers: a debug build retains and releases an array at every subscript of `self`'s.
        kernel.withUnsafeBufferPointer { kernel in
            dense.withUnsafeBufferPointer { dense in
                let r = kernel.count - 1
                var s: Int64 = 0
                var d = -r
                while d <= r {
                    let i = Int(b - denseBase) + d
                    if i >= 0 && i < dense.count { s += kernel[d < 0 ? -d : d] * dense[i] }
                    d += 1
                }
                return s
            }
        }
    }

    func nearestNode(_ p: Int64, high: Bool) -> Int64? {
        guard !kernel.isEmpty, total > 0 else { return nil }
        let mass = kernel.enumerated().reduce(Int64(0)) { $0 + ($1.offset == 0 ? $1.element : 2 * $1.element) }
        let width = Int128(maxBin - minBin + 1)
        let threshold = Int128(high ? config.hvnFactorPermille : config.lvnFactorPermille) * Int128(total) * Int128(mass)
        func isNode(_ b: Int64) -> Bool {
            guard b >= minBin, b <= maxBin else { return false }
            let v = smoothed(b), l = smoothed(b - 1), r = smoothed(b + 1)
            let scaled = Int128(v) * width * 1000
            return high ? (v > l && v >= r && scaled >= threshold) : (v < l && v <= r && scaled <= threshold)
        }
        for d in 0...Int64(config.maxNodeScanBins) {
            if isNode(p - d) { return p - d }
            if d > 0, isNode(p + d) { return p + d }
        }
        return nil
    }
}
