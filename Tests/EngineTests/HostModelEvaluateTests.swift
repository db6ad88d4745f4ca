import Analytics
@testable import Engine
import Foundation
import Inference
import StrategyABI
import Testing

/// `hft_host_api.model_evaluate` (ABI 2): TabNet on demand, through the same C table a plugin gets.
@Suite struct HostModelEvaluateTests {
    static var tabnetDirectory: String { "\(EngineFixtures.defaultModels)/tabnet" }

    /// The default TabNet bundle's reference rows (real features, recorded by the training script).
    static func referenceRows() throws -> (rows: [[Double]], width: Int) {
        let npy = try NpyArray(contentsOf: "\(tabnetDirectory)/reference_input.npy")
        let width = npy.shape.last ?? 0
        let values = npy.floats
        return (stride(from: 0, to: values.count, by: width).map { values[$0..<($0 + width)].map(Double.init) }, width)
    }

    @Test func evaluatesTabNetExactlyAsTheModelAndRefusesWhatItCannotRead() throws {
        try #require(EngineFixtures.hasDefaultModels)
        let analytics = AnalyticsConfig()
        let schema = FeatureLayout.make(imbalanceLevels: analytics.imbalanceLevels, ofiLevels: analytics.ofiLevels,
                                        hmmStates: analytics.hmm?.states ?? 0).1
        let schemaId = hft_strategy_schema_id_value(schema.id)
        let bundle = try ModelBundle(directory: Self.tabnetDirectory)
        let models = try SignalModels(tcnBundle: nil, tabnetBundle: bundle, instruments: 1, featureCount: schema.count, classReturnScale: 0.0005)
        let services = StrategyHostServices(featureNames: schema.names, policy: nil, onDemand: models, schemaId: schemaId)
        let api = services.api
        let evaluate = try #require(api.model_evaluate)
        var direct = try TabNetModel(bundle: bundle)
        let (rows, width) = try Self.referenceRows()
        #expect(width == schema.count && !rows.isEmpty)

        for (k, row) in rows.enumerated() {
            var features = row
            var input = row.map(Float.init)
            var logits = [Float](repeating: 0, count: 16)
            direct.predict(&input, logits: &logits, masks: nil)
            var value: Float = .nan
            let rc = features.withUnsafeMutableBufferPointer { f -> Int32 in
                var view = hft_market_view()
                view.features = UnsafePointer(f.baseAddress)
                view.feature_count = UInt32(f.count)
                view.feature_schema_id = schemaId
                return evaluate(api.context, UInt32(HFT_MODEL_TABNET), &view, &value)
            }
            #expect(rc == HFT_OK.rawValue)
            #expect(value == logits[0], "row \(k): host \(value), model \(logits[0])")
            #expect(services.tabnetCalls == UInt64(k + 1) && services.lastTabNetNanos > 0)
        }

        var features = rows[0]
        func call(model: UInt32 = UInt32(HFT_MODEL_TABNET), count: Int? = nil, schema id: UInt64 = schemaId) -> Int32 {
            features.withUnsafeMutableBufferPointer { f in
                var view = hft_market_view()
                view.features = UnsafePointer(f.baseAddress)
                view.feature_count = UInt32(count ?? f.count)
                view.feature_schema_id = id
                var out: Float = 0
                return evaluate(api.context, model, &view, &out)
            }
        }
        #expect(call(model: UInt32(HFT_MODEL_TCN)) == HFT_ERR_INVALID_ARGUMENT.rawValue)
        #expect(call(count: schema.count - 1) == HFT_ERR_INVALID_ARGUMENT.rawValue)
        #expect(call(schema: schemaId ^ 1) == HFT_ERR_INVALID_ARGUMENT.rawValue)
        features[3] = .nan
        #expect(call() == HFT_ERR_UNAVAILABLE.rawValue)
        #expect(services.tabnetCalls == UInt64(rows.count))

        // Without an on-demand model the call says so.
        let plain = StrategyHostServices(featureNames: schema.names, policy: nil)
        features[3] = 0
        var view = hft_market_view()
        var out: Float = 0
        let rc = features.withUnsafeMutableBufferPointer { f -> Int32 in
            view.features = UnsafePointer(f.baseAddress)
            view.feature_count = UInt32(f.count)
            view.feature_schema_id = schemaId
            return plain.api.model_evaluate!(plain.api.context, UInt32(HFT_MODEL_TABNET), &view, &out)
        }
        #expect(rc == HFT_ERR_UNAVAILABLE.rawValue)
    }
}
