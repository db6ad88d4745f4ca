import Foundation
import HFTTestSupport
import Testing
@testable import Inference

/// The model loader on every one-change variant of the shipped bundles (`JSONVariants`): each
/// default bundle's `config.json` (the first element of each array varied), and the JSON header of
/// its `model.safetensors` (dtypes, shapes, data offsets). Each variant is refused with a thrown
/// error, or it loads and builds its model (and, for a config variant, evaluates the first row of the
/// bundle's reference input). A value that
/// made the loader trap (an allocation from a huge dimension, a read past the mapped file) kills
/// this test.
@Suite(.serialized) struct BundleSweepTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Strategies/RegimeScalper/models").path

    /// Loads the bundle in `directory`, builds its model and runs `input` through it (when given).
    static func loadAndEvaluate(_ directory: String, input: NpyArray?) throws {
        let bundle = try ModelBundle(directory: directory)
        try ModelBundle.validate(config: bundle.config, weights: bundle.weights)
        if let input { _ = try ModelEvaluation.evaluate(bundle, input: input) }
    }

    /// `model.safetensors`: its 8-byte header length, JSON header and data.
    static func split(_ bytes: [UInt8]) -> (header: String, data: [UInt8]) {
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return (String(decoding: bytes[8..<(8 + n)], as: UTF8.self), Array(bytes[(8 + n)...]))
    }

    static func joined(header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + data
    }

    @Test(arguments: ["tcn", "tabnet", "ppo"])
    func everyOneChangeVariantIsRefusedOrEvaluates(_ arch: String) throws {
        let source = "\(Self.root)/\(arch)"
        // The reference input's first row.
        let reference = try NpyArray(contentsOf: "\(source)/reference_input.npy")
        let rowShape = [1] + reference.shape.dropFirst()
        let input = NpyArray(floats: Array(reference.floats.prefix(rowShape.reduce(1, *))), shape: rowShape)
        try Self.loadAndEvaluate(source, input: input)
        let config = try String(contentsOfFile: "\(source)/\(ModelBundle.configFile)", encoding: .utf8)
        let weights = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(source)/\(ModelBundle.weightsFile)")))
        let (header, data) = Self.split(weights)

        let directory = TestScratch.directory("bundle-\(arch)")
        let configPath = "\(directory)/\(ModelBundle.configFile)", weightsPath = "\(directory)/\(ModelBundle.weightsFile)"
        var refused = 0, loaded = 0
        func attempt(_ path: String, evaluate: Bool) {
            do {
                try Self.loadAndEvaluate(directory, input: evaluate ? input : nil)
                loaded += 1
            } catch {
                refused += 1
                #expect(error is ModelLoadError, "\(path): \(type(of: error)) \(error)")
            }
        }
        try Data(weights).write(to: URL(fileURLWithPath: weightsPath))
        let configVariants = try JSONVariants.of(config, arrayElements: 1)
        for (path, json) in configVariants {
            try Data(json.utf8).write(to: URL(fileURLWithPath: configPath))
            attempt("config.json \(path)", evaluate: true)
        }
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        // The tensors' entries are all read by the same code: the variants of three of them.
        let names = (try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any] ?? [:]).keys.sorted()
        let headerVariants = try JSONVariants.of(header, arrayElements: 1, topLevelKeys: Set(names.prefix(3)))
        for (path, json) in headerVariants {
            try Data(Self.joined(header: json, data: data)).write(to: URL(fileURLWithPath: weightsPath))
            attempt("safetensors header \(path)", evaluate: false)
        }
        // A file cut inside its header and one cut inside its data.
        for cut in [4, 8 + header.utf8.count / 2, weights.count - 1] {
            try Data(weights.prefix(cut)).write(to: URL(fileURLWithPath: weightsPath))
            attempt("safetensors cut at \(cut)", evaluate: false)
        }
        #expect(refused > (configVariants.count + headerVariants.count) / 4 && loaded > 0,
                "\(configVariants.count) + \(headerVariants.count) variants: \(refused) refused, \(loaded) loaded")
    }
}

