import HFTPrimitives

/// Best bid and offer as the venue publishes it (Binance `@bookTicker`). Used as the book oracle:
/// where `updateId` equals the last applied diff's final id, our book's top must equal it.
@frozen
public struct BookTickerEvent: BitwiseCopyable, Equatable, Sendable {
    public var instrument: InstrumentId
    public var venue: VenueId
    /// Binance `u`.
    public var updateId: UInt64
    public var bidPrice: Price
    public var bidQuantity: Quantity
    public var askPrice: Price
    public var askQuantity: Quantity
    /// Venue event time when present (USD-M `E`), else 0. Unix ns.
    public var exchangeTime: Nanos
    public var receiveTime: Nanos

    @inlinable
    public init(instrument: InstrumentId, venue: VenueId, updateId: UInt64, bidPrice: Price, bidQuantity: Quantity,
                askPrice: Price, askQuantity: Quantity, exchangeTime: Nanos, receiveTime: Nanos) {
        self.instrument = instrument
        self.venue = venue
        self.updateId = updateId
        self.bidPrice = bidPrice
        self.bidQuantity = bidQuantity
        self.askPrice = askPrice
        self.askQuantity = askQuantity
        self.exchangeTime = exchangeTime
        self.receiveTime = receiveTime
    }
}
