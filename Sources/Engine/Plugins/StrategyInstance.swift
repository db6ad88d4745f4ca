import HFTTelemetry
import StrategyABI

/// One running strategy: a plugin's instance plus its copied function pointers, called through
/// the C ABI (the caller times each call into its `strategy` hop, as `StrategyReplayHarness` does).
///
/// Hot calls (`onTick`, `onFill`, `onTimer`) call the stored C pointers directly: no ARC, no
/// allocation. `swap(to:config:services:)` replaces the plugin at a quiescent point (between two
/// calls) carrying the state over.
/// - Warning: one thread; never call `swap` from inside a plugin call.
public struct StrategyInstance: ~Copyable {
    public private(set) var plugin: StrategyPlugin
    /// Keeps the host context handed to `create` alive as long as the instance.
    public private(set) var services: StrategyHostServices
    @usableFromInline var instance: UnsafeMutableRawPointer
    @usableFromInline var tick: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<hft_market_view>?, UnsafeMutablePointer<hft_intent_buffer>?) -> Int32
    @usableFromInline var fill: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<hft_fill>?, UnsafeMutablePointer<hft_intent_buffer>?) -> Int32
    @usableFromInline var timer: @convention(c) (UnsafeMutableRawPointer?, Int64, UnsafeMutablePointer<hft_intent_buffer>?) -> Int32
    /// Calls that returned an error code (counted, never thrown).
    public var failedCalls = 0

    /// Creates an instance of `plugin` with a JSON config (cold).
    public init(plugin: StrategyPlugin, config: String, services: StrategyHostServices) throws(StrategyPluginError) {
        let api = plugin.api.pointee
        var host = services.api
        var out: UnsafeMutableRawPointer?
        var json = config
        let rc = json.withUTF8 { b in
            b.withMemoryRebound(to: CChar.self) { c in api.create!(&host, c.baseAddress, c.count, &out) }
        }
        guard rc == HFT_OK.rawValue, let out else { throw .createFailed(plugin: plugin.manifest.name, code: rc) }
        self.plugin = plugin
        self.services = services
        self.instance = out
        self.tick = api.on_tick!
        self.fill = api.on_fill!
        self.timer = api.on_timer!
    }

    /// False once the instance pointer moved to another `StrategyInstance` (swap).
    var owned = true

    deinit { if owned { plugin.api.pointee.destroy!(instance) } }

    /// Calls `on_tick`; the intents land in `intents`. Returns the plugin's status.
    @inlinable @inline(__always)
    public mutating func onTick(_ view: UnsafePointer<hft_market_view>, _ intents: UnsafeMutablePointer<hft_intent_buffer>) -> Int32 {
        intents.pointee.count = 0
        let rc = tick(instance, view, intents)
        if rc != 0 { failedCalls &+= 1 }
        return rc
    }

    @inlinable @inline(__always)
    public mutating func onFill(_ f: UnsafePointer<hft_fill>, _ intents: UnsafeMutablePointer<hft_intent_buffer>) -> Int32 {
        intents.pointee.count = 0
        let rc = fill(instance, f, intents)
        if rc != 0 { failedCalls &+= 1 }
        return rc
    }

    @inlinable @inline(__always)
    public mutating func onTimer(_ now: Int64, _ intents: UnsafeMutablePointer<hft_intent_buffer>) -> Int32 {
        intents.pointee.count = 0
        let rc = timer(instance, now, intents)
        if rc != 0 { failedCalls &+= 1 }
        return rc
    }

    /// The instance's saved state (cold).
    public func saveState() throws(StrategyPluginError) -> [UInt8] {
        let save = plugin.api.pointee.save_state!
        var needed = 0
        var rc = save(instance, nil, 0, &needed)
        guard rc == HFT_OK.rawValue || rc == HFT_ERR_BUFFER_TOO_SMALL.rawValue else {
            throw .stateTransferFailed(plugin: plugin.manifest.name, step: "save_state", code: rc)
        }
        var bytes = [UInt8](repeating: 0, count: needed)
        var used = 0
        rc = bytes.withUnsafeMutableBytes { b in save(instance, b.baseAddress, b.count, &used) }
        guard rc == HFT_OK.rawValue else { throw .stateTransferFailed(plugin: plugin.manifest.name, step: "save_state", code: rc) }
        return Array(bytes[0..<used])
    }

    /// Hot swap at a quiescent point: create an instance of `newPlugin`, move the state over with
    /// `save_state`/`load_state`, switch, destroy the old instance (its library stays mapped; see `StrategyPlugin`).
    /// On any failure the old instance keeps running unchanged.
    /// - Returns: what was carried and how long the swap took (create excluded, `switchNanos`; total, `totalNanos`).
    public mutating func swap(to newPlugin: StrategyPlugin, config: String, services: StrategyHostServices,
                              clock: () -> Int64) throws(StrategyPluginError) -> StrategySwapReport {
        let t0 = clock()
        var next = try StrategyInstance(plugin: newPlugin, config: config, services: services)
        let t1 = clock()
        let state = try saveState()
        let rc = state.withUnsafeBytes { b in newPlugin.api.pointee.load_state!(next.instance, b.baseAddress, b.count) }
        guard rc == HFT_OK.rawValue else { throw .stateTransferFailed(plugin: newPlugin.manifest.name, step: "load_state", code: rc) }
        let old = plugin
        let oldInstance = instance
        plugin = next.plugin
        self.services = next.services
        instance = next.instance
        tick = next.tick
        fill = next.fill
        timer = next.timer
        let t2 = clock()
        // The old instance is destroyed through its own plugin; `next` gave up its instance above.
        old.api.pointee.destroy!(oldInstance)
        next.owned = false
        let t3 = clock()
        return StrategySwapReport(from: old.manifest, to: newPlugin.manifest, stateBytes: state.count,
                                  createNanos: t1 - t0, switchNanos: t2 - t1, totalNanos: t3 - t0)
    }
}
