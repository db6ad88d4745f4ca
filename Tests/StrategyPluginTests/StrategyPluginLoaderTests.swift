import Foundation
import Engine
import StrategyABI
import Testing

@Suite struct StrategyPluginLoaderTests {
    let schema = PluginFixtures.defaultSchema.id

    @Test func builtPluginsExistNextToTheTests() {
        for p in ["TouchQuoter", "RegimeScalper", "FaultyMissingEntry", "FaultyABIVersion", "FaultyToolchain", "FaultySchema"] {
            #expect(FileManager.default.fileExists(atPath: PluginFixtures.library(p)), "missing \(PluginFixtures.library(p))")
        }
    }

    @Test func missingFileIsRefused() {
        #expect(throws: StrategyPluginError.self) { _ = try StrategyPlugin(path: "/nonexistent/libNothing.so", featureSchemaId: schema) }
    }

    @Test func missingEntrySymbolIsRefused() {
        let path = PluginFixtures.library("FaultyMissingEntry")
        #expect(throws: StrategyPluginError.missingEntrySymbol(path: path)) { _ = try StrategyPlugin(path: path, featureSchemaId: schema) }
        let e = StrategyPluginError.missingEntrySymbol(path: path)
        #expect(e.description.contains("does not export hft_strategy_entry"))
    }

    @Test func wrongABIVersionIsRefused() throws {
        let path = PluginFixtures.library("FaultyABIVersion")
        let error = #expect(throws: StrategyPluginError.self) { _ = try StrategyPlugin(path: path, featureSchemaId: schema) }
        #expect(error == .abiVersionMismatch(plugin: "faulty-abi-version", expected: HFT_STRATEGY_ABI_VERSION, actual: 999))
        #expect(error?.description.contains("ABI version 999, the host speaks version \(HFT_STRATEGY_ABI_VERSION)") == true)
    }

    @Test func wrongToolchainIsRefused() throws {
        let path = PluginFixtures.library("FaultyToolchain")
        let error = #expect(throws: StrategyPluginError.self) { _ = try StrategyPlugin(path: path, featureSchemaId: schema) }
        #expect(error == .toolchainMismatch(plugin: "faulty-toolchain", expected: StrategyManifest.hostToolchain,
                                            actual: "swiftlang-5.10.1.10.1 clang-1500.3.9.4"))
        #expect(error?.description.contains("rebuild it with the host's toolchain") == true)
    }

    @Test func schemaMismatchIsRefused() throws {
        let path = PluginFixtures.library("FaultySchema")
        let error = #expect(throws: StrategyPluginError.self) { _ = try StrategyPlugin(path: path, featureSchemaId: schema) }
        #expect(error == .schemaMismatch(plugin: "faulty-schema", expected: schema, actual: "0123456789abcdef"))
        #expect(error?.description.contains("built for feature schema 0123456789abcdef, the engine computes schema \(schema)") == true)
    }

    @Test func theFourRefusalsHaveDistinctMessages() {
        let paths = ["FaultyMissingEntry", "FaultyABIVersion", "FaultyToolchain", "FaultySchema"].map(PluginFixtures.library)
        var messages = Set<String>()
        for p in paths {
            do {
                _ = try StrategyPlugin(path: p, featureSchemaId: schema)
            } catch {
                messages.insert(String(error.description.split(separator: ":").first ?? ""))
            }
        }
        #expect(messages.count == 4)
    }

    @Test func examplesLoadWithTheirManifests() throws {
        let c = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: schema)
        #expect(c.manifest.name == "touch-quoter")
        #expect(c.manifest.abiVersion == HFT_STRATEGY_ABI_VERSION)
        #expect(c.manifest.toolchain == StrategyManifest.hostToolchain)
        let s = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: schema)
        #expect(s.manifest.name == "regime-scalper")
        #expect(s.manifest.featureSchemaId == schema)
        #expect(s.manifest.description.contains("fallback"))
    }

    @Test func twoPluginsAtOnceEachWithItsOwnInstances() throws {
        let services = PluginFixtures.services()
        let c = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: schema)
        let s = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: schema)
        var a = try StrategyInstance(plugin: c, config: PluginFixtures.touchQuoterConfig, services: services)
        var b = try StrategyInstance(plugin: c, config: PluginFixtures.touchQuoterConfig, services: services)
        var d = try StrategyInstance(plugin: s, config: "{}", services: services)
        var features = [Double](repeating: 0, count: PluginFixtures.defaultSchema.count)
        features[PluginFixtures.defaultSchema.index(of: "ofi_depth_normalized")!] = 0.9
        var view = hft_market_view()
        view.sequence = 1
        view.bid_count = 1
        view.ask_count = 1
        view.tick = 1
        view.bids.0 = hft_level(price: 100, quantity: 5)
        view.asks.0 = hft_level(price: 101, quantity: 5)
        view.feature_count = UInt32(features.count)
        view.position_limit = 1000
        var items = [hft_intent](repeating: hft_intent(), count: 8)
        try features.withUnsafeBufferPointer { f in
            view.features = f.baseAddress
            try items.withUnsafeMutableBufferPointer { i in
                var buffer = hft_intent_buffer(items: i.baseAddress, capacity: 8, count: 0)
                #expect(a.onTick(&view, &buffer) == HFT_OK.rawValue)
                #expect(buffer.count == 1)
                #expect(i[0].side == UInt8(HFT_SIDE_BUY) && i[0].price == 100 && i[0].time_in_force == UInt8(HFT_TIF_POST_ONLY))
                #expect(b.onTick(&view, &buffer) == HFT_OK.rawValue)
                #expect(buffer.count == 1)
                #expect(d.onTick(&view, &buffer) == HFT_OK.rawValue)
                let stateA = try a.saveState(), stateB = try b.saveState()
                #expect(stateA == stateB)
                view.sequence = 2
                #expect(a.onTick(&view, &buffer) == HFT_OK.rawValue)
                #expect(try a.saveState() != stateB)
            }
        }
    }

    @Test func createRefusesABadConfig() throws {
        let c = try StrategyPlugin(path: PluginFixtures.library("TouchQuoter"), featureSchemaId: schema)
        #expect(throws: StrategyPluginError.createFailed(plugin: "touch-quoter", code: HFT_ERR_CONFIG.rawValue)) {
            _ = try StrategyInstance(plugin: c, config: #"{"quantity": 0}"#, services: PluginFixtures.services())
        }
        let s = try StrategyPlugin(path: PluginFixtures.library("RegimeScalper"), featureSchemaId: schema)
        let services = PluginFixtures.services()
        #expect(throws: StrategyPluginError.createFailed(plugin: "regime-scalper", code: HFT_ERR_CONFIG.rawValue)) {
            _ = try StrategyInstance(plugin: s, config: #"{"ranging": {"target": -1, "stop": 0.001, "maxPositionShare": 0.3}}"#, services: services)
        }
        #expect(services.log.contains { $0.contains("config refused") })
    }
}
