import Dispatch
import Foundation
import HFTTelemetry
import Synchronization

extension TradingEngine {
    /// Extra metric families the control endpoint exports besides the telemetry report (names are
    /// the contract of `Tuning/grafana/README.md`).
    public func engineMetrics() async -> String {
        let r = await report()
        let e = r.execution
        let pnl = pow(10.0, Double(r.priceDecimals + r.quantityDecimals))
        let q = pow(10.0, Double(r.quantityDecimals))
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ lines: [String]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for l in lines { out += l + "\n" }
        }
        let sym = "symbol=\"\(r.symbol)\""
        family("hft_position", "gauge", "Signed position of the traded instrument, in instrument units.", ["hft_position{\(sym)} \(Double(e.position) / q)"])
        family("hft_pnl_realized", "gauge", "Realized PnL net of fees, quote units.", ["hft_pnl_realized{\(sym)} \(Double(e.realizedPnL) / pnl)"])
        family("hft_pnl_unrealized", "gauge", "Unrealized PnL at the last mid, quote units.", ["hft_pnl_unrealized{\(sym)} \(Double(e.unrealizedPnL) / pnl)"])
        family("hft_orders_total", "counter", "Orders sent to the venue.", ["hft_orders_total{\(sym)} \(e.orders)"])
        family("hft_fills_total", "counter", "Fills received.", ["hft_fills_total{\(sym)} \(e.fills)"])
        family("hft_working_orders", "gauge", "Working orders.", ["hft_working_orders{\(sym)} \(e.workingOrders)"])
        family("hft_execution_oms_events_total", "counter",
               "Order-manager events outside an order's normal life: duplicate, invalid or overfilling reports, reports dropped by a full queue, and cancels refused because the order had already ended (the cancel/fill race).",
               [("duplicate", e.duplicates), ("invalid", e.invalidEvents), ("overfill", e.overfills),
                ("dropped_report", UInt64(max(e.droppedReports, 0))), ("late_cancel_reject", e.lateCancelRejects)]
                .map { "hft_execution_oms_events_total{\(sym),kind=\"\($0.0)\"} \($0.1)" })
        family("hft_feed_frames_total", "counter", "Market-data frames the Book stage processed.", ["hft_feed_frames_total \(r.frames)"])
        family("hft_feed_parse_errors_total", "counter", "Frames that failed to parse.", ["hft_feed_parse_errors_total \(r.parseErrors)"])
        family("hft_feed_gaps_total", "counter", "Sequence gaps (each resyncs the book).", ["hft_feed_gaps_total \(r.gaps)"])
        let feedStatistics = feed?.statistics
        family("hft_feed_held_diffs_total", "counter", "Diffs of a rollover's new connection held until the old one caught up.",
               ["hft_feed_held_diffs_total \(feedStatistics?.heldDiffs ?? 0)"])
        family("hft_feed_duplicate_trades_total", "counter", "Trades both connections of a rollover delivered, dropped once.",
               ["hft_feed_duplicate_trades_total \(feedStatistics?.duplicateTrades ?? 0)"])
        let stale = feed.map { $0.isStale(traded) } ?? false
        family("hft_book_stale", "gauge", "1 while the traded book must not be trusted.", ["hft_book_stale{\(sym)} \(stale ? 1 : 0)"])
        family("hft_book_oracle_checked_total", "counter", "bookTicker points compared with the book.", ["hft_book_oracle_checked_total{\(sym)} \(r.oracleChecked)"])
        family("hft_book_oracle_matched_total", "counter", "bookTicker points the book matched.", ["hft_book_oracle_matched_total{\(sym)} \(r.oracleMatched)"])
        family("hft_halted", "gauge", "1 after a kill (no new orders).", ["hft_halted \(e.halted ? 1 : 0)"])
        let current = mode.rawValue
        family("hft_mode", "gauge", "1 for the current trading mode.", ["paper", "live", "replay"].map { "hft_mode{mode=\"\($0)\"} \($0 == current ? 1 : 0)" })
        // Spinning threads' stalls (ThreadJitter): idle duty cycles of at least ~10 µs.
        var idle: [String] = [], stalls: [String] = [], stallSeconds: [String] = []
        for t in threads where t.idleStrategy.spins {
            let j = t.jitter
            let (count, nanos) = j.gaps(fromBucket: j.firstBucket(atLeast: 10_000))
            let labels = "{thread=\"\(t.name)\",core=\"\(t.core)\"}"
            idle.append("hft_thread_idle_cycles_total\(labels) \(j.idleCycles)")
            stalls.append("hft_thread_stalls_total\(labels) \(count)")
            stallSeconds.append("hft_thread_stall_seconds_total\(labels) \(Double(nanos) / 1e9)")
        }
        family("hft_thread_idle_cycles_total", "counter", "Idle duty cycles of a busy-spinning thread.", idle)
        family("hft_thread_stalls_total", "counter", "Idle duty cycles of a busy-spinning thread that took at least ~10 us: time the thread did not run.", stalls)
        family("hft_thread_stall_seconds_total", "counter", "Time spent in those stalls.", stallSeconds)
        return out
    }

    /// `/status` as a JSON object.
    public func statusJSON() async -> String {
        let r = await report()
        struct Status: Encodable {
            var mode: String
            var armed: Bool
            var topology: String
            var topologyWarnings: [String]
            var threads: [String]
            var report: EngineReport
            var bookStale: Bool
            var swaps: [String]
        }
        let s = Status(mode: mode.rawValue, armed: modeState.withLock { $0.isArmed }, topology: config.topologyProfile, topologyWarnings: topologyWarnings,
                       threads: effectiveTopology.threads.map { "\($0.name)@core\($0.core) \($0.idle.name) [\($0.stages.joined(separator: ","))]" },
                       report: r, bookStale: feed.map { $0.isStale(traded) } ?? false, swaps: await strategy.swaps.map(\.description))
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Switches mode. Paper is always allowed: live orders are cancelled first (see `goPaper`).
    /// Live needs a live venue (credentials), configured risk limits and `arm: true` (or an earlier
    /// arming); the journal's unsettled orders are reconciled with the venue before trading.
    /// Replay is a start-up mode only.
    public func setMode(_ requested: String, arm: Bool) async -> Result<String, EngineError> {
        switch requested {
        case "paper":
            await goPaper()
            return .success("paper")
        case "live":
            return await goLive(arm: arm)
        case "replay":
            return .failure(.modeRefused("replay is chosen at start (hft replay), not switched to"))
        default:
            return .failure(.modeRefused("unknown mode \(requested); expected paper or live"))
        }
    }

    /// Builds the control endpoint's handlers. Reads come from a cache `EngineMonitor` refreshes;
    /// mutations wait for the engine's answer (control plane only).
    public func controlHandlers(monitor: EngineMonitor) -> ControlHandlers {
        ControlHandlers(
            metrics: { monitor.metrics },
            status: { monitor.status },
            setMode: { body in
                guard let request = try? ControlModeRequest(json: body) else { return .error(400, "body must be {\"mode\": \"paper\"|\"live\", \"arm\": bool}") }
                let r = blockingAwait { await self.setMode(request.mode, arm: request.arm) }
                switch r {
                case .success(let m): return .ok(["mode": ControlJSON.quoted(m)])
                case .failure(let e): return .error(409, "\(e)")
                }
            },
            kill: {
                let cancels = blockingAwait { await self.kill() }
                return .ok(["killed": "true", "cancels": String(cancels)])
            },
            swapPlugin: { path, json in
                let r: Result<StrategySwapReport, any Error> = blockingAwait {
                    do { return .success(try await self.swapPlugin(path: path, config: json)) } catch { return .failure(error) }
                }
                switch r {
                case .success(let s): return .ok(["swap": ControlJSON.quoted(s.description)])
                case .failure(let e): return .error(422, "\(e)")
                }
            })
    }
}

/// Keeps `/metrics` and `/status` fresh (every `interval`) so the endpoint's thread never waits on
/// the engine for a read.
public final class EngineMonitor: Sendable {
    let cache = Mutex<(metrics: String, status: String)>(("", "{}"))
    let task = Mutex<Task<Void, Never>?>(nil)

    public init() {}

    public var metrics: String { cache.withLock { $0.metrics } }
    public var status: String { cache.withLock { $0.status } }

    /// Refreshes once now, then every `interval` until `stop`.
    public func start(_ engine: TradingEngine, interval: Duration = .milliseconds(250)) async {
        await refresh(engine)
        let t = Task.detached { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self.refresh(engine)
            }
        }
        task.withLock { $0 = t }
    }

    public func refresh(_ engine: TradingEngine) async {
        let m = engine.telemetry.report(title: "hft").prometheus() + (await engine.engineMetrics())
        let s = await engine.statusJSON()
        cache.withLock { $0 = (m, s) }
    }

    /// Stops refreshing and waits for a refresh in progress to end.
    public func stop() async {
        let t = task.withLock { t -> Task<Void, Never>? in
            let current = t
            t = nil
            return current
        }
        t?.cancel()
        await t?.value
    }
}

/// Runs `body` on the cooperative pool and waits for it (control plane: an HTTP handler thread
/// that must answer synchronously). Never call it from an agent's pinned thread.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let v = await body()
        box.withLock { $0 = v }
        done.signal()
    }
    done.wait()
    return box.withLock { $0! }
}
