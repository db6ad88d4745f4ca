import Foundation
import HFTPrimitives
import Testing
@testable import Analytics

struct FeatureSchemaTests {
    let schema = FeatureLayout.make(imbalanceLevels: 10, ofiLevels: 5, hmmStates: 2).1

    @Test func jsonRoundTripKeepsIdAndOrder() throws {
        let loaded = try FeatureSchema.load(json: schema.jsonData())
        #expect(loaded == schema)
        #expect(loaded.id.count == 16)
        try schema.check(against: loaded)
        #expect(schema.names.first == "mid" && schema.names.last == "hmm_p1")
        #expect(Set(schema.names).count == schema.count)
    }

    @Test func idDependsOnNamesUnitsOrderAndVersion() {
        var f = schema.features
        f.swapAt(0, 1)
        #expect(FeatureSchema(features: f).id != schema.id)
        #expect(FeatureSchema(version: 2, features: schema.features).id != schema.id)
        #expect(FeatureLayout.make(imbalanceLevels: 10, ofiLevels: 5, hmmStates: 3).1.id != schema.id)
        #expect(FeatureLayout.make(imbalanceLevels: 10, ofiLevels: 5, hmmStates: 2).1.id == schema.id)
    }

    @Test func checkNamesTheFirstDifference() {
        var f = schema.features
        f[3].name = "spread"
        #expect(throws: FeatureSchemaMismatch.name(index: 3, expected: "spread_ticks", actual: "spread")) {
            try schema.check(against: FeatureSchema(features: f))
        }
        f = schema.features
        f[4].unit = "percent"
        #expect(throws: FeatureSchemaMismatch.unit(index: 4, name: "spread_bps", expected: "bps", actual: "percent")) {
            try schema.check(against: FeatureSchema(features: f))
        }
        let shorter = FeatureSchema(features: Array(schema.features.dropLast()))
        #expect(throws: FeatureSchemaMismatch.count(expected: schema.count, actual: schema.count - 1, firstUnmatched: "hmm_p1")) {
            try schema.check(against: shorter)
        }
        #expect(throws: FeatureSchemaMismatch.version(expected: 1, actual: 2)) {
            try schema.check(against: FeatureSchema(version: 2, features: schema.features))
        }
        var forged = schema
        forged.id = "0000000000000000"
        #expect(throws: FeatureSchemaMismatch.id(expected: schema.id, actual: "0000000000000000")) { try schema.check(against: forged) }
    }

    @Test func tamperedIdIsRefusedAtLoad() throws {
        var json = try #require(String(data: schema.jsonData(), encoding: .utf8))
        json = json.replacingOccurrences(of: "\"spread_bps\"", with: "\"spread_pct\"")
        #expect(throws: AnalyticsConfigError.self) { try FeatureSchema.load(json: Data(json.utf8)) }
    }

    @Test func engineSchemaMatchesLayoutAndConfig() throws {
        var c = AnalyticsConfig()
        c.hmm = try HMMParameters(observations: ["return_events"], stepNanos: 0, startProbabilities: [1, 0],
                                  transitions: [[0.9, 0.1], [0.1, 0.9]], means: [[0], [1]], variances: [[1], [1]])
        let spec = InstrumentSpec(id: InstrumentId(raw: 0), venue: .binanceSpot, priceScale: DecimalScale(places: 2),
                                  quantityScale: DecimalScale(places: 4), tick: 1)
        let engine = try FeatureEngine(config: c, instrument: spec)
        #expect(engine.schema == schema)
        #expect(engine.features.count == schema.count)
        c.hmm?.observations = ["no_such_feature"]
        #expect(throws: AnalyticsConfigError.unknownFeature("no_such_feature")) { _ = try FeatureEngine(config: c, instrument: spec) }
    }

    @Test func configJSONUsesDefaultsForMissingKeys() throws {
        let c = try AnalyticsConfig.load(json: Data(#"{"eventWindow": 20, "rollingProfile": {"binTicks": 2, "binCount": 256, "windowNanos": 1000000000, "tradeCapacity": 100, "valueAreaBasisPoints": 6820, "smoothingSigmaBins": 1, "hvnFactorPermille": 1200, "lvnFactorPermille": 400, "maxNodeScanBins": 8}}"#.utf8))
        #expect(c.eventWindow == 20 && c.imbalanceLevels == 10 && c.rollingProfile.valueAreaBasisPoints == 6820)
        #expect(throws: AnalyticsConfigError.self) { try AnalyticsConfig.load(json: Data(#"{"imbalanceLevels": 0}"#.utf8)) }
    }
}
