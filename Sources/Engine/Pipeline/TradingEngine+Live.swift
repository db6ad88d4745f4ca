import Execution
import Foundation
import HFTPrimitives
import Venues

extension TradingEngine {
    /// The live venue for `config` (Binance USD-M with credentials), or nil when the engine cannot
    /// trade live (replay, no credentials, another venue). Endpoints: the `live` section, else the
    /// simulator's (`restURL`/`streamURL`), else Binance's mainnet.
    static func makeLiveVenue(config: EngineConfig, spec: InstrumentSpec) throws -> LiveVenue? {
        guard config.mode != .replay, config.venue == .binanceUsdm, let credentials = config.liveCredentials else { return nil }
        let mainnet = BinanceOrderGatewayConfiguration.binanceUsdm(.mainnet)
        let gateway = BinanceOrderGatewayConfiguration(
            restBase: config.liveRestURL ?? config.restURL ?? mainnet.restBase,
            webSocketAPI: config.liveWebSocketAPIURL ?? config.streamURL.map { $0 + "/ws-fapi/v1" } ?? mainnet.webSocketAPI,
            requestTimeout: config.liveRequestTimeout, allowInsecureLoopbackTLS: config.insecureLoopbackTLS)
        let userData = config.liveUserDataURL ?? config.streamURL ?? "wss://fstream.binance.com"
        return try LiveVenue(configuration: LiveVenueConfiguration(gateway: gateway, userDataBase: userData, credentials: credentials,
                                                                   symbol: config.strategy.symbol, spec: spec))
    }

    /// Goes live: checks credentials and limits, needs `arm` (or an earlier arming), connects the
    /// venue, reconciles every order the journal left unsettled with `order.status` (trading stays
    /// blocked until each is settled), then routes new orders to the venue.
    func goLive(arm: Bool) async -> Result<String, EngineError> {
        guard let liveVenue else {
            return .failure(.modeRefused("no live venue: live trading needs Binance USD-M credentials in \(config.apiKeyEnv) and \(config.apiSecretEnv)"))
        }
        if mode == .live { return .success("live") }
        do {
            try modeState.withLock { (m: inout TradingModeSwitch) throws(TradingModeError) in
                if arm { try m.arm(hasCredentials: config.liveCredentials != nil, hasRiskLimits: config.limits.maxPosition.raw > 0) }
                guard m.isArmed else { throw .notArmed }
            }
        } catch {
            return .failure(.modeRefused("\(error)"))
        }
        do { try await liveVenue.start() } catch {
            modeState.withLock { $0.disarm() }
            return .failure(.modeRefused("\(error)"))
        }
        _ = await execution.requestReconciliation()
        let deadline = ContinuousClock.now + .seconds(30)
        while await execution.awaitingReconciliation > 0 {
            guard ContinuousClock.now < deadline else {
                modeState.withLock { $0.disarm() }
                return .failure(.modeRefused("\(await execution.awaitingReconciliation) order(s) could not be reconciled with the venue"))
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard await execution.enterLive(includingJournal: config.mode == .live) else {
            return .failure(.modeRefused("the execution stage has no live route"))
        }
        do {
            try modeState.withLock { (m: inout TradingModeSwitch) throws(TradingModeError) in try m.goLive() }
        } catch {
            _ = await execution.leaveLive()
            return .failure(.modeRefused("\(error)"))
        }
        return .success("live")
    }

    /// Back to paper: stop routing to the venue, cancel every live working order and wait (up to
    /// `timeout`) for the venue to confirm, then switch. Always succeeds; an order whose cancel is
    /// not confirmed stays in the order manager for reconciliation. Returns the cancels sent.
    @discardableResult
    func goPaper(timeout: Duration = .seconds(10)) async -> Int {
        let cancels = await execution.leaveLive()
        let deadline = ContinuousClock.now + timeout
        while await execution.liveWorkingOrders() > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        var m = modeState.withLock { $0 }
        _ = await m.goPaper { cancels }
        modeState.withLock { $0 = m }
        return cancels
    }

    /// `hft run` in live mode: goes live once the engine runs (reconciling the journal first).
    func startLiveSession() async {
        switch await goLive(arm: false) {
        case .success: break
        case .failure(let e): FileHandle.standardError.write(Data("hft: live start failed: \(e)\n".utf8))
        }
    }

    /// Shutdown: wait (bounded) for the venue to answer the cancels, then disconnect.
    func stopLiveVenue() async {
        guard let liveVenue else { return }
        let deadline = ContinuousClock.now + .seconds(5)
        while await execution.liveWorkingOrders() > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        await liveVenue.stop()
    }
}
