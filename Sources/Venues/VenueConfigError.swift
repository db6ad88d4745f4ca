/// Why a feed could not be configured or started (boundary errors; never on the hot path).
public enum VenueConfigError: Error, Sendable, Hashable {
    /// The venue has no market-data adapter (the paper venue).
    case unsupportedVenue(String)
    /// A base URL override or derived URL did not parse.
    case invalidURL(String)
    /// No instruments were given.
    case noInstruments
    /// The Bybit market does not offer this order-book depth.
    case unsupportedDepth(Int)
    /// The transport refused to start (message of the `TransportError`).
    case transport(String)
    /// The Book stage's pinned thread could not be created or started.
    case thread(String)
}
