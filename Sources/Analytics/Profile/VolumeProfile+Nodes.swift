extension VolumeProfile {
    /// Brings the HVN/LVN thresholds to the current bins and marks the node slots whose shape can
    /// have changed (part of a recomputation): only slots within the kernel radius + 1 of a changed
    /// bin can change shape or smoothed value. Marked slots are re-evaluated when a query's scan
    /// reaches them or before a bin within reach of them changes (`flushNodes`; not needed when
    /// the profile is refreshed on every change), whichever is first, so that a burst of expiries
    /// far from the price costs a few bit writes here.
    /// - Complexity: O(changed bins); O(bins / 64) after a reset, a re-centre or an empty profile.
    @inline(__always)
    mutating func refreshNodes() {
        // v · width · 1000 ≥ factor · total · mass  ⇔  v ≥ ⌈(factor · total · mass) / (width · 1000)⌉, and
        // v · width · 1000 ≤ …  ⇔  v ≤ ⌊…⌋ (integers, positive divisor): one Int64 compare per node.
        let scale = Int64(maxSlot &- minSlot &+ 1) &* 1000
        let highMin = VolumeProfile.productDivided(hvnFactorPermille, total, kernelMass, by: scale, roundingUp: true, viaDouble: true)
        let lowMax = VolumeProfile.productDivided(lvnFactorPermille, total, kernelMass, by: scale, roundingUp: false, viaDouble: true)
        // HVN key = S ≥ highMin; LVN key = −S ≥ −lowMax (none when lowMax < 0: S ≥ 0). Keys lie in
        // [−Int64.max, Int64.max], so thresholds above Int64.min compare the same way.
        let highThreshold = max(highMin, Int64.min &+ 1)
        let lowThreshold: Int64 = lowMax < 0 ? .max : 0 &- lowMax
        nodeBase = baseBin
        highNodes.threshold = highThreshold
        lowNodes.threshold = lowThreshold
        if !nodesValid {
            nodeDirty.insertAll()
            nodesValid = true
            return
        }
        let reach = kernelRadius &+ 1
        if changes.overflowed {
            nodeDirty.insert(from: changes.low &- reach, through: changes.high &+ reach)
        } else {
            for i in 0..<changes.listCount {
                let s = changes[i]
                nodeDirty.insert(from: s &- reach, through: s &+ reach)
            }
        }
    }

    /// Re-evaluates the marked node slots in `from...through` (clamped into the ring) from the
    /// smoothed profile, which there is still that of the last recomputation (a bin change first
    /// flushes the slots within reach of it).
    /// - Complexity: O(words spanned + marked slots re-evaluated).
    @inline(__always)
    mutating func flushNodes(from: Int, through: Int) {
        let lo = max(from, 0), hi = min(through, binCount &- 1)
        guard lo <= hi else { return }
        var w = lo >> 6
        while w <= hi >> 6 {
            let taken = nodeDirty.take(word: w, mask: BitWords.mask(word: w, lo: lo, hi: hi))
            if taken != 0 { rewriteNodeWord(w, taken) }
            w &+= 1
        }
    }

    /// Rewrites the node keys of the slots of word `w` in `slots` from the smoothed profile
    /// (neighbours past the ring are 0): a local maximum (`S[j] > S[j−1]`, `S[j] ≥ S[j+1]`) is
    /// keyed by S, a local minimum (`S[j] < S[j−1]`, `S[j] ≤ S[j+1]`) by −S, others `Int64.min`;
    /// each set's bits of the word are written once, from selects rather than branches.
    @inline(__always)
    private mutating func rewriteNodeWord(_ w: Int, _ slots: UInt64) {
        var bits = slots
        var high: UInt64 = 0, low: UInt64 = 0
        let last = binCount &- 1
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            let j = (w << 6) &+ i
            // SAFETY: 0 <= j < binCount (set bits index slots); the neighbours are range-checked.
            let left: Int64 = j > 0 ? smoothed[j &- 1] : 0
            let v = smoothed[j]
            let right: Int64 = j < last ? smoothed[j &+ 1] : 0
            let isHigh = v > left && v >= right, isLow = v < left && v <= right
            // Smoothed values are ≥ 0 (non-negative volumes and kernel): keys never reach Int64.min.
            highNodes.storeKey(j, isHigh ? v : .min)
            lowNodes.storeKey(j, isLow ? 0 &- v : .min)
            let bit: UInt64 = 1 &<< UInt64(i)
            high |= isHigh ? bit : 0
            low |= isLow ? bit : 0
            bits &= bits &- 1
        }
        highNodes.replaceBits(word: w, mask: slots, bits: high)
        lowNodes.replaceBits(word: w, mask: slots, bits: low)
    }

    /// The nearest HVN and LVN (as of the last recomputation) to absolute bin `bin`, at most
    /// `maxNodeScanBins` away, the lower one on equal distance; nil when none. Nodes are the
    /// members of `highNodes`/`lowNodes` inside the occupied range of that recomputation.
    /// Marked slots inside the scan are re-evaluated first.
    /// - Complexity: O(words of the scan + marked slots in it), a few word operations for the
    ///   default 64-bin scan.
    @inline(__always)
    mutating func nearestNodes(toBin bin: Int64) -> (hvn: Int64?, lvn: Int64?) {
        guard hasVolume, kernelRadius >= 0 else { return (nil, nil) }
        if nodesValid {
            let s = bin &- nodeBase, scan = Int64(maxNodeScanBins)
            let lo = max(Int64(minSlot), s &- scan), hi = min(Int64(maxSlot), s &+ scan)
            if lo <= hi { flushNodes(from: Int(lo), through: Int(hi)) }
        }
        let lo = Int64(minSlot), hi = Int64(maxSlot), scan = Int64(maxNodeScanBins)
        return (VolumeProfile.nearest(bin, highNodes, base: nodeBase, lo: lo, hi: hi, scan: scan),
                VolumeProfile.nearest(bin, lowNodes, base: nodeBase, lo: lo, hi: hi, scan: scan))
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

    /// The nearest member of `nodes` to `bin` within `scan` bins and the occupied slots `lo...hi`
    /// (slot 0 = absolute bin `base`). Static, on the few fields it reads: as a method on the
    /// profile, the call copied the whole 640-byte profile to the stack first (a `memcpy` per node
    /// query, ≈ 90 instructions; callgrind, `make instructions`).
    @inline(__always)
    private static func nearest(_ bin: Int64, _ nodes: borrowing ProfileNodeSet, base nodeBase: Int64, lo: Int64, hi: Int64,
                                scan: Int64) -> Int64? {
        let s = bin &- nodeBase
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
