import HFTTestSupport
import Engine
import Foundation
import Testing

/// Config validation: every refusal names the key and the problem.
@Suite struct EngineConfigTests {
    static let journal = "/tmp/hft-config-test/journal.bin"

    @Test func aCompleteConfigParses() throws {
        let c = try EngineFixtures.parse(EngineFixtures.config(journal: Self.journal, models: false))
        #expect(c.mode == .paper)
        #expect(c.instruments.map(\.symbol) == ["ETHUSDT"])
        #expect(c.instruments[0].spec.tick == 1)        // 0.01 at 2 decimals
        #expect(c.instruments[0].spec.lot == 1)         // 0.001 at 3 decimals
        #expect(c.limits.maxPosition.raw == 50)
        #expect(c.positionLimit == 50)
        #expect(c.journalPath == Self.journal)
        #expect(!c.topology.threads.isEmpty)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.activeProcessorCount >= 2, "the demo topology pins the pipeline to core 1"))
    func theShippedDemoConfigParses() throws {
        let c = try EngineConfig.load(path: "\(EngineFixtures.packageRoot)/Tuning/config/demo.json")
        #expect(c.strategy.plugin == "RegimeScalper")
        #expect(c.models.tcn?.hasSuffix("Strategies/RegimeScalper/models/tcn") == true)
    }

    func refusal(_ text: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try EngineFixtures.parse(text, environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func variant(_ edit: (inout [String: Any]) -> Void) -> String {
        let base = EngineFixtures.config(journal: Self.journal, models: false)
        var o = try! JSONSerialization.jsonObject(with: Data(base.utf8)) as! [String: Any]
        edit(&o)
        return String(decoding: try! JSONSerialization.data(withJSONObject: o), as: UTF8.self)
    }

    /// Rings and depths each inside their range can still multiply to gigabytes of book snapshot
    /// slots (2²⁰ × 200 levels: 13 GiB): refused at load, naming both keys, instead of at allocation.
    @Test func ringCapacityTimesBookDepthIsBoundedInMemory() {
        func engine(_ ring: Int, _ depth: Int) -> String {
            variant { o in o["engine"] = ["ringCapacity": ring, "bookDepth": depth] }
        }
        #expect(refusal(engine(4096, 20)) == nil)
        #expect(refusal(engine(1 << 19, 20)) == nil)
        let r = refusal(engine(1 << 20, 200))
        #expect(r?.hasPrefix("config: engine.ringCapacity: with engine.bookDepth 200, the book snapshot slots would take 12800 MiB") == true, "\(r ?? "accepted")")
        #expect(refusal(engine(1 << 20, 20)) != nil)
        #expect(EngineConfig.bookSlotBytes(ringCapacity: 4096, bookDepth: 20) >> 20 == 5)
    }

    @Test func unknownKeysAreNamed() {
        let r = refusal(variant { o in
            var risk = o["risk"] as! [String: Any]
            risk["maxPositon"] = "1"
            o["risk"] = risk
        })
        #expect(r == "config: unknown key risk.maxPositon")
    }

    @Test func missingAndMalformedValuesNameTheirKey() {
        #expect(refusal(variant { o in
            var risk = o["risk"] as! [String: Any]
            risk.removeValue(forKey: "maxPosition")
            o["risk"] = risk
        }) == "config: risk.maxPosition is required")
        let lot = refusal(variant { o in
            o["venue"] = ["name": "binance-usdm", "instruments": ["ETHUSDT": ["tick": "0.01", "lot": "0.0001", "quantityDecimals": 3]]]
        })
        #expect(lot?.hasPrefix("config: venue.instruments.ETHUSDT.lot: \"0.0001\" is not a decimal with at most 3 fraction digits") == true)
        #expect(refusal(variant { $0["mode"] = "yolo" }) == "config: mode: \"yolo\" is not one of paper, live, replay")
        #expect(refusal(variant { $0["topology"] = ["profile": "fast"] }) == "config: topology.profile: \"fast\" is not one of default, colo, custom")
        #expect(refusal(variant { o in
            var s = o["strategy"] as! [String: Any]
            s["symbol"] = "BTCUSDT"
            o["strategy"] = s
        }) == "config: strategy.symbol: BTCUSDT is not in venue.instruments")
        #expect(refusal("[1,2]") == "config: not a JSON object: the top level must be an object")
        let coreProblem = refusal(variant { $0["topology"] = ["profile": "custom", "threads": [["name": "all", "core": 999, "stages": ["feed", "book"]]]] })
        #expect(coreProblem?.hasPrefix("config: topology: ") == true)
        // Analytics ranges are checked with the rest of the file (a window of 2⁴⁰ events cannot be allocated).
        #expect(refusal(variant { $0["analytics"] = ["eventWindow": 1 << 40] }) == "config: analytics.eventWindow: 1...1048576")
        #expect(refusal(variant { $0["analytics"] = ["rollingProfile": ["binTicks": 0]] }) == "config: analytics.rollingProfile.binTicks: 1...1048576")
    }

    @Test func secretsComeFromTheEnvironmentOrAPrivateFile() throws {
        let withEnv = variant { $0["control"] = ["enabled": true, "tokenEnv": "HFT_TEST_TOKEN"] }
        #expect(refusal(withEnv) == "config: control.tokenEnv: environment variable HFT_TEST_TOKEN is not set")
        let c = try EngineFixtures.parse(withEnv, environment: ["HFT_TEST_TOKEN": "0123456789abcdef0123"])
        #expect(c.control.token == "0123456789abcdef0123")
        #expect(refusal(withEnv, environment: ["HFT_TEST_TOKEN": "short"]) == "config: control: the token must have at least 16 characters")

        let dir = TestScratch.directory("secret")
        let file = dir + "/token"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("0123456789abcdef0123\n".utf8), attributes: [.posixPermissions: 0o644]))
        let withFile = variant { $0["control"] = ["enabled": true, "tokenFile": file] }
        #expect(refusal(withFile)?.contains("is readable by group or others (mode 644); chmod 600 it") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        #expect(try EngineFixtures.parse(withFile).control.token == "0123456789abcdef0123")

        let live = variant { $0["mode"] = "live" }
        #expect(refusal(live) == "config: live: live mode needs HFT_API_KEY and HFT_API_SECRET in the environment (or live.credentialsFile)")
    }
}
