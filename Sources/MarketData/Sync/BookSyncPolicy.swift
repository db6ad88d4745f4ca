import HFTPrimitives

/// The sequencing rules of one venue's depth stream (DEFINITIONS.md §7, normative).
///
/// - `binanceSpot`: drop diffs with `u ≤ lastUpdateId`; the first applied diff has
///   `U ≤ lastUpdateId+1 ≤ u`; thereafter `U == previous u + 1`.
/// - `binanceUsdm`: drop diffs with `u < lastUpdateId`; the first applied diff has
///   `U ≤ lastUpdateId ≤ u`; thereafter `pu == previous u`.
/// - `bybit`: every snapshot (including `u == 1` after a venue restart) replaces the book and
///   everything buffered before it; thereafter `u == previous u + 1`.
@frozen
public enum BookSyncPolicy: UInt8, BitwiseCopyable, Sendable, Hashable, CustomStringConvertible {
    case binanceSpot = 1
    case binanceUsdm = 2
    case bybit = 3

    /// The policy for a venue's depth stream; nil for the paper venue.
    @inlinable
    public init?(venue: VenueId) {
        switch venue {
        case .binanceSpot: self = .binanceSpot
        case .binanceUsdm: self = .binanceUsdm
        case .bybitLinear, .bybitSpot: self = .bybit
        case .paper: return nil
        }
    }

    /// What to do with a diff.
    @frozen
    public enum Verdict: UInt8, BitwiseCopyable, Sendable {
        case apply
        /// Already covered by the book (older than the snapshot, or a duplicate).
        case drop
        /// Updates are missing between the book and this diff.
        case gap
    }

    /// Verdict for the first diff after a snapshot whose id is `snapshotId`.
    @inlinable @inline(__always)
    public func bridge(_ h: DepthUpdateHeader, snapshotId: UInt64) -> Verdict {
        switch self {
        case .binanceSpot:
            if h.finalUpdateId <= snapshotId { return .drop }
            return h.firstUpdateId <= snapshotId &+ 1 ? .apply : .gap
        case .binanceUsdm:
            if h.finalUpdateId < snapshotId { return .drop }
            return h.firstUpdateId <= snapshotId ? .apply : .gap
        case .bybit:
            if h.finalUpdateId <= snapshotId { return .drop }
            return h.finalUpdateId == snapshotId &+ 1 ? .apply : .gap
        }
    }

    /// Verdict for a diff following an applied diff whose final id is `previous`.
    @inlinable @inline(__always)
    public func next(_ h: DepthUpdateHeader, previous: UInt64) -> Verdict {
        switch self {
        case .binanceSpot:
            if h.firstUpdateId == previous &+ 1 { return .apply }
            return h.finalUpdateId <= previous ? .drop : .gap
        case .binanceUsdm:
            if h.previousFinalUpdateId == previous { return .apply }
            return h.finalUpdateId <= previous ? .drop : .gap
        case .bybit:
            if h.finalUpdateId == previous &+ 1 { return .apply }
            return h.finalUpdateId <= previous ? .drop : .gap
        }
    }

    /// Whether a snapshot discards every diff buffered before it (Bybit: one ordered stream, the
    /// snapshot supersedes them) instead of bridging from them (Binance: REST snapshot + buffered stream).
    @inlinable
    public var snapshotSupersedesBuffer: Bool { self == .bybit }

    public var description: String {
        switch self {
        case .binanceSpot: return "binance-spot"
        case .binanceUsdm: return "binance-usdm"
        case .bybit: return "bybit"
        }
    }
}
