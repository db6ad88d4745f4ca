import HFTPrimitives
import MarketData

/// The top levels of every instrument's book as a downstream stage sees them, rebuilt from
/// `BookEvent`s (a `BookEventPublisher`'s level runs). One `OrderBook` per instrument.
///
/// - Invariant: after a commit of instrument i, `book(i)` holds exactly the top `depth` levels
///   per side the Book stage had (empty when it said stale).
final class BookMirror {
    let count: Int
    let books: UnsafeMutablePointer<OrderBook>
    let stale: UnsafeMutablePointer<Bool>

    init(ticks: [Int64]) {
        count = ticks.count
        books = .allocate(capacity: max(1, count))
        stale = .allocate(capacity: max(1, count))
        stale.initialize(repeating: true, count: max(1, count))
        for (i, tick) in ticks.enumerated() {
            (books + i).initialize(to: OrderBook(configuration: OrderBookConfiguration(tick: tick)))
        }
    }

    deinit {
        books.deinitialize(count: count)
        books.deallocate()
        stale.deallocate()
    }

    /// Applies one `level` event; returns false for an instrument out of range.
    @inline(__always)
    func apply(_ e: BookEvent) -> Bool {
        let i = Int(e.instrument.raw)
        guard i < count else { return false }
        books[i].set(side: e.side, price: e.price, quantity: e.quantity)
        return true
    }
}
