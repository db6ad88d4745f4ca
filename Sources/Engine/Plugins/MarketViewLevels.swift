import MarketData
import StrategyABI

extension UnsafeMutablePointer where Pointee == hft_market_view {
    /// Copies the best `min(count, HFT_STRATEGY_MAX_LEVELS)` levels of each side into the view and
    /// sets its level counts. O(levels); no allocation.
    @inline(__always)
    func setLevels(bids: UnsafeBufferPointer<DepthLevel>, asks: UnsafeBufferPointer<DepthLevel>) {
        let levels = Int(HFT_STRATEGY_MAX_LEVELS)
        let b = min(bids.count, levels), a = min(asks.count, levels)
        pointee.bid_count = UInt32(b)
        pointee.ask_count = UInt32(a)
        // SAFETY: `bids`/`asks` in the C struct are HFT_STRATEGY_MAX_LEVELS contiguous hft_level; b, a ≤ that.
        withUnsafeMutableBytes(of: &pointee.bids) { raw in
            let p = raw.bindMemory(to: hft_level.self)
            for k in 0..<b { p[k] = hft_level(price: bids[k].price.raw, quantity: bids[k].quantity.raw) }
        }
        withUnsafeMutableBytes(of: &pointee.asks) { raw in
            let p = raw.bindMemory(to: hft_level.self)
            for k in 0..<a { p[k] = hft_level(price: asks[k].price.raw, quantity: asks[k].quantity.raw) }
        }
    }
}
