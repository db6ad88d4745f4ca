/// One named feature of the schema: its name (snake case, stable), its unit and what it measures.
public struct FeatureDescriptor: Codable, Hashable, Sendable {
    public var name: String
    public var unit: String
    public var description: String

    public init(name: String, unit: String, description: String) {
        self.name = name
        self.unit = unit
        self.description = description
    }
}
