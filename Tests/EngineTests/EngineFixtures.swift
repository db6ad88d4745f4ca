import Engine
import Foundation
import HFTTestSupport

/// Paths and configs for the engine tests: the package root, the shared market data, the plugin
/// libraries SwiftPM built next to the test executable, and a config document.
enum EngineFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var marketData: String { MarketDataDirectory.path }

    static var usdmCapture: String { "\(marketData)/binance/usdm/hftbacktest_usdm_ethusdt_20240808.gz" }
    static var spotCapture: String { "\(marketData)/binance/spot/hftbacktest_spot_ethusdt_20240808.gz" }
    /// The 60-second excerpt bundled for the demo.
    static var demoExcerpt: String { "\(packageRoot)/Tuning/demo/binance_usdm_ethusdt_20240808_excerpt.gz" }
    static var defaultModels: String { "\(packageRoot)/Strategies/RegimeScalper/models" }

    static var pluginDirectory: String {
        if let d = ProcessInfo.processInfo.environment["HFT_PLUGIN_DIR"] { return d }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.path.count > 1 && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("libRegimeScalper.so").path) {
            if dir.lastPathComponent.hasPrefix(".build") { break }
            dir = dir.deletingLastPathComponent()
        }
        return dir.path
    }

    /// Whether the default model bundles are in the tree.
    static var hasDefaultModels: Bool {
        ["tcn", "tabnet", "ppo"].allSatisfy { FileManager.default.fileExists(atPath: "\(defaultModels)/\($0)/config.json") }
    }

    /// A paper/replay config for ETHUSDT with RegimeScalper (and the default models when present).
    static func config(journal: String, mode: String = "paper", models: Bool = hasDefaultModels, extra: String = "") -> String {
        let modelBlock = models ? """
            "models": {"tcn": "\(defaultModels)/tcn", "tabnet": "\(defaultModels)/tabnet", "ppo": "\(defaultModels)/ppo"},
            """ : ""
        return """
        {
          "mode": "\(mode)",
          "venue": {"name": "binance-usdm", "instruments": {"ETHUSDT": {"tick": "0.01", "lot": "0.001", "priceDecimals": 2, "quantityDecimals": 3}}},
          \(modelBlock)
          "strategy": {"plugin": "\(pluginDirectory)/libRegimeScalper.so", "symbol": "ETHUSDT",
                       "config": {"modelScale": 0.0001, "entryThreshold": 0.3, "aggressiveThreshold": 0.8, "confirmTicks": 5}},
          "risk": {"maxPosition": "0.050", "maxOrderQuantity": "0.050", "priceBandBps": 50, "maxOrdersPerWindow": 20, "maxOpenOrders": 8},
          "journal": {"path": "\(journal)", "fsync": "none"},
          \(extra)
          "control": {"enabled": false}
        }
        """
    }

    static func parse(_ text: String, environment: [String: String] = [:]) throws -> EngineConfig {
        try EngineConfig.parse(Data(text.utf8), baseDirectory: packageRoot, environment: environment)
    }
}
