import Foundation

/// The ordered list of features the engine writes, with units: the contract between the live
/// feature vector and every model bundle or plugin trained on it.
///
/// `id` is the FNV-1a 64-bit hash (16 hex digits) of `"v<version>"` followed by `"\n<name>:<unit>"`
/// for each feature in order, so any change of name, unit, order, count or semantics version
/// changes it. Export with `jsonData()`; refuse a foreign schema at load with `check(against:)`.
public struct FeatureSchema: Codable, Hashable, Sendable {
    /// Version of the features' definitions (bump when a formula changes under the same name).
    public static let currentVersion = 1

    public var version: Int
    public var id: String
    public var features: [FeatureDescriptor]

    public init(version: Int = FeatureSchema.currentVersion, features: [FeatureDescriptor]) {
        self.version = version
        self.features = features
        self.id = FeatureSchema.hash(version: version, features: features)
    }

    public var count: Int { features.count }
    public var names: [String] { features.map(\.name) }

    /// Index of the feature named `name`.
    public func index(of name: String) -> Int? { features.firstIndex { $0.name == name } }

    public static func hash(version: Int, features: [FeatureDescriptor]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ s: String) {
            for b in s.utf8 {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01b3
            }
        }
        mix("v\(version)")
        for f in features { mix("\n\(f.name):\(f.unit)") }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Pretty-printed JSON `{"version":…, "id":…, "features":[{"name","unit","description"}…]}`.
    public func jsonData() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return (try? e.encode(self)) ?? Data()
    }

    /// Decodes a schema from JSON and verifies that its `id` matches its contents.
    public static func load(json: Data) throws(AnalyticsConfigError) -> FeatureSchema {
        let s: FeatureSchema
        do { s = try JSONDecoder().decode(FeatureSchema.self, from: json) } catch { throw .malformed("\(error)") }
        let expected = hash(version: s.version, features: s.features)
        guard s.id == expected else { throw .invalid(parameter: "id", reason: "\(s.id) does not match its features (\(expected))") }
        return s
    }

    /// Throws the first difference between `self` (the live schema, "expected") and `other`
    /// (the schema a model or plugin was built for, "actual"); returns when they are identical.
    public func check(against other: FeatureSchema) throws(FeatureSchemaMismatch) {
        guard version == other.version else { throw .version(expected: version, actual: other.version) }
        let n = min(count, other.count)
        for i in 0..<n {
            let e = features[i], a = other.features[i]
            guard e.name == a.name else { throw .name(index: i, expected: e.name, actual: a.name) }
            guard e.unit == a.unit else { throw .unit(index: i, name: e.name, expected: e.unit, actual: a.unit) }
        }
        guard count == other.count else {
            let first = count > other.count ? features[n].name : other.features[n].name
            throw .count(expected: count, actual: other.count, firstUnmatched: first)
        }
        guard id == other.id else { throw .id(expected: id, actual: other.id) }
    }
}
