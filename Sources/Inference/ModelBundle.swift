import Foundation

/// A model on disk: a directory with `config.json` (`ModelBundleConfig`) and `model.safetensors` (the
/// PyTorch `state_dict`, any alias names kept). Loading is cold-path work: it parses JSON, maps the weights
/// and checks the feature schema; build the runnable model with `TCNModel(bundle:)`,
/// `TabNetModel(bundle:)` or `PPOPolicy(bundle:)`.
public final class ModelBundle: Sendable {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"

    public let directory: String
    public let config: ModelBundleConfig
    public let weights: SafeTensorsFile

    /// Opens the bundle in `directory`.
    /// - Parameter expecting: the live feature schema; when given, a bundle without features or with other
    ///   names, order, id or version is refused with `featureSchemaMismatch`.
    public init(directory: String, expecting: ExpectedFeatureSchema? = nil) throws {
        self.directory = directory
        let url = URL(fileURLWithPath: directory)
        let configURL = url.appendingPathComponent(Self.configFile)
        guard let data = FileManager.default.contents(atPath: configURL.path) else {
            throw ModelLoadError.fileUnreadable(path: configURL.path, errno: ENOENT)
        }
        config = try ModelBundleConfig.parse(data)
        if let expecting {
            guard let features = config.features else {
                throw ModelLoadError.featureSchemaMismatch("bundle \(directory) declares no feature schema")
            }
            try features.check(against: expecting)
        }
        weights = try SafeTensorsFile(path: url.appendingPathComponent(Self.weightsFile).path)
    }

    /// Writes a bundle: `config.json` plus a copy of `stateDict` as `model.safetensors`, after checking that
    /// the model builds from them (every tensor present with the right shape and dtype).
    /// - Returns: the opened bundle.
    @discardableResult
    public static func write(config: ModelBundleConfig, stateDict: String, to directory: String) throws -> ModelBundle {
        let source = try SafeTensorsFile(path: stateDict)
        try validate(config: config, weights: source)
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dir = URL(fileURLWithPath: directory)
        let target = dir.appendingPathComponent(weightsFile)
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.copyItem(atPath: stateDict, toPath: target.path)
        try config.serialized().write(to: dir.appendingPathComponent(configFile), options: .atomic)
        return try ModelBundle(directory: directory)
    }

    /// Throws `featureSchemaMismatch` when the bundle lists another number of feature names than `inputs`.
    public func checkFeatureCount(_ inputs: Int) throws {
        if let f = config.features, f.names.count != inputs {
            throw ModelLoadError.featureSchemaMismatch("bundle lists \(f.names.count) feature names for a model with \(inputs) inputs")
        }
    }

    /// Builds (and drops) the model the config describes, to surface every load-time error.
    static func validate(config: ModelBundleConfig, weights: SafeTensorsFile) throws {
        let inputs: Int
        switch config.arch {
        case .tcn:
            let p = try config.decodeParams(TCNParams.self)
            _ = try TCNModel(params: p, weights: weights, normalization: config.normalization, maxWindow: 1)
            inputs = p.inputSize
        case .tabnet:
            let p = try config.decodeParams(TabNetParams.self)
            _ = try TabNetModel(params: p, weights: weights, normalization: config.normalization)
            inputs = p.inputDim
        case .ppo:
            let p = try config.decodeParams(PPOParams.self)
            _ = try PPOPolicy(params: p, weights: weights, normalization: config.normalization)
            inputs = p.obsDim
        }
        if let f = config.features, f.names.count != inputs {
            throw ModelLoadError.featureSchemaMismatch("bundle lists \(f.names.count) feature names for a model with \(inputs) inputs")
        }
    }
}
