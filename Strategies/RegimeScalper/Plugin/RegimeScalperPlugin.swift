import Analytics
import RegimeScalperCore
import StrategyABI

/// The RegimeScalper's C ABI: `hft_strategy_entry` returns the manifest and the function table.
/// Instances are `UnsafeMutablePointer<RegimeScalperCore>` behind the opaque `void *`.
enum RegimeScalperPlugin {
    #if DEBUG
    static let buildConfiguration = "debug"
    #else
    static let buildConfiguration = "release"
    #endif

    /// The feature schema this build reads: the default `AnalyticsConfig`'s layout.
    static var schemaId: String {
        let c = AnalyticsConfig()
        return FeatureLayout.make(imbalanceLevels: c.imbalanceLevels, ofiLevels: c.ofiLevels, hmmStates: c.hmm?.states ?? 0).1.id
    }

    /// The process-lifetime table (a global: initialised once, thread-safe, never freed while loaded).
    // SAFETY: written once by the lazy global initialiser (swift_once), read-only afterwards.
    nonisolated(unsafe) static let table: UnsafeMutablePointer<hft_strategy_api> = {
        func keep(_ s: String) -> UnsafePointer<CChar> {
            // SAFETY: strdup'ed once per library load; the manifest must outlive every caller, so it is never freed.
            UnsafePointer(strdupC(s))
        }
        let manifest = UnsafeMutablePointer<hft_strategy_manifest>.allocate(capacity: 1)
        manifest.initialize(to: hft_strategy_manifest(
            abi_version: HFT_STRATEGY_ABI_VERSION, struct_size: UInt32(MemoryLayout<hft_strategy_manifest>.size),
            name: keep("regime-scalper"), version: keep("1.0.0"),
            toolchain: hft_strategy_toolchain(), build_configuration: keep(buildConfiguration),
            feature_schema_id: keep(schemaId),
            description: keep("Regime scalper: volatile/trending/ranging by rv_percentile, efficiency_ratio and the HMM filter with hysteresis; "
                + "momentum from the TCN output (fallback without a model: OFI + micro-price deviation), mean reversion from the TabNet "
                + "output (fallback: VWAP deviation + POC distance); PPO via the host for size/timing (unit size without a policy)")))
        let t = UnsafeMutablePointer<hft_strategy_api>.allocate(capacity: 1)
        t.initialize(to: hft_strategy_api(manifest: manifest, create: create, on_tick: onTick, on_fill: onFill, on_timer: onTimer,
                                          save_state: saveState, load_state: loadState, destroy: destroy))
        return t
    }()
}

private func strdupC(_ s: String) -> UnsafeMutablePointer<CChar> {
    let bytes = Array(s.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return p
}

@_cdecl("hft_strategy_entry")
public func hft_strategy_entry() -> UnsafePointer<hft_strategy_api> {
    UnsafePointer(RegimeScalperPlugin.table)
}

private func log(_ host: UnsafePointer<hft_host_api>, _ level: Int32, _ message: String) {
    var m = message
    guard let f = host.pointee.log else { return }
    m.withUTF8 { b in
        b.withMemoryRebound(to: CChar.self) { c in f(host.pointee.context, level, c.baseAddress, UInt32(c.count)) }
    }
}

private let create: @convention(c) (UnsafePointer<hft_host_api>?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 = { host, json, length, out in
    guard let host, let out, json != nil || length == 0, let lookup = host.pointee.feature_index else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    let config: RegimeScalperConfig
    do {
        // SAFETY: the host guarantees `json` holds `length` bytes for the call.
        config = try RegimeScalperConfig.decode(UnsafeRawBufferPointer(start: json, count: length))
    } catch {
        log(host, Int32(HFT_LOG_ERROR), "regime-scalper: config refused: \(error)")
        return HFT_ERR_CONFIG.rawValue
    }
    let resolved = ScalperFeatureIndices.resolve(hmmState: config.hmmVolatileState) { name in
        var n = name
        return n.withUTF8 { b in b.withMemoryRebound(to: CChar.self) { c in lookup(host.pointee.context, c.baseAddress, UInt32(c.count)) } }
    }
    guard case .success(let indices) = resolved else {
        if case .failure(let m) = resolved { log(host, Int32(HFT_LOG_ERROR), "regime-scalper: the schema has no feature \(m.name)") }
        return HFT_ERR_CONFIG.rawValue
    }
    if indices.hmmHigh < 0 {
        log(host, Int32(HFT_LOG_INFO), "regime-scalper: no hmm_p\(config.hmmVolatileState) in the schema; volatile regime from rv_percentile only")
    }
    let p = UnsafeMutablePointer<RegimeScalperCore>.allocate(capacity: 1)
    p.initialize(to: RegimeScalperCore(config: config, indices: indices, host: host.pointee))
    out.pointee = UnsafeMutableRawPointer(p)
    return HFT_OK.rawValue
}

private let onTick: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<hft_market_view>?, UnsafeMutablePointer<hft_intent_buffer>?) -> Int32 = { i, v, o in
    guard let i, let v, let o else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    // SAFETY: `i` is the pointer `create` returned; the host calls one instance from one thread.
    return i.assumingMemoryBound(to: RegimeScalperCore.self).pointee.onTick(v, o)
}

private let onFill: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<hft_fill>?, UnsafeMutablePointer<hft_intent_buffer>?) -> Int32 = { i, f, _ in
    guard let i, let f else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    // SAFETY: as in on_tick.
    return i.assumingMemoryBound(to: RegimeScalperCore.self).pointee.onFill(f)
}

private let onTimer: @convention(c) (UnsafeMutableRawPointer?, Int64, UnsafeMutablePointer<hft_intent_buffer>?) -> Int32 = { i, _, _ in
    i == nil ? HFT_ERR_INVALID_ARGUMENT.rawValue : HFT_OK.rawValue
}

private let saveState: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<Int>?) -> Int32 = { i, buffer, capacity, length in
    guard let i, let length else { return HFT_ERR_INVALID_ARGUMENT.rawValue }
    let size = MemoryLayout<RegimeScalperState>.size
    length.pointee = size
    guard let buffer, capacity >= size else { return HFT_ERR_BUFFER_TOO_SMALL.rawValue }
    // SAFETY: `i` is an instance from `create`; `buffer` has `capacity` ≥ size bytes (checked).
    buffer.storeBytes(of: i.assumingMemoryBound(to: RegimeScalperCore.self).pointee.savedState(), as: RegimeScalperState.self)
    return HFT_OK.rawValue
}

private let loadState: @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32 = { i, buffer, length in
    guard let i, let buffer, length == MemoryLayout<RegimeScalperState>.size else { return HFT_ERR_STATE.rawValue }
    // SAFETY: length checked; `loadUnaligned` accepts any host buffer alignment.
    let s = buffer.loadUnaligned(as: RegimeScalperState.self)
    return i.assumingMemoryBound(to: RegimeScalperCore.self).pointee.restore(s) ? HFT_OK.rawValue : HFT_ERR_STATE.rawValue
}

private let destroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { i in
    guard let i else { return }
    let p = i.assumingMemoryBound(to: RegimeScalperCore.self)
    // SAFETY: created by `create`, destroyed once by the host.
    p.deinitialize(count: 1)
    p.deallocate()
}
