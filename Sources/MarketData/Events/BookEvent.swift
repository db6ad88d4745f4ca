import HFTPrimitives

/// What the Book stage tells the stages after it, one cache line per event (56 bytes).
///
/// A book change of one instrument is a run of `level` events (the top-M levels that changed since
/// the last run: `quantity` 0 means "no longer among the top M") closed by one `commit` that carries
/// the times of the message that caused it. A consumer that applies the levels to a mirror holds,
/// after each commit, exactly the book's top M levels per side. `trade` events carry one public
/// trade each. Times are ns: `exchangeTime` from the venue, `receiveTime` the frame's receive time
/// (monotonic clock), `startTime` when the Book stage began decoding the frame, `publishTime` when it
/// published the commit. A commit's `quantity` carries the ns the Book stage spent decoding the
/// frame (0 when the change did not come from a decoded frame), for the `decode` hop. On a ring of
/// snapshots (`BookSnapshotSlots`) there are no level events and a commit's `price` carries the
/// slot holding the top levels (`slot`).
@frozen
public struct BookEvent: BitwiseCopyable, Sendable, Equatable {
    /// `level`, `commit` or `trade`.
    public var kind: BookEventKind
    /// Level: its side; trade: the aggressor's side.
    public var side: Side
    /// Commit: `BookEvent.staleFlag` when the book is stale (its mirror is then empty). Trade: `TradeFlags.rawValue`.
    public var flags: UInt16
    public var instrument: InstrumentId
    public var price: Price
    public var quantity: Quantity
    public var exchangeTime: Nanos
    public var receiveTime: Nanos
    public var startTime: Nanos
    public var publishTime: Nanos

    /// Set in a commit's `flags` when the instrument's book must not be trusted.
    public static let staleFlag: UInt16 = 1

    @inlinable
    public init(kind: BookEventKind, side: Side, flags: UInt16 = 0, instrument: InstrumentId, price: Price = .zero, quantity: Quantity = .zero,
                exchangeTime: Nanos = .zero, receiveTime: Nanos = .zero, startTime: Nanos = .zero, publishTime: Nanos = .zero) {
        self.kind = kind
        self.side = side
        self.flags = flags
        self.instrument = instrument
        self.price = price
        self.quantity = quantity
        self.exchangeTime = exchangeTime
        self.receiveTime = receiveTime
        self.startTime = startTime
        self.publishTime = publishTime
    }

    /// A commit on a snapshot ring: the `BookSnapshotSlots` slot holding the book's top levels.
    @inlinable public var slot: Int { Int(truncatingIfNeeded: price.raw) }

    /// Whether a commit says the book is stale.
    @inlinable public var isStale: Bool { flags & BookEvent.staleFlag != 0 }

    /// The trade a `trade` event carries (the venue trade id is not carried: 0).
    @inlinable
    public func trade(venue: VenueId) -> TradeEvent {
        TradeEvent(instrument: instrument, venue: venue, aggressor: side, flags: TradeFlags(rawValue: UInt8(truncatingIfNeeded: flags)),
                   price: price, quantity: quantity, tradeId: 0, exchangeTime: exchangeTime, receiveTime: receiveTime)
    }
}

/// Kinds of `BookEvent`.
public enum BookEventKind: UInt8, BitwiseCopyable, Sendable {
    /// One price level of the top M changed (quantity 0: it left the top M).
    case level = 0
    /// The end of one instrument's book change.
    case commit = 1
    /// One public trade.
    case trade = 2
}
