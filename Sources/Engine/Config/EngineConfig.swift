import Analytics
import Execution
import Foundation
import HFTPrimitives
import HFTRuntime
import MarketData
import Transport
import Venues

/// Everything `hft run` / `hft replay` / `hft bench` need, read from one JSON file and validated at
/// start-up (`EngineConfig.load`): errors name the key and the problem, unknown keys are refused.
/// Secrets never live in the file: they come from the environment or a 0600 file (`SecretSource`).
/// See the README's config reference for every key.
public struct EngineConfig: Sendable {
    /// `paper` (live data, paper venue), `live` (live data, live venue; needs credentials and arming)
    /// or `replay` (captures, paper venue, deterministic).
    public enum Mode: String, Sendable, CaseIterable { case paper, live, replay }

    public struct Instrument: Sendable, Equatable {
        public var symbol: String
        public var spec: InstrumentSpec
        public init(symbol: String, spec: InstrumentSpec) {
            self.symbol = symbol
            self.spec = spec
        }
    }

    public struct Models: Sendable, Equatable {
        /// Bundle directories (config.json + model.safetensors), nil when not used.
        public var tcn: String?
        public var tabnet: String?
        public var ppo: String?
        /// Also run TabNet in Signals on every tick (into `model_outputs`); by default it runs only when
        /// the strategy asks through `hft_host_api.model_evaluate` (the ticks whose regime uses it).
        public var tabnetEveryTick = false
        /// A classifier's (p_up − p_down) is multiplied by this to read as an expected log return.
        public var classReturnScale = 0.0005
    }

    public struct Strategy: Sendable, Equatable {
        /// Path of the plugin library (`.so`), or a bare product name found next to the `hft` binary.
        public var plugin: String
        /// The plugin's own config, passed through as JSON text.
        public var configJSON: String
        /// The traded symbol (one of `venue.symbols`).
        public var symbol: String
        /// `on_timer` period in ms of event time (0: never).
        public var timerMillis = 100
    }

    public struct Paper: Sendable, Equatable {
        public var queueModel: QueueModelKind = .probabilistic(.power(2))
        public var entryLatency: Nanos = .microseconds(500)
        public var responseLatency: Nanos = .microseconds(500)
        /// Maker and taker fees in 1e-6 of notional (Binance USD-M VIP0: 200 and 500).
        public var makerRatePpm: Int64 = 200
        public var takerRatePpm: Int64 = 500
    }

    public struct Control: Sendable, Equatable {
        public var enabled = true
        /// 0: an ephemeral port (printed at start).
        public var port = 0
        /// Bearer token for state-changing requests (from the environment or a 0600 file; generated when neither is set).
        public var token: String?
        public var tokenSource = "generated"
    }

    public var mode: Mode
    public var venue: VenueId
    public var instruments: [Instrument]
    /// ws(s):// base of the market-data stream and http(s):// base of the REST API (the simulator, a testnet); nil for the venue's own.
    public var streamURL: String?
    public var restURL: String?
    public var insecureLoopbackTLS = false
    /// Benchmarks only (`hft bench --source sim`): the simulator's fixed-rate send schedule; feed
    /// messages carry their intended send times as receive times. Not read from config files.
    public var sendSchedule: SendSchedule?
    public var topology: Topology
    public var topologyProfile: String
    public var analytics = AnalyticsConfig()
    public var models = Models()
    public var strategy: Strategy
    public var limits: RiskLimits
    /// Position limit reported to the strategy (quantity raw units).
    public var positionLimit: Int64
    public var paper = Paper()
    public var journalPath: String
    public var fsync: JournalFsyncPolicy = .none
    /// Where `hft run` records the raw frames it receives (nil: not recorded).
    public var capturePath: String?
    public var control = Control()
    /// Environment variable names of the live API key and secret.
    public var apiKeyEnv = "HFT_API_KEY"
    public var apiSecretEnv = "HFT_API_SECRET"
    /// Live order entry endpoints (`live.restURL`, `live.webSocketAPIURL`, `live.userDataURL`); nil:
    /// derived from `restURL`/`streamURL` when those are set (the simulator), else Binance USD-M mainnet.
    public var liveRestURL: String?
    public var liveWebSocketAPIURL: String?
    public var liveUserDataURL: String?
    public var liveRequestTimeout: Nanos = .seconds(5)
    /// `live.credentialsFile`: a 0600 file of `api_key=` / `secret=` lines, used instead of the environment.
    public var liveCredentialsFile: String?
    /// `live.signature`: HMAC-SHA256 (default) or Ed25519 (the secret is then the private key).
    public var liveSignature: SignatureScheme = .hmacSHA256
    /// Live credentials from the environment (`apiKeyEnv`, `apiSecretEnv`) when both are set.
    /// Never logged (`VenueCredentials` redacts itself).
    public var liveCredentials: VenueCredentials?
    /// Ring capacities of Book → Signals/Execution and Signals → Strategy → Execution.
    public var ringCapacity = 4096
    /// Levels per side the Book stage keeps in step for Execution (the paper venue's book). Signals
    /// gets only what its features and the strategy's view read (10 with the default analytics).
    public var bookDepth = 20
    /// The most memory the rings' book snapshot slots may take (`bookSlotBytes`); the default
    /// ring and depth take 5 MiB. Larger rings only hold more history that nobody reads in time.
    public static let maxBookSlotBytes = 1 << 30
    /// Upper bound of the book snapshot slots' memory: a slot per ring entry (+ 2) on the Signals
    /// and Execution rings, both sides, up to `bookDepth` levels each (`TradingEngine.init`).
    public static func bookSlotBytes(ringCapacity: Int, bookDepth: Int) -> Int {
        2 * (ringCapacity + 2) * 2 * bookDepth * MemoryLayout<DepthLevel>.stride
    }
    /// Run the order path dry after each commit of the traded book, so that an order does not
    /// start from cold caches (`engine.warmOrderPath`, on by default).
    public var warmOrderPath = true
    /// After 256 idle polls in a row of the Strategy stage (tens of µs with `busySpin`), run the
    /// on-demand TabNet once on its last input, result discarded, so that an entry tick after a quiet
    /// spell does not load its weights from cold caches (`engine.warmModels`, on by default).
    public var warmModels = true

    /// Capital that performance returns (Sharpe, Sortino, drawdown share) are measured against, in
    /// quote units: `risk.capital`, else 10,000.
    public var accountingCapital: Double {
        guard limits.capital > 0, let spec = instruments.first(where: { $0.symbol == strategy.symbol })?.spec else { return 10_000 }
        return Double(limits.capital) / Double(DecimalScale.pow10(spec.priceScale.places + spec.quantityScale.places))
    }

    /// The traded instrument's index.
    public var tradedIndex: Int { instruments.firstIndex { $0.symbol == strategy.symbol } ?? 0 }

    /// Reads and validates `path`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(EngineConfigError) -> EngineConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "no such file or not readable") }
        return try parse(data, baseDirectory: (path as NSString).deletingLastPathComponent, environment: environment)
    }

    /// Parses and validates a config document. Relative paths are resolved against `baseDirectory`.
    public static func parse(_ data: Data, baseDirectory: String = ".", environment: [String: String] = [:]) throws(EngineConfigError) -> EngineConfig {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch { throw .malformed("\(error.localizedDescription)") }
        guard let root = any as? [String: Any] else { throw .malformed("the top level must be an object") }
        var r = ConfigReader(root)
        func resolve(_ p: String) -> String { p.hasPrefix("/") || baseDirectory.isEmpty ? p : (baseDirectory as NSString).appendingPathComponent(p) }

        let modeText = try r.string("mode", default: "paper")
        guard let mode = Mode(rawValue: modeText) else { throw .invalid(key: "mode", problem: "\"\(modeText)\" is not one of paper, live, replay") }

        guard var v = try r.object("venue") else { throw .missing("venue") }
        let venueName = try v.requiredString("name")
        guard let venue = VenueId(name: venueName), venue != .paper else {
            throw .invalid(key: "venue.name", problem: "\"\(venueName)\" is not one of binance-spot, binance-usdm, bybit-linear, bybit-spot")
        }
        let streamURL = try v.string("streamURL")
        let restURL = try v.string("restURL")
        let insecure = try v.bool("insecureLoopbackTLS", default: false)
        guard var specs = try v.object("instruments") else { throw .missing("venue.instruments") }
        var instruments: [Instrument] = []
        for symbol in specs.object.keys.sorted() {
            guard var s = try specs.object(symbol) else { continue }
            let places = try s.int("priceDecimals", default: 8, range: 0...12)
            let qplaces = try s.int("quantityDecimals", default: 8, range: 0...12)
            guard let tick = try s.decimal("tick", places: places) else { throw .missing(s.key("tick")) }
            guard let lot = try s.decimal("lot", places: qplaces) else { throw .missing(s.key("lot")) }
            guard tick > 0 else { throw .invalid(key: s.key("tick"), problem: "must be > 0") }
            guard lot > 0 else { throw .invalid(key: s.key("lot"), problem: "must be > 0") }
            try s.checkUnknown()
            let spec = InstrumentSpec(id: InstrumentId(raw: UInt32(instruments.count)), venue: venue, priceScale: DecimalScale(places: places),
                                      quantityScale: DecimalScale(places: qplaces), tick: tick, lot: lot)
            instruments.append(Instrument(symbol: symbol, spec: spec))
        }
        try specs.checkUnknown()
        guard !instruments.isEmpty else { throw .invalid(key: "venue.instruments", problem: "name at least one symbol") }
        try v.checkUnknown()

        guard var s = try r.object("strategy") else { throw .missing("strategy") }
        let plugin = try s.requiredString("plugin")
        let symbol = try s.string("symbol", default: instruments[0].symbol)
        guard let traded = instruments.first(where: { $0.symbol == symbol }) else {
            throw .invalid(key: "strategy.symbol", problem: "\(symbol) is not in venue.instruments")
        }
        var pluginConfig = "{}"
        if let raw = s.raw("config") {
            guard JSONSerialization.isValidJSONObject(raw), let d = try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys]) else {
                throw .invalid(key: "strategy.config", problem: "expected an object")
            }
            pluginConfig = String(decoding: d, as: UTF8.self)
        }
        let timerMillis = try s.int("timerMillis", default: 100, range: 0...3_600_000)
        try s.checkUnknown()
        let q = traded.spec.quantityScale.places
        let p = traded.spec.priceScale.places

        var risk = try r.object("risk") ?? ConfigReader([:], path: "risk")
        guard let maxPosition = try risk.decimal("maxPosition", places: q) else { throw .missing("risk.maxPosition") }
        let maxOrderQuantity = try risk.decimal("maxOrderQuantity", places: q) ?? maxPosition
        let maxOrderNotional = try risk.decimal("maxOrderNotional", places: p + q).map { Int128($0) } ?? .max
        let maxNotional = try risk.decimal("maxNotional", places: p + q).map { Int128($0) } ?? .max
        var limits = RiskLimits(maxOrderQuantity: Quantity(raw: maxOrderQuantity), maxOrderNotional: maxOrderNotional,
                                maxPosition: Quantity(raw: maxPosition), maxNotional: maxNotional,
                                priceBandBps: Int64(try risk.int("priceBandBps", default: 100, range: 1...10_000)),
                                maxOrdersPerWindow: try risk.int("maxOrdersPerWindow", default: 20, range: 1...RateWindow.capacity),
                                rateWindow: .milliseconds(Int64(try risk.int("rateWindowMs", default: 1000, range: 1...3_600_000))),
                                maxOpenOrders: try risk.int("maxOpenOrders", default: 10, range: 1...1024),
                                capital: try risk.decimal("capital", places: p + q) ?? 0)
        limits.drawdownStopOpeningBps = Int64(try risk.int("drawdownStopOpeningBps", default: Int(limits.drawdownStopOpeningBps), range: 0...10_000))
        limits.drawdownHaltBps = Int64(try risk.int("drawdownHaltBps", default: Int(limits.drawdownHaltBps), range: 0...10_000))
        let positionLimit = try risk.decimal("strategyPositionLimit", places: q) ?? maxPosition
        try risk.checkUnknown()

        var config = EngineConfig(mode: mode, venue: venue, instruments: instruments, streamURL: streamURL, restURL: restURL,
                                  insecureLoopbackTLS: insecure, topology: .default(forCPUCount: Int(ProcessInfo.processInfo.activeProcessorCount)),
                                  topologyProfile: "default", strategy: Strategy(plugin: plugin, configJSON: pluginConfig, symbol: symbol, timerMillis: timerMillis),
                                  limits: limits, positionLimit: positionLimit, journalPath: resolve("out/journal.bin"))

        if var t = try r.object("topology") {
            let profile = try t.string("profile", default: "default")
            let cpus = Int(ProcessInfo.processInfo.activeProcessorCount)
            switch profile {
            case "default": config.topology = .default(forCPUCount: cpus)
            case "colo": config.topology = .colo(firstCore: try t.int("firstCore", default: 1, range: 0...1023))
            case "custom":
                guard let threads = t.raw("threads") as? [[String: Any]] else { throw .invalid(key: "topology.threads", problem: "expected an array of threads") }
                var out: [Topology.Thread] = []
                for (i, th) in threads.enumerated() {
                    var tr = ConfigReader(th, path: "topology.threads[\(i)]")
                    let idleName = try tr.string("idle", default: "backoff")
                    guard let idle = IdleStrategyConfig(name: idleName) else { throw .invalid(key: tr.key("idle"), problem: "\"\(idleName)\" is not one of busySpin, spinYield, backoff") }
                    out.append(Topology.Thread(name: try tr.requiredString("name"), core: try tr.int("core", default: 0, range: 0...1023), idle: idle,
                                               stages: try tr.strings("stages") ?? []))
                    try tr.checkUnknown()
                }
                config.topology = Topology(threads: out)
            default:
                throw .invalid(key: "topology.profile", problem: "\"\(profile)\" is not one of default, colo, custom")
            }
            if let idleName = try t.string("idle") {
                guard let idle = IdleStrategyConfig(name: idleName) else { throw .invalid(key: "topology.idle", problem: "\"\(idleName)\" is not one of busySpin, spinYield, backoff") }
                for k in config.topology.threads.indices { config.topology.threads[k].idle = idle }
            }
            config.topologyProfile = profile
            try t.checkUnknown()
        }
        do {
            _ = try config.topology.validate(knownStages: Set(Topology.pipelineStages))
        } catch {
            throw .invalid(key: "topology", problem: "\(error)")
        }

        if let raw = r.raw("analytics") {
            // `data(withJSONObject:)` traps (it does not throw) on a top-level value that is not an array or object.
            guard raw is [String: Any], let d = try? JSONSerialization.data(withJSONObject: raw) else {
                throw .invalid(key: "analytics", problem: "expected an object")
            }
            do { config.analytics = try JSONDecoder().decode(AnalyticsConfig.self, from: d) } catch {
                throw .invalid(key: "analytics", problem: "\(error)")
            }
            // Checked here, not first when the feature engine is built, so the error names the key.
            do throws(AnalyticsConfigError) { try config.analytics.validate() } catch {
                switch error {
                case .invalid(let parameter, let reason): throw .invalid(key: "analytics.\(parameter)", problem: reason)
                default: throw .invalid(key: "analytics", problem: error.description)
                }
            }
        }
        if var m = try r.object("models") {
            config.models.tcn = try m.string("tcn").map(resolve)
            config.models.tabnet = try m.string("tabnet").map(resolve)
            config.models.ppo = try m.string("ppo").map(resolve)
            config.models.tabnetEveryTick = try m.bool("tabnetEveryTick", default: false)
            config.models.classReturnScale = try m.double("classReturnScale", default: 0.0005)
            try m.checkUnknown()
        }
        if var pp = try r.object("paper") {
            let name = try pp.string("queueModel", default: "prob-power:2")
            guard let kind = QueueModelKind(configName: name) else {
                throw .invalid(key: "paper.queueModel", problem: "\"\(name)\" is not one of risk-averse, prob-log, prob-power:N")
            }
            config.paper.queueModel = kind
            config.paper.entryLatency = .microseconds(Int64(try pp.int("entryLatencyMicros", default: 500, range: 0...10_000_000)))
            config.paper.responseLatency = .microseconds(Int64(try pp.int("responseLatencyMicros", default: 500, range: 0...10_000_000)))
            config.paper.makerRatePpm = Int64(try pp.int("makerRatePpm", default: 200, range: -10_000...100_000))
            config.paper.takerRatePpm = Int64(try pp.int("takerRatePpm", default: 500, range: -10_000...100_000))
            try pp.checkUnknown()
        }
        if var j = try r.object("journal") {
            config.journalPath = resolve(try j.string("path", default: "out/journal.bin"))
            let f = try j.string("fsync", default: "none")
            guard let policy = JournalFsyncPolicy(config: f) else { throw .invalid(key: "journal.fsync", problem: "\"\(f)\" is not a fsync policy (none, every-record, every:N, interval-ms:MS)") }
            config.fsync = policy
            try j.checkUnknown()
        }
        if var c = try r.object("capture") {
            config.capturePath = try c.string("path").map(resolve)
            try c.checkUnknown()
        }
        if var c = try r.object("control") {
            config.control.enabled = try c.bool("enabled", default: true)
            config.control.port = try c.int("port", default: 0, range: 0...65535)
            if let env = try c.string("tokenEnv") {
                guard let value = environment[env], !value.isEmpty else { throw .secret(key: "control.tokenEnv", problem: "environment variable \(env) is not set") }
                config.control.token = value
                config.control.tokenSource = "env:\(env)"
            }
            if let file = try c.string("tokenFile") {
                config.control.token = try SecretFile.read(resolve(file), key: "control.tokenFile")
                config.control.tokenSource = "file:\(resolve(file))"
            }
            if let t = config.control.token, t.count < 16 { throw .secret(key: "control", problem: "the token must have at least 16 characters") }
            try c.checkUnknown()
        }
        if var l = try r.object("live") {
            config.apiKeyEnv = try l.string("apiKeyEnv", default: config.apiKeyEnv)
            config.apiSecretEnv = try l.string("apiSecretEnv", default: config.apiSecretEnv)
            config.liveRestURL = try l.string("restURL")
            config.liveWebSocketAPIURL = try l.string("webSocketAPIURL")
            config.liveUserDataURL = try l.string("userDataURL")
            config.liveRequestTimeout = .milliseconds(Int64(try l.int("requestTimeoutMs", default: 5_000, range: 100...60_000)))
            config.liveCredentialsFile = try l.string("credentialsFile").map(resolve)
            let scheme = try l.string("signature", default: "hmac")
            guard let parsed = SignatureScheme(rawValue: scheme) else {
                throw .invalid(key: "live.signature", problem: "\"\(scheme)\" is not one of hmac, ed25519")
            }
            config.liveSignature = parsed
            try l.checkUnknown()
        }
        if var e = try r.object("engine") {
            config.ringCapacity = try e.int("ringCapacity", default: 4096, range: 256...(1 << 20))
            guard config.ringCapacity & (config.ringCapacity - 1) == 0 else { throw .invalid(key: "engine.ringCapacity", problem: "must be a power of two") }
            config.bookDepth = try e.int("bookDepth", default: 20, range: 10...200)
            config.warmOrderPath = try e.bool("warmOrderPath", default: true)
            config.warmModels = try e.bool("warmModels", default: true)
            try e.checkUnknown()
        }
        try r.checkUnknown()
        guard config.bookDepth >= max(config.analytics.imbalanceLevels, config.analytics.ofiLevels, config.analytics.wallLevels, 10) else {
            throw .invalid(key: "engine.bookDepth", problem: "must be ≥ the levels the analytics read (imbalance, OFI, walls) and ≥ 10")
        }
        guard config.ringCapacity >= 4 * config.bookDepth + 2 else { throw .invalid(key: "engine.ringCapacity", problem: "must hold one book change (4 × bookDepth + 2)") }
        let slotBytes = EngineConfig.bookSlotBytes(ringCapacity: config.ringCapacity, bookDepth: config.bookDepth)
        guard slotBytes <= EngineConfig.maxBookSlotBytes else {
            throw .invalid(key: "engine.ringCapacity", problem: "with engine.bookDepth \(config.bookDepth), the book snapshot slots would take "
                           + "\(slotBytes >> 20) MiB (at most \(EngineConfig.maxBookSlotBytes >> 20) MiB): lower engine.ringCapacity or engine.bookDepth")
        }
        if let file = config.liveCredentialsFile {
            // A 0600 (or 0400) file of `api_key=` and `secret=` lines; it wins over the environment.
            let read: VenueCredentials
            do { read = try VenueCredentials.fromFile(file) } catch { throw .secret(key: "live.credentialsFile", problem: "\(error)") }
            let credentials = VenueCredentials(apiKey: read.apiKey, secret: read.secret, scheme: config.liveSignature)
            if config.liveSignature == .ed25519 && credentials.ed25519Seed == nil {
                throw .secret(key: "live.signature", problem: "the secret in \(file) is not an Ed25519 private key (the base64 of the 32-byte seed)")
            }
            config.liveCredentials = credentials
        } else if let key = environment[config.apiKeyEnv], let secret = environment[config.apiSecretEnv], !key.isEmpty, !secret.isEmpty {
            let credentials = VenueCredentials(apiKey: key, secret: secret, scheme: config.liveSignature)
            if config.liveSignature == .ed25519 && credentials.ed25519Seed == nil {
                throw .secret(key: "live.signature", problem: "\(config.apiSecretEnv) is not an Ed25519 private key (a PKCS#8 PEM or the base64 of the 32-byte seed)")
            }
            config.liveCredentials = credentials
        }
        if mode == .live {
            guard config.liveCredentials != nil else {
                throw .secret(key: "live", problem: "live mode needs \(config.apiKeyEnv) and \(config.apiSecretEnv) in the environment (or live.credentialsFile)")
            }
        }
        return config
    }
}
