import Foundation

/// Where the recorded market data is for tests and benchmarks (never for `hft` at run time):
/// `$HFT_MARKET_DATA` when set and not empty, else `shared/data/market` beside the package root
/// (`<package root>/../shared/data/market`; the package root is found from this file's path).
public enum MarketDataDirectory {
    /// The directory (it may not exist: callers skip or fail with their own message).
    public static var url: URL {
        if let o = ProcessInfo.processInfo.environment["HFT_MARKET_DATA"], !o.isEmpty { return URL(fileURLWithPath: o) }
        // Tests/TestSupport/MarketDataDirectory.swift → the package root's parent.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/market")
    }

    /// `url`'s path.
    public static var path: String { url.path }
}
