/// What one `FeatureExport.run` wrote: one row per feature-vector update, `rows == bookRows + tradeRows`.
public struct FeatureExportSummary: Sendable, Equatable {
    /// The instrument exported and the schema its rows follow.
    public var symbol: String
    public var schemaId: String
    public var featureCount: Int
    /// Frames read from the captures (all channels, all symbols).
    public var frames: Int
    /// Rows written: book events the engine accepted plus trades of the instrument.
    public var rows: Int
    public var bookRows: Int
    public var tradeRows: Int
    /// `FeatureEngine.bookEvents` / `tradeEvents` at the end (equal to `bookRows` / `tradeRows`).
    public var engineBookEvents: Int
    public var engineTradeEvents: Int
    /// Book events the engine ignored (one side empty or crossed) and depth updates skipped while the
    /// book was stale (waiting for a snapshot).
    public var ignoredBooks: Int
    public var staleDepthUpdates: Int
    /// Engine clock (ns) of the first and last row; 0 when no row was written.
    public var firstTime: Int64
    public var lastTime: Int64

    public init(symbol: String, schemaId: String, featureCount: Int) {
        self.symbol = symbol
        self.schemaId = schemaId
        self.featureCount = featureCount
        frames = 0; rows = 0; bookRows = 0; tradeRows = 0; engineBookEvents = 0; engineTradeEvents = 0
        ignoredBooks = 0; staleDepthUpdates = 0; firstTime = 0; lastTime = 0
    }
}
