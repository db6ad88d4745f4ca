import Analytics
import Engine
import Foundation
import HFTTestSupport

/// Locates the plugin libraries SwiftPM built next to the test bundle and the shared market data.
enum PluginFixtures {

    /// The directory holding `lib<Product>.so`: `HFT_PLUGIN_DIR`, else the test executable's directory.
    static var libraryDirectory: String {
        if let d = ProcessInfo.processInfo.environment["HFT_PLUGIN_DIR"] { return d }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test executable may sit inside an .xctest bundle directory.
        while dir.path.count > 1 && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("libTouchQuoter.so").path) {
            if dir.lastPathComponent.hasPrefix(".build") { break }
            dir = dir.deletingLastPathComponent()
        }
        return dir.path
    }

    static func library(_ product: String) -> String { "\(libraryDirectory)/lib\(product).so" }

    static var marketData: String { MarketDataDirectory.path }

    static var spotCapture: String { "\(marketData)/binance/spot/hftbacktest_spot_ethusdt_20240808.gz" }

    /// The schema of the default analytics config (what the example plugins are built for).
    static var defaultSchema: FeatureSchema {
        let c = AnalyticsConfig()
        return FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0).1
    }

    static func services() -> StrategyHostServices { StrategyHostServices(featureNames: defaultSchema.names, policy: nil) }

    static let touchQuoterConfig = #"{"ofi_threshold": 0.3, "quantity": 100, "target_ticks": 2, "stop_ticks": 3, "max_hold_ms": 3000, "quote_ttl_ms": 1000}"#
}
