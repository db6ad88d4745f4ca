/// The feature vector a model was trained on: names in input order and the feature schema they came
/// from (`schema_id`, `schema_version`, as published by the Analytics feature schema).
public struct ModelFeatures: Codable, Sendable, Equatable {
    public var schemaId: String
    public var schemaVersion: Int
    public var names: [String]

    public init(schemaId: String, schemaVersion: Int, names: [String]) {
        self.schemaId = schemaId
        self.schemaVersion = schemaVersion
        self.names = names
    }

    enum CodingKeys: String, CodingKey { case schemaId = "schema_id", schemaVersion = "schema_version", names }

    /// Throws `featureSchemaMismatch` unless `expected` has the same version, the same id (when it names
    /// one) and the same names in the same order.
    public func check(against expected: ExpectedFeatureSchema) throws {
        if let id = expected.id, id != schemaId {
            throw ModelLoadError.featureSchemaMismatch("model was trained on schema \(schemaId), live schema is \(id)")
        }
        guard expected.version == schemaVersion else {
            throw ModelLoadError.featureSchemaMismatch("model was trained on \(schemaId) version \(schemaVersion), live version is \(expected.version)")
        }
        guard expected.names == names else {
            let firstDiff = zip(names, expected.names).enumerated().first { $0.element.0 != $0.element.1 }
            let detail = firstDiff.map { "feature \($0.offset) is \($0.element.0) in the model, \($0.element.1) live" }
                ?? "model has \(names.count) features, live schema \(expected.names.count)"
            throw ModelLoadError.featureSchemaMismatch(detail)
        }
    }
}

/// What the caller's live feature pipeline produces, checked against a bundle at load.
public struct ExpectedFeatureSchema: Sendable, Equatable {
    /// Schema id; `nil` skips the id check (names and version are still checked).
    public var id: String?
    public var version: Int
    public var names: [String]

    public init(id: String? = nil, version: Int, names: [String]) {
        self.id = id
        self.version = version
        self.names = names
    }
}
