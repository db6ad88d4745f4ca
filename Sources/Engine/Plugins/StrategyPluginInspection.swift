#if canImport(Glibc)
import Glibc
#endif
import Analytics
import StrategyABI

/// A plugin's manifest and how it compares with this host, without refusing it (for `hft plugin inspect`).
public struct StrategyPluginInspection: Sendable {
    public var path: String
    public var manifest: StrategyManifest
    /// One line per check: ABI version, toolchain, feature schema (against `schemaId`).
    public var checks: [(name: String, ok: Bool, detail: String)]
    public var loadable: Bool { checks.allSatisfy(\.ok) }

    /// Opens `path` and reads its manifest. Cold.
    /// - Parameter schemaId: the schema to compare with; nil: the default `AnalyticsConfig`'s.
    /// - Warning: a library that exports the entry stays mapped (see `StrategyPlugin`).
    public init(path: String, schemaId: String? = nil) throws(StrategyPluginError) {
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .openFailed(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown")
        }
        guard let sym = dlsym(h, HFT_STRATEGY_ENTRY_SYMBOL) else {
            dlclose(h)
            throw .missingEntrySymbol(path: path)
        }
        // SAFETY: the ABI defines the symbol's type as hft_strategy_entry_fn.
        let entry = unsafeBitCast(sym, to: hft_strategy_entry_fn.self)
        guard let table = entry(), let m = table.pointee.manifest else { throw .invalidTable(path: path, reason: "null table or manifest") }
        let manifest = StrategyManifest(m.pointee)
        let schema: String
        if let schemaId {
            schema = schemaId
        } else {
            let c = AnalyticsConfig()
            schema = FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0).1.id
        }
        self.path = path
        self.manifest = manifest
        self.checks = [
            ("abi", manifest.abiVersion == StrategyManifest.hostABIVersion,
             "plugin \(manifest.abiVersion), host \(StrategyManifest.hostABIVersion)"),
            ("toolchain", manifest.toolchain == StrategyManifest.hostToolchain,
             "plugin '\(manifest.toolchain)', host '\(StrategyManifest.hostToolchain)'"),
            ("feature schema", manifest.featureSchemaId == schema, "plugin \(manifest.featureSchemaId), engine \(schema)"),
        ]
    }
}
