extension VolumeProfile {
    /// Brings the HVN/LVN sets and thresholds to the current bins (part of a recomputation): only
    /// slots within the kernel radius + 1 of a changed bin can change shape or smoothed value.
    /// - Complexity: O(changed bins · kernel width); O(bins) after a reset, a re-centre or an
    ///   empty profile.
    @inline(__always)
    mutating func refreshNodes() {
        // v · width · 1000 ≥ factor · total · mass  ⇔  v ≥ ⌈(factor · total · mass) / (width · 1000)⌉, and
        // v · width · 1000 ≤ …  ⇔  v ≤ ⌊…⌋ (integers, positive divisor): one Int64 compare per node.
        let scale = Int64(maxSlot &- minSlot &+ 1) &* 1000
        let highMin = VolumeProfile.productDivided(hvnFactorPermille, total, kernelMass, by: scale, roundingUp: true)
        let lowMax = VolumeProfile.productDivided(lvnFactorPermille, total, kernelMass, by: scale, roundingUp: false)
        // HVN key = S ≥ highMin; LVN key = −S ≥ −lowMax (none when lowMax < 0: S ≥ 0). Keys lie in
        // [−Int64.max, Int64.max], so thresholds above Int64.min compare the same way.
        let highThreshold = max(highMin, Int64.min &+ 1)
        let lowThreshold: Int64 = lowMax < 0 ? .max : 0 &- lowMax
        nodeBase = baseBin
        highNodes.threshold = highThreshold
        lowNodes.threshold = lowThreshold
        if !nodesValid {
            rewriteNodeSlots(0, binCount &- 1)
            nodesValid = true
            return
        }
        let reach = kernelRadius &+ 1
        if changes.overflowed {
            rewriteNodeSlots(changes.low &- reach, changes.high &+ reach)
        } else {
            // Sorted, the neighbourhoods of nearby changes merge into one pass.
            changes.sortList()
            var i = 0
            let n = changes.listCount
            while i < n {
                let from = changes[i] &- reach
                var to = changes[i] &+ reach
                i &+= 1
                while i < n, changes[i] &- reach <= to &+ 1 {
                    to = changes[i] &+ reach
                    i &+= 1
                }
                rewriteNodeSlots(from, to)
            }
        }
    }

    /// Rewrites the node keys of slots `from...to` (clamped into the ring) from the smoothed
    /// profile (neighbours past the ring are 0): a local maximum (`S[j] > S[j−1]`, `S[j] ≥ S[j+1]`)
    /// is keyed by S, a local minimum (`S[j] < S[j−1]`, `S[j] ≤ S[j+1]`) by −S, others `Int64.min`.
    @inline(__always)
    private mutating func rewriteNodeSlots(_ from: Int, _ to: Int) {
        var j = max(from, 0)
        let end = min(to, binCount &- 1)
        guard j <= end else { return }
        // SAFETY: 0 <= j <= end < binCount; the neighbours are range-checked.
        var left: Int64 = j > 0 ? smoothed[j &- 1] : 0
        var v = smoothed[j]
        while j <= end {
            let right: Int64 = j < binCount &- 1 ? smoothed[j &+ 1] : 0
            // Smoothed values are ≥ 0 (non-negative volumes and kernel): keys never reach Int64.min.
            highNodes.write(j, key: v > left && v >= right ? v : .min)
            lowNodes.write(j, key: v < left && v <= right ? 0 &- v : .min)
            left = v
            v = right
            j &+= 1
        }
    }

    /// The nearest HVN and LVN (as of the last recomputation) to absolute bin `bin`, at most
    /// `maxNodeScanBins` away, the lower one on equal distance; nil when none. Nodes are the
    /// members of `highNodes`/`lowNodes` inside the occupied range of that recomputation.
    /// - Complexity: O(words of the scan), a few word operations for the default 64-bin scan.
    @inline(__always)
    func nearestNodes(toBin bin: Int64) -> (hvn: Int64?, lvn: Int64?) {
        guard hasVolume, kernelRadius >= 0 else { return (nil, nil) }
        return (nearest(bin, highNodes), nearest(bin, lowNodes))
    }

    /// `nearestNodes(toBin:)`, remembered until the next recomputation or a query for another bin
    /// (the mid's bin rarely moves between recomputations).
    @inline(__always)
    mutating func nearestNodesCached(toBin bin: Int64) -> (hvn: Int64?, lvn: Int64?) {
        if nodeQueryValid, nodeQueryBin == bin { return nodeQueryResult }
        let r = nearestNodes(toBin: bin)
        nodeQueryBin = bin
        nodeQueryResult = r
        nodeQueryValid = true
        return r
    }

    @inline(__always)
    private func nearest(_ bin: Int64, _ nodes: borrowing ProfileNodeSet) -> Int64? {
        let s = bin &- nodeBase
        let lo = Int64(minSlot), hi = Int64(maxSlot)
        let scan = Int64(maxNodeScanBins)
        var best: Int64? = nil
        // The largest node < bin, then the smallest ≥ bin, inside the occupied range and the scan.
        let belowLo = max(lo, s &- scan), belowHi = min(hi, s &- 1)
        if belowLo <= belowHi {
            let j = nodes.last(in: Int(belowLo), Int(belowHi))
            if j >= 0 { best = nodeBase &+ Int64(j) }
        }
        let aboveLo = max(lo, s), aboveHi = min(hi, s &+ scan)
        if aboveLo <= aboveHi {
            let j = nodes.first(in: Int(aboveLo), Int(aboveHi))
            if j >= 0 {
                let a = nodeBase &+ Int64(j)
                if best.map({ a &- bin < bin &- $0 }) ?? true { best = a }
            }
        }
        return best
    }
}
