#if canImport(Glibc)
import Glibc
#endif
import StrategyABI

/// One loaded strategy library: `dlopen` handle, checked manifest and function table.
/// Instances keep their plugin alive.
///
/// - Warning: a library that passed the checks is never `dlclose`d: the Swift runtime keeps
///   pointers into every loaded image's metadata and conformance sections, so unmapping a Swift
///   plugin crashes the next conformance lookup (observed here with RegimeScalper). After a hot
///   swap the old library stays mapped but unused. Refused libraries are closed at once.
///
/// Loading is cold: it opens the file, resolves `hft_strategy_entry`, and refuses a different
/// ABI version, toolchain or feature schema with an error naming both values.
public final class StrategyPlugin: Sendable {
    public let path: String
    public let manifest: StrategyManifest
    // SAFETY: the handle and the table are immutable after init and owned by this object.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer
    nonisolated(unsafe) let api: UnsafePointer<hft_strategy_api>

    /// Opens `path` and checks its manifest.
    /// - Parameter featureSchemaId: the engine's `FeatureSchema.id`; nil skips the schema check (inspect only).
    public init(path: String, featureSchemaId: String?) throws(StrategyPluginError) {
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .openFailed(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown")
        }
        func fail(_ e: StrategyPluginError) -> StrategyPluginError {
            dlclose(h)
            return e
        }
        guard let sym = dlsym(h, HFT_STRATEGY_ENTRY_SYMBOL) else { throw fail(.missingEntrySymbol(path: path)) }
        // SAFETY: the ABI defines the symbol's type as hft_strategy_entry_fn.
        let entry = unsafeBitCast(sym, to: hft_strategy_entry_fn.self)
        guard let table = entry() else { throw fail(.invalidTable(path: path, reason: "hft_strategy_entry returned NULL")) }
        guard let m = table.pointee.manifest else { throw fail(.invalidTable(path: path, reason: "null manifest")) }
        let manifest = StrategyManifest(m.pointee)
        guard manifest.abiVersion == StrategyManifest.hostABIVersion else {
            throw fail(.abiVersionMismatch(plugin: manifest.name, expected: StrategyManifest.hostABIVersion, actual: manifest.abiVersion))
        }
        guard m.pointee.struct_size == UInt32(MemoryLayout<hft_strategy_manifest>.size) else {
            throw fail(.invalidTable(path: path, reason: "manifest size \(m.pointee.struct_size)"))
        }
        guard manifest.toolchain == StrategyManifest.hostToolchain else {
            throw fail(.toolchainMismatch(plugin: manifest.name, expected: StrategyManifest.hostToolchain, actual: manifest.toolchain))
        }
        if let expected = featureSchemaId, manifest.featureSchemaId != expected {
            throw fail(.schemaMismatch(plugin: manifest.name, expected: expected, actual: manifest.featureSchemaId))
        }
        let t = table.pointee
        guard t.create != nil, t.on_tick != nil, t.on_fill != nil, t.on_timer != nil, t.save_state != nil, t.load_state != nil,
              t.destroy != nil else { throw fail(.invalidTable(path: path, reason: "a function pointer is NULL")) }
        self.path = path
        self.manifest = manifest
        self.handle = h
        self.api = table
    }
}
