import StrategyABI

/// A plugin's manifest, copied out of the C struct at load (cold).
public struct StrategyManifest: Sendable, Hashable, Codable {
    public var abiVersion: UInt32
    public var name: String
    public var version: String
    public var toolchain: String
    public var buildConfiguration: String
    public var featureSchemaId: String
    public var description: String

    init(_ m: hft_strategy_manifest) {
        func s(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        abiVersion = m.abi_version
        name = s(m.name)
        version = s(m.version)
        toolchain = s(m.toolchain)
        buildConfiguration = s(m.build_configuration)
        featureSchemaId = s(m.feature_schema_id)
        description = s(m.description)
    }

    /// The host's own identity, the values a plugin must match.
    public static var hostABIVersion: UInt32 { HFT_STRATEGY_ABI_VERSION }
    public static var hostToolchain: String { String(cString: hft_strategy_toolchain()) }
}
