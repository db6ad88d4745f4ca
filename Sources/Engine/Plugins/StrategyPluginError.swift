/// Why a strategy plugin was refused or failed at a cold boundary (load, create, swap).
public enum StrategyPluginError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `dlopen` failed (file missing, not a shared library, unresolved symbols).
    case openFailed(path: String, reason: String)
    /// The library has no `hft_strategy_entry` symbol.
    case missingEntrySymbol(path: String)
    /// The entry returned a null table or a table with a null manifest or function.
    case invalidTable(path: String, reason: String)
    /// Built against another `HFT_STRATEGY_ABI_VERSION`.
    case abiVersionMismatch(plugin: String, expected: UInt32, actual: UInt32)
    /// Built by another compiler/toolchain (Swift has no stable ABI on Linux).
    case toolchainMismatch(plugin: String, expected: String, actual: String)
    /// Built for another feature schema.
    case schemaMismatch(plugin: String, expected: String, actual: String)
    /// `create` returned an error code (e.g. config refused).
    case createFailed(plugin: String, code: Int32)
    /// `save_state` / `load_state` failed during a swap; the old instance keeps running.
    case stateTransferFailed(plugin: String, step: String, code: Int32)

    public var description: String {
        switch self {
        case .openFailed(let p, let r): "cannot open strategy plugin \(p): \(r)"
        case .missingEntrySymbol(let p): "strategy plugin \(p) does not export hft_strategy_entry"
        case .invalidTable(let p, let r): "strategy plugin \(p) returned an invalid table: \(r)"
        case .abiVersionMismatch(let n, let e, let a): "strategy plugin \(n) was built for ABI version \(a), the host speaks version \(e)"
        case .toolchainMismatch(let n, let e, let a): "strategy plugin \(n) was built by toolchain '\(a)', the host by '\(e)': rebuild it with the host's toolchain"
        case .schemaMismatch(let n, let e, let a): "strategy plugin \(n) was built for feature schema \(a), the engine computes schema \(e)"
        case .createFailed(let n, let c): "strategy plugin \(n): create failed with code \(c)"
        case .stateTransferFailed(let n, let s, let c): "strategy plugin \(n): \(s) failed with code \(c)"
        }
    }
}
