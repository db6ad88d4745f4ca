import Testing
@testable import Execution

@Suite struct TradingModeSwitchTests {
    @Test func goingLiveNeedsCredentialsLimitsAndArming() throws {
        var s = TradingModeSwitch()
        #expect(s.mode == .paper)
        #expect(throws: TradingModeError.notArmed) { try s.goLive() }
        #expect(throws: TradingModeError.missingCredentials) { try s.arm(hasCredentials: false, hasRiskLimits: true) }
        #expect(throws: TradingModeError.missingRiskLimits) { try s.arm(hasCredentials: true, hasRiskLimits: false) }
        try s.arm(hasCredentials: true, hasRiskLimits: true)
        s.disarm()
        #expect(throws: TradingModeError.notArmed) { try s.goLive() }
        try s.arm(hasCredentials: true, hasRiskLimits: true)
        try s.goLive()
        #expect(s.mode == .live && !s.isArmed && s.switches == 1)
        #expect(TradingModeSwitch.requested("live") == .live && TradingModeSwitch.requested("demo") == nil)
    }

    @Test func goingBackToPaperCancelsLiveOrdersFirstAndIsAlwaysAllowed() async throws {
        var s = TradingModeSwitch()
        #expect(await s.goPaper { Issue.record("no live orders in paper mode"); return 0 } == 0)
        try s.arm(hasCredentials: true, hasRiskLimits: true)
        try s.goLive()
        var cancelled = false
        let n = await s.goPaper { cancelled = true; return 3 }
        #expect(n == 3 && cancelled && s.mode == .paper && s.switches == 2)
        #expect(throws: TradingModeError.notArmed) { try s.goLive() }   // arming does not survive the way back
    }
}
