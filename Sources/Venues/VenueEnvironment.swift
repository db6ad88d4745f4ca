/// Which of a venue's deployments a feed talks to.
public enum VenueEnvironment: String, Sendable, Hashable, CaseIterable {
    /// Production market data.
    case mainnet
    /// The venue's test network (Binance testnet / Bybit testnet): same protocol, other hosts.
    case testnet
}
