import HFTPrimitives
import StrategyABI

/// The strategy stage's view of its working orders (from acks, fills, cancels), fixed capacity,
/// for `working_buy`/`working_sell` in the market view. O(capacity) per update; no allocation.
struct WorkingOrders {
    struct Entry {
        var id: UInt64
        var side: UInt8
        var remaining: Int64
    }
    let capacity: Int
    let entries: UnsafeMutablePointer<Entry>
    var count = 0
    var buy: Int64 = 0
    var sell: Int64 = 0

    init(capacity: Int) {
        self.capacity = capacity
        entries = .allocate(capacity: capacity)
    }

    func free() { entries.deallocate() }

    /// Applies an order update; `quantity` on an ack is the order quantity.
    mutating func apply(_ f: hft_fill) {
        switch Int32(f.kind) {
        case Int32(HFT_FILL_ACK):
            guard count < capacity, f.quantity > 0 else { return }
            entries[count] = Entry(id: f.client_order_id, side: f.side, remaining: f.quantity)
            count += 1
            add(f.side, f.quantity)
        case Int32(HFT_FILL_TRADE):
            guard let k = index(f.client_order_id) else { return }
            let q = min(f.quantity, entries[k].remaining)
            entries[k].remaining -= q
            add(f.side, -q)
            if entries[k].remaining <= 0 { remove(k) }
        default:
            guard let k = index(f.client_order_id) else { return }
            add(entries[k].side, -entries[k].remaining)
            remove(k)
        }
    }

    func index(_ id: UInt64) -> Int? {
        for k in 0..<count where entries[k].id == id { return k }
        return nil
    }

    mutating func remove(_ k: Int) {
        count -= 1
        entries[k] = entries[count]
    }

    mutating func add(_ side: UInt8, _ q: Int64) {
        if side == UInt8(HFT_SIDE_BUY) { buy += q } else { sell += q }
    }
}
