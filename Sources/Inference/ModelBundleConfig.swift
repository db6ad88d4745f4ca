import Foundation

/// `config.json` of a model bundle: the architecture, its hyper-parameters in the training library's own
/// argument names (kept as the raw JSON object), the feature schema the model was trained on and the input
/// normalisation.
///
/// ```json
/// {"format": "hft-model-bundle", "format_version": 1, "arch": "tabnet",
///  "params": {"input_dim": 32, "output_dim": 3, "n_d": 8, ...},
///  "features": {"schema_id": "...", "schema_version": 1, "names": ["...", ...]},
///  "normalization": {"type": "vec_normalize", "mean": [...], "var": [...], "clip_obs": 10, "epsilon": 1e-8}}
/// ```
public struct ModelBundleConfig: Sendable {
    public static let format = "hft-model-bundle"
    public static let formatVersion = 1

    public var arch: ModelArch
    /// The hyper-parameters as JSON bytes (an object), decoded on demand by `decodeParams(_:)`.
    public var paramsJSON: Data
    public var features: ModelFeatures?
    public var normalization: InputNormalizer?

    public init(arch: ModelArch, paramsJSON: Data, features: ModelFeatures?, normalization: InputNormalizer?) {
        self.arch = arch
        self.paramsJSON = paramsJSON
        self.features = features
        self.normalization = normalization
    }

    /// Decodes the architecture's parameter struct (`TCNParams`, `TabNetParams`, `PPOParams`).
    public func decodeParams<P: Decodable>(_ type: P.Type) throws -> P {
        do {
            return try JSONDecoder().decode(P.self, from: paramsJSON)
        } catch let e as ModelLoadError {
            throw e
        } catch {
            throw ModelLoadError.badConfig("params for \(arch.rawValue): \(error)")
        }
    }

    /// Builds a config from a params JSON as `hft model import --params` takes it: the library's arguments,
    /// optionally with `features` and `normalization` objects beside them (moved out of `params`).
    public static func fromParamsFile(arch: ModelArch, json: Data) throws -> ModelBundleConfig {
        guard var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw ModelLoadError.badConfig("params file is not a JSON object")
        }
        let features = try object.removeValue(forKey: "features").map { try decodeValue(ModelFeatures.self, $0, "features") }
        let normalization = try object.removeValue(forKey: "normalization").flatMap { $0 is NSNull ? nil : $0 }
            .map { try decodeValue(InputNormalizer.self, $0, "normalization") }
        let params = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return ModelBundleConfig(arch: arch, paramsJSON: params, features: features, normalization: normalization)
    }

    /// Parses `config.json`.
    public static func parse(_ json: Data) throws -> ModelBundleConfig {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw ModelLoadError.badConfig("config.json is not a JSON object")
        }
        guard object["format"] as? String == format else {
            throw ModelLoadError.badConfig("config.json format is not \(format)")
        }
        guard let version = object["format_version"] as? Int, version == formatVersion else {
            throw ModelLoadError.unsupported("bundle format_version \(object["format_version"] ?? "missing") (this build reads \(formatVersion))")
        }
        guard let archName = object["arch"] as? String, let arch = ModelArch(rawValue: archName) else {
            throw ModelLoadError.badConfig("config.json arch must be one of \(ModelArch.allCases.map(\.rawValue))")
        }
        guard let params = object["params"] as? [String: Any] else {
            throw ModelLoadError.badConfig("config.json lacks a params object")
        }
        let features = try (object["features"]).flatMap { $0 is NSNull ? nil : $0 }.map { try decodeValue(ModelFeatures.self, $0, "features") }
        let normalization = try (object["normalization"]).flatMap { $0 is NSNull ? nil : $0 }
            .map { try decodeValue(InputNormalizer.self, $0, "normalization") }
        return ModelBundleConfig(arch: arch, paramsJSON: try JSONSerialization.data(withJSONObject: params, options: [.sortedKeys]),
                                 features: features, normalization: normalization)
    }

    /// `config.json` bytes (pretty-printed, keys sorted).
    public func serialized() throws -> Data {
        var object: [String: Any] = [
            "format": Self.format, "format_version": Self.formatVersion, "arch": arch.rawValue,
            "params": try JSONSerialization.jsonObject(with: paramsJSON),
        ]
        let enc = JSONEncoder()
        object["features"] = try features.map { try JSONSerialization.jsonObject(with: enc.encode($0)) } ?? NSNull()
        object["normalization"] = try normalization.map { try JSONSerialization.jsonObject(with: enc.encode($0)) } ?? NSNull()
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    static func decodeValue<T: Decodable>(_ type: T.Type, _ value: Any, _ what: String) throws -> T {
        do {
            // Fragments allowed: a number or string where an object belongs is a decoding error, not the
            // trap `data(withJSONObject:)` gives a top-level value that is neither array nor object.
            let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ModelLoadError.badConfig("\(what): \(error)")
        }
    }
}
