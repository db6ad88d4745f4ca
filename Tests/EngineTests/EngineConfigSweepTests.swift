import Foundation
import HFTTestSupport
import Testing
@testable import Engine

/// The config reader on every one-change variant of the shipped configs (`JSONVariants`: each
/// number, string, bool, array and key of `Tuning/config/bench.json` and `demo.json`, and of a live
/// config with the control endpoint on): each is refused with an `EngineConfigError` that names a
/// key, or parses. A value that made the reader trap kills this test.
@Suite struct EngineConfigSweepTests {
    static let live = """
    {"mode": "live",
     "venue": {"name": "binance-usdm", "instruments": {"ETHUSDT": {"tick": "0.01", "lot": "0.001", "priceDecimals": 2, "quantityDecimals": 3}}},
     "strategy": {"plugin": "RegimeScalper", "symbol": "ETHUSDT", "config": {"entryThreshold": 0.3}},
     "risk": {"maxPosition": "0.050", "maxOrderQuantity": "0.010"},
     "live": {"requestTimeoutMs": 1500, "apiKeyEnv": "K", "apiSecretEnv": "S"},
     "journal": {"path": "journal.bin", "fsync": "every:64"},
     "control": {"enabled": true, "port": 0, "tokenEnv": "T"},
     "analytics": {"eventWindow": 50, "rollingProfile": {"binTicks": 2}},
     "engine": {"ringCapacity": 4096, "bookDepth": 20}}
    """

    @Test(arguments: ["Tuning/config/bench.json", "Tuning/config/demo.json", "live"])
    func everyOneChangeVariantIsRefusedByKeyOrParses(_ source: String) throws {
        let base = source == "live" ? Self.live : try String(contentsOfFile: "\(EngineFixtures.packageRoot)/\(source)", encoding: .utf8)
        let directory = source == "live" ? EngineFixtures.packageRoot : "\(EngineFixtures.packageRoot)/Tuning/config"
        let environment = ["K": "key", "S": "secret", "T": "0123456789abcdef0123"]
        _ = try EngineConfig.parse(Data(base.utf8), baseDirectory: directory, environment: environment)
        let variants = try JSONVariants.of(base)
        var refused = 0
        for (path, json) in variants {
            do {
                _ = try EngineConfig.parse(Data(json.utf8), baseDirectory: directory, environment: environment)
            } catch {
                refused += 1
                let text = error.description
                #expect(text.hasPrefix("config: "), "\(path): \(text)")
                #expect(!text.contains("Fatal"), "\(path): \(text)")
            }
        }
        #expect(variants.count > 200 && refused > variants.count / 4, "\(variants.count) variants, \(refused) refused")
    }
}
