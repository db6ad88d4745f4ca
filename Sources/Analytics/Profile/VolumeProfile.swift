/// One trade remembered by a rolling profile for expiry. `quantity` is zeroed when the trade's bin
/// was dropped by a re-centre, so that its expiry does not subtract it twice.
struct ProfileTrade: BitwiseCopyable {
    var time: Int64
    var bin: Int64
    var quantity: Int64
}

/// A volume-at-price profile over a ring of `binCount` bins around the traded prices, rolling
/// (trades expire after `windowNanos`) or session (no expiry). DEFINITIONS.md §4.
///
/// Per trade it maintains, exactly in integers (raw base-asset quantity):
/// - **POC**: the bin with the largest volume; ties go to the bin closest to the profile centre
///   `(lowest + highest occupied bin) / 2`, and to the lower bin when two are equally close;
/// - **value area** by the ONE-ROW rule: start at the POC, repeatedly add the single adjacent bin
///   (just above or just below the area, inside the occupied range) with the larger volume — the
///   one above on a tie — until the area holds ≥ `valueAreaBasisPoints` / 10 000 of the volume;
///   VAL/VAH are its lowest and highest bins;
/// - a Gaussian-smoothed copy (integer kernel, `VolumeProfileConfig.smoothingKernel`) for
///   HVN/LVN: a HVN is a bin `s` of the occupied range with `S[s] > S[s−1]`, `S[s] ≥ S[s+1]` and
///   `S[s] ≥ hvnFactor × (total / width) × kernelMass`; a LVN has `S[s] < S[s−1]`, `S[s] ≤ S[s+1]`
///   and `S[s] ≤ lvnFactor × (total / width) × kernelMass` (width = occupied bins).
///
/// A bin's price is its lower edge, `bin × binTicks × tick`.
///
/// Invariant: `total` = sum of the bin volumes = sum of the remembered trades' quantities (rolling);
/// `changes` holds every slot whose volume changed since the last recomputation, `pendingSums`
/// each one's change (0 elsewhere), and `sums` the prefix sums of the bins as of then;
/// `smoothed[s] = Σ_d kernel[|d|] · volume[s + d]` over in-range bins; derived fields describe
/// the bins as of the last recomputation whenever `hasVolume`, and so do `highNodes`/`lowNodes`
/// (every slot's HVN/LVN shape and key, and the thresholds; the occupied range is applied at
/// lookup) once the slots in `nodeDirty` are re-evaluated.
///
/// Recomputation is incremental and exact: the value area repairs its remembered one-row path
/// only where changed bins are compared (`ValueAreaPath`), and the node slots within the kernel
/// radius (+1) of changed bins are marked and re-evaluated lazily, when a query's scan reaches
/// them or before a bin change within reach would alter their inputs, the thresholds applied at
/// lookup (`ProfileNodeSet`); the results are those of a from-scratch recomputation, bit for bit.
/// - Complexity: a trade or expiry O(log bins + kernel width) per bin it changes, amortised O(1)
///   expiry (the prefix sums are brought up to date once per changed bin at the next
///   recomputation); a recomputation (`refresh`, at most once per event, optionally throttled)
///   O(log bins) for the POC tree searches (O(changed bins) when the centre stays and the maximum
///   holds or rises), O(rows re-walked + jumps · log bins) for the value area in the usual case (a
///   new POC walks it from scratch, O(its width)) and O(changed bins) bit marks for the nodes; a
///   node query O(words of the scan + marked slots in it); a re-centre (price leaves the ring)
///   O(bins · kernel + remembered trades), rare, and the first queries after a re-centre or reset
///   re-evaluate their scan. Never allocates after `init`.
struct VolumeProfile: ~Copyable {
    let binCount: Int
    /// Bin width in raw price units (`binTicks × tick`).
    let binWidth: Int64
    let windowNanos: Int64
    let valueAreaBasisPoints: Int64
    let hvnFactorPermille: Int64
    let lvnFactorPermille: Int64
    let maxNodeScanBins: Int
    /// One-sided kernel radius in bins; -1 when node detection is disabled.
    let kernelRadius: Int
    let kernel: UnsafeMutablePointer<Int64>
    /// See `init(config:tick:refreshedOnEveryChange:)`.
    let refreshedOnEveryChange: Bool
    /// Σ over the full symmetric kernel.
    let kernelMass: Int64
    var volumes: MaxSegmentTree
    /// Prefix sums of `volumes` as of the last recomputation: the value-area repair's range sums.
    var sums: FenwickTree<Int64>
    /// Per slot, the volume change since the last recomputation, added to `sums` there (one tree
    /// update per changed bin, not per trade, when refreshes are throttled). Zero elsewhere.
    let pendingSums: UnsafeMutablePointer<Int64>
    /// Slots whose volume changed since the last recomputation.
    var changes: SlotChangeSet
    var path: ValueAreaPath
    let smoothed: UnsafeMutablePointer<Int64>
    /// HVN and LVN slots as of the last recomputation (two slots when node detection is off).
    var highNodes: ProfileNodeSet
    var lowNodes: ProfileNodeSet
    /// Node slots whose shape may differ from their keys in `highNodes`/`lowNodes` (marked at a
    /// recomputation near changed bins, re-evaluated lazily by `flushNodes`).
    var nodeDirty: SlotBitSet
    var trades: UnsafeRing<ProfileTrade>
    /// The absolute bin of each trade's price, `floor(price / binWidth)`, without a division while
    /// prices stay in a bin or move to the next one.
    var tradeBin: FloorDivider

    /// Absolute bin index of slot 0.
    private(set) var baseBin: Int64
    private(set) var anchored: Bool
    private(set) var total: Int64

    private(set) var hasVolume: Bool
    private(set) var minSlot: Int
    private(set) var maxSlot: Int
    private(set) var pocSlot: Int
    private(set) var valSlot: Int
    private(set) var vahSlot: Int

    /// The bins changed since the derived fields were last computed (`refresh()`).
    private(set) var dirty = false
    /// Lowest and highest slot that received volume since the last recomputation (`Int.max`, -1
    /// when none): with `minSlot`/`maxSlot` of that recomputation they bound where the occupied
    /// range can start and end now, so that recomputing it is usually a probe, not a tree search.
    private var addedLow = Int.max
    private var addedHigh = -1
    /// `minSlot`/`maxSlot` held the occupied range at the last recomputation (false after a
    /// reset, a re-centre or an empty profile).
    private var boundsValid = false
    /// The largest bin volume and `minSlot + maxSlot` at the last recomputation (valid with
    /// `boundsValid`): with the changed slots they decide most POC updates without a tree search.
    private var lastMaximum: Int64 = 0
    private var lastCentre2 = 0
    private var lastRefresh: Int64 = .min
    /// The node sets (with the slots marked in `nodeDirty` re-evaluated) describe the smoothed
    /// profile of the last recomputation (false after a reset, a re-centre or an empty profile:
    /// the next recomputation marks every slot).
    var nodesValid = false
    /// `baseBin` as of the last recomputation (the node sets' slot 0).
    var nodeBase: Int64 = 0
    /// The last node query and its answer, valid until the next recomputation or reset.
    var nodeQueryValid = false
    var nodeQueryBin: Int64 = 0
    var nodeQueryResult: (hvn: Int64?, lvn: Int64?) = (nil, nil)

    /// Volume dropped because it fell outside the bin ring after a re-centre.
    private(set) var droppedVolume: Int64
    /// Times the ring was re-centred.
    private(set) var recentres: Int
    /// Trades expired early because the trade ring was full.
    private(set) var capacityEvictions: Int

    /// - Parameter refreshedOnEveryChange: the owner calls `refresh()` (interval 0) after every
    ///   `add`/`expire` before it reads anything derived (the engine with `profileRefreshNanos = 0`).
    ///   Then no node query can fall between a bin change and its recomputation, and marked node
    ///   slots need not be evaluated before a change within their reach: they are evaluated by the
    ///   query scan that reaches them, on the profile of the recomputation that follows.
    /// - Precondition: `config.binCount` is a power of two ≥ 2, `binTicks ≥ 1`, `tick ≥ 1`.
    init(config: VolumeProfileConfig, tick: Int64, refreshedOnEveryChange: Bool = false) {
        self.refreshedOnEveryChange = refreshedOnEveryChange
        precondition(config.binTicks >= 1 && tick >= 1, "bin width must be positive")
        self.binCount = config.binCount
        self.binWidth = config.binTicks * tick
        self.windowNanos = max(0, config.windowNanos)
        self.valueAreaBasisPoints = min(max(config.valueAreaBasisPoints, 0), 10_000)
        self.hvnFactorPermille = config.hvnFactorPermille
        self.lvnFactorPermille = config.lvnFactorPermille
        self.maxNodeScanBins = max(0, config.maxNodeScanBins)
        let k = config.smoothingKernel
        self.kernelRadius = k.count - 1
        self.kernel = .allocate(capacity: max(k.count, 1))
        self.kernel.initialize(repeating: 0, count: max(k.count, 1))
        var mass: Int64 = 0
        for (d, w) in k.enumerated() {
            kernel[d] = w
            mass += d == 0 ? w : 2 * w
        }
        self.kernelMass = mass
        self.volumes = MaxSegmentTree(leafCount: config.binCount)
        self.sums = FenwickTree(count: config.binCount)
        self.pendingSums = .allocate(capacity: config.binCount)
        self.pendingSums.initialize(repeating: 0, count: config.binCount)
        self.changes = SlotChangeSet(slotCount: config.binCount, listCapacity: 64)
        self.path = ValueAreaPath(binCount: config.binCount)
        self.smoothed = .allocate(capacity: config.binCount)
        self.smoothed.initialize(repeating: 0, count: config.binCount)
        let nodeLeaves = k.isEmpty ? 2 : config.binCount
        self.highNodes = ProfileNodeSet(slotCount: nodeLeaves)
        self.lowNodes = ProfileNodeSet(slotCount: nodeLeaves)
        self.nodeDirty = SlotBitSet(slotCount: nodeLeaves)
        self.trades = UnsafeRing(capacity: self.windowNanos > 0 ? max(config.tradeCapacity, 1) : 1)
        self.tradeBin = FloorDivider(divisor: config.binTicks * tick)
        self.baseBin = 0
        self.anchored = false
        self.total = 0
        self.hasVolume = false
        self.minSlot = 0
        self.maxSlot = 0
        self.pocSlot = 0
        self.valSlot = 0
        self.vahSlot = 0
        self.droppedVolume = 0
        self.recentres = 0
        self.capacityEvictions = 0
    }

    deinit {
        kernel.deallocate()
        smoothed.deallocate()
        pendingSums.deallocate()
    }

    @inline(__always) var isRolling: Bool { windowNanos > 0 }

    /// Absolute bin of a slot.
    @inline(__always) func absoluteBin(_ slot: Int) -> Int64 { baseBin &+ Int64(slot) }

    /// Volume of a slot.
    @inline(__always) func volume(atSlot s: Int) -> Int64 { volumes[s] }

    /// Empties the profile (session boundary). O(bins).
    mutating func reset() {
        for s in 0..<binCount {
            volumes.setLeafOnly(s, 0)
            smoothed[s] = 0
        }
        volumes.rebuild()
        sums.removeAll()
        pendingSums.update(repeating: 0, count: binCount)
        changes.removeAll()
        path.invalidate()
        nodesValid = false
        nodeDirty.removeAll()
        nodeQueryValid = false
        dirty = false
        lastRefresh = .min
        trades.removeAll()
        total = 0
        anchored = false
        hasVolume = false
        boundsValid = false
    }

    /// Adds a trade of `quantity` raw units at raw price `price`, at exchange time `time` (ns).
    /// Rolling profiles first expire trades at or before `time − window`.
    mutating func add(price: Int64, quantity: Int64, time: Int64) {
        guard quantity > 0 else { return }
        if isRolling {
            expireTrades(now: time)
            if trades.isFull {
                removeTrade(trades.removeFirst())
                capacityEvictions &+= 1
            }
        }
        let b = tradeBin(price)
        if !anchored || total == 0 {
            if !anchored || b < baseBin || b >= baseBin &+ Int64(binCount) {
                baseBin = b &- Int64(binCount / 2)
                anchored = true
            }
        } else if b < baseBin || b >= baseBin &+ Int64(binCount) {
            recentre(towards: b)
        }
        addToSlot(Int(b &- baseBin), quantity)
        if isRolling { trades.append(ProfileTrade(time: time, bin: b, quantity: quantity)) }
        dirty = true
    }

    /// Expires trades at or before `now − window` (rolling profiles only); true when anything changed.
    @discardableResult
    mutating func expire(now: Int64) -> Bool {
        guard isRolling, expireTrades(now: now) else { return false }
        dirty = true
        return true
    }

    /// Recomputes the occupied range, POC and value area if the bins changed since the last
    /// recomputation and at least `interval` ns of clock have passed since it (0 = every change).
    /// Call once per event after all `add`/`expire` calls, before reading the derived fields.
    @inline(__always)
    mutating func refresh(now: Int64 = 0, interval: Int64 = 0) {
        if dirty, interval == 0 || lastRefresh == .min || now &- lastRefresh >= interval {
            dirty = false
            lastRefresh = now
            recomputeDerived()
        }
    }

    @inline(__always) @discardableResult
    private mutating func expireTrades(now: Int64) -> Bool {
        let cutoff = now &- windowNanos
        guard !trades.isEmpty, trades.first.time <= cutoff else { return false }
        // A burst of trades leaves the window together, mostly in one bin: consecutive expiries in
        // the same bin are summed and removed once (one tree update and one kernel pass instead of
        // one per trade; the integer bins and smoothed copy end up identical).
        var run = ProfileTrade(time: 0, bin: 0, quantity: 0)
        while !trades.isEmpty, trades.first.time <= cutoff {
            let t = trades.removeFirst()
            guard t.quantity > 0 else { continue }
            if run.quantity > 0, t.bin != run.bin {
                removeTrade(run)
                run.quantity = 0
            }
            run.bin = t.bin
            run.quantity &+= t.quantity
        }
        removeTrade(run)
        return true
    }

    @inline(__always)
    private mutating func removeTrade(_ t: ProfileTrade) {
        guard t.quantity > 0 else { return }
        let s = t.bin &- baseBin
        if s >= 0, s < Int64(binCount) { addToSlot(Int(s), -t.quantity) }
    }

    @inline(__always)
    private mutating func addToSlot(_ s: Int, _ delta: Int64) {
        let old = volumes[s]
        volumes.set(s, old &+ delta)
        pendingSums[s] &+= delta
        changes.insert(s)
        total &+= delta
        if delta > 0 {
            addedLow = min(addedLow, s)
            addedHigh = max(addedHigh, s)
        }
        if kernelRadius >= 0 {
            // The node slots that read the smoothed bins about to change are evaluated first, on
            // the smoothed profile of the last recomputation they describe (unless a query can
            // only come after the next recomputation).
            let reach = kernelRadius &+ 1
            if !refreshedOnEveryChange, nodesValid, nodeDirty.intersects(from: s &- reach, through: s &+ reach) {
                flushNodes(from: s &- reach, through: s &+ reach)
            }
            if s >= kernelRadius, s &+ kernelRadius < binCount {
                // SAFETY: s ± d for d <= kernelRadius is inside the ring; kernel holds kernelRadius + 1 weights.
                let c = smoothed + s
                c[0] &+= kernel[0] &* delta
                var d = 1
                while d <= kernelRadius {
                    let k = kernel[d] &* delta
                    c[d] &+= k
                    c[-d] &+= k
                    d &+= 1
                }
            } else {
                var d = -kernelRadius
                while d <= kernelRadius {
                    let j = s &+ d
                    if j >= 0, j < binCount {
                        // SAFETY: 0 <= j < binCount; |d| <= kernelRadius < kernel allocation.
                        smoothed[j] &+= kernel[d < 0 ? -d : d] &* delta
                    }
                    d &+= 1
                }
            }
        }
    }

    /// Moves the ring so that bin `b` is inside it, a quarter of the ring from the edge it crossed.
    private mutating func recentre(towards b: Int64) {
        // Queries until the next recomputation answer from the node sets as they are: evaluate the
        // marked slots on the smoothed profile they describe before it moves.
        if nodesValid, kernelRadius >= 0 { flushNodes(from: 0, through: binCount &- 1) }
        let n = Int64(binCount)
        let newBase = b >= baseBin &+ n ? b &- (3 * n / 4) : b &- n / 4
        let shift = newBase &- baseBin
        var dropped: Int64 = 0
        if shift > 0 {
            for s in 0..<binCount {
                let src = Int64(s) &+ shift
                if Int64(s) < shift { dropped &+= volumes[s] }
                volumes.setLeafOnly(s, src < n ? volumes[Int(src)] : 0)
            }
        } else {
            var s = binCount &- 1
            while s >= 0 {
                let src = Int64(s) &+ shift
                if Int64(s) >= n &+ shift { dropped &+= volumes[s] }
                volumes.setLeafOnly(s, src >= 0 ? volumes[Int(src)] : 0)
                s &-= 1
            }
        }
        volumes.rebuild()
        sums.rebuild { volumes[$0] }
        pendingSums.update(repeating: 0, count: binCount)
        changes.removeAll()
        path.invalidate()
        nodesValid = false
        baseBin = newBase
        total &-= dropped
        droppedVolume &+= dropped
        recentres &+= 1
        boundsValid = false
        rebuildSmoothed()
        if isRolling {
            for i in 0..<trades.count {
                var t = trades[i]
                if t.quantity > 0, t.bin < baseBin || t.bin >= baseBin &+ n {
                    t.quantity = 0
                    trades.update(i, t)
                }
            }
        }
    }

    private mutating func rebuildSmoothed() {
        guard kernelRadius >= 0 else { return }
        for s in 0..<binCount {
            var acc: Int64 = 0
            for d in -kernelRadius...kernelRadius {
                let j = s + d
                if j >= 0, j < binCount { acc &+= kernel[abs(d)] &* volumes[j] }
            }
            smoothed[s] = acc
        }
    }

    /// Recomputes the occupied range, POC and value area from the bins.
    @inline(__always)
    private mutating func recomputeDerived() {
        nodeQueryValid = false
        if changes.overflowed {
            sums.rebuild { volumes[$0] }
            pendingSums.update(repeating: 0, count: binCount)
        } else {
            for i in 0..<changes.listCount {
                let c = changes[i]
                // SAFETY: listed slots are < binCount.
                let d = pendingSums[c]
                if d != 0 { sums.add(c, d) }
                pendingSums[c] = 0
            }
        }
        guard total > 0 else {
            hasVolume = false
            boundsValid = false
            addedLow = .max
            addedHigh = -1
            changes.removeAll()
            path.invalidate()
            nodesValid = false
            return
        }
        hasVolume = true
        let previousKnown = boundsValid
        if boundsValid {
            // Every slot below min(addedLow, old minSlot) was empty then and received nothing
            // since (volume only grows through `addToSlot` with delta > 0): the new minimum is the
            // first occupied slot from there, nearly always the start itself. Same for the maximum.
            minSlot = firstOccupied(from: min(addedLow, minSlot))
            maxSlot = lastOccupied(upTo: max(addedHigh, maxSlot))
        } else {
            minSlot = volumes.first(atLeast: 1, from: 0)
            maxSlot = volumes.last(atLeast: 1, upTo: binCount &- 1)
        }
        boundsValid = true
        addedLow = .max
        addedHigh = -1
        let m = volumes.maximum
        let c2 = minSlot &+ maxSlot
        if previousKnown, c2 == lastCentre2, !changes.overflowed, m > lastMaximum || (m == lastMaximum && volumes[pocSlot] == m) {
            // Same centre, and the maximum rose (only changed slots can hold it) or stayed with the
            // old POC still holding it (unchanged slots holding it lost to the old POC before):
            // the POC is the best of the old one (if it qualifies) and the changed slots holding m.
            var best = m == lastMaximum ? pocSlot : -1
            for i in 0..<changes.listCount {
                let s = changes[i]
                if volumes[s] == m, best < 0 || VolumeProfile.closerToCentre(s, than: best, centre2: c2) { best = s }
            }
            pocSlot = best
        } else {
            let left = volumes.last(atLeast: m, upTo: c2 >> 1)
            let right = volumes.first(atLeast: m, from: (c2 &+ 1) >> 1)
            if left < 0 {
                pocSlot = right
            } else if right < 0 {
                pocSlot = left
            } else {
                pocSlot = (2 &* right &- c2) < (c2 &- 2 &* left) ? right : left
            }
        }
        lastMaximum = m
        lastCentre2 = c2
        // The smallest area with area · 10 000 ≥ bp · total, exactly: ⌈bp · total / 10 000⌉.
        let needed = VolumeProfile.productDivided(valueAreaBasisPoints, total, 1, by: 10_000, roundingUp: true)
        path.update(volumes: volumes, sums: sums, changes: changes, poc: pocSlot, minSlot: minSlot, maxSlot: maxSlot, needed: needed)
        valSlot = path.low
        vahSlot = path.high
        if kernelRadius >= 0 { refreshNodes() }
        changes.removeAll()
    }

    /// The POC tie rule: `x` is nearer the centre `c2 / 2` than `y`, or as near and lower.
    @inline(__always)
    static func closerToCentre(_ x: Int, than y: Int, centre2 c2: Int) -> Bool {
        let dx = abs(2 &* x &- c2), dy = abs(2 &* y &- c2)
        return dx < dy || (dx == dy && x < y)
    }

    /// The first slot ≥ `s` with volume ≥ 1 (a few probes, then the tree). - Precondition: one exists.
    @inline(__always)
    private func firstOccupied(from s: Int) -> Int {
        var i = s
        let end = min(s &+ 4, binCount)
        while i < end {
            if volumes[i] >= 1 { return i }
            i &+= 1
        }
        return volumes.first(atLeast: 1, from: i)
    }

    /// The last slot ≤ `s` with volume ≥ 1 (a few probes, then the tree). - Precondition: one exists.
    @inline(__always)
    private func lastOccupied(upTo s: Int) -> Int {
        var i = s
        let end = max(s &- 4, -1)
        while i > end {
            if volumes[i] >= 1 { return i }
            i &-= 1
        }
        return volumes.last(atLeast: 1, upTo: i)
    }

    /// `x · y · z / d` rounded up (or down), clamped into `Int64`, exactly: in `Int64` when the
    /// product fits (one hardware division), else in `Int128` (a library call).
    /// - Parameter viaDouble: when the product and `d` are in `0..<2⁵³`, divide in double precision
    ///   and correct the quotient with one multiply instead of a 64-bit `idiv` (a dependent one
    ///   takes twice a double division with a multiply and an add on machine B,
    ///   `Benchmarks/InstructionCounts/idiv-latency.c`): for a `d` known only at run time. A
    ///   constant `d` becomes a multiplication anyway.
    /// - Precondition: `d > 0`.
    @inline(__always)
    static func productDivided(_ x: Int64, _ y: Int64, _ z: Int64, by d: Int64, roundingUp: Bool, viaDouble: Bool = false) -> Int64 {
        let (xy, o1) = x.multipliedReportingOverflow(by: y)
        let (p, o2) = xy.multipliedReportingOverflow(by: z)
        if viaDouble, !o1, !o2, p >= 0, p < 1 << 53, d < 1 << 53 {
            // p and d are exact doubles, so the correctly rounded quotient is ≥ floor(p / d) (the
            // floor is an exact double below it) and < floor(p / d) + 2: truncated, it is the
            // floor or one more, and q · d ≤ p + d < 2⁵⁴ tells which.
            var q = Int64(Double(p) / Double(d))
            if q &* d > p { q &-= 1 }
            if roundingUp, q &* d < p { q &+= 1 }
            return q
        }
        if !o1, !o2 {
            let q = p / d, r = p % d
            if roundingUp { return r > 0 ? q &+ 1 : q }
            return r < 0 ? q &- 1 : q
        }
        let wide = Int128(x) * Int128(y) * Int128(z)
        return clamp(roundingUp ? ceilDiv(wide, Int128(d)) : floorDiv(wide, Int128(d)))
    }

    @inline(__always)
    static func ceilDiv(_ a: Int128, _ b: Int128) -> Int128 {
        let q = a / b
        return (a % b != 0 && (a < 0) == (b < 0)) ? q + 1 : q
    }

    @inline(__always)
    static func floorDiv(_ a: Int128, _ b: Int128) -> Int128 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `x` clamped into `Int64` (a threshold beyond the range compares the same way).
    @inline(__always)
    static func clamp(_ x: Int128) -> Int64 {
        x > Int128(Int64.max) ? .max : (x < Int128(Int64.min) ? .min : Int64(x))
    }
}
