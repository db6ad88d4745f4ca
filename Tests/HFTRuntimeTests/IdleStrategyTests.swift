import CSystemShims
import Testing
@testable import HFTRuntime

@Suite(.serialized)
struct IdleStrategyTests {
    @Test func backoffWalksSpinYieldParkAndResetsOnWork() {
        var idle = BackoffIdleStrategy(.init(maxSpins: 3, maxYields: 2, minParkNanos: 1_000, maxParkNanos: 4_000))
        #expect(idle.phase == .spinning)
        for _ in 0..<3 { idle.idle(workCount: 0) }
        #expect(idle.phase == .yielding)
        for _ in 0..<2 { idle.idle(workCount: 0) }
        #expect(idle.phase == .parking)
        #expect(idle.parks == 0)
        #expect(idle.parkNanos == 1_000)
        idle.idle(workCount: 0)
        #expect(idle.parks == 1)
        #expect(idle.parkNanos == 2_000)
        idle.idle(workCount: 0)
        #expect(idle.parkNanos == 4_000)
        idle.idle(workCount: 0)
        #expect(idle.parkNanos == 4_000, "park period is capped at maxParkNanos")
        #expect(idle.parks == 3)
        idle.idle(workCount: 1)
        #expect(idle.phase == .spinning)
        #expect(idle.parkNanos == 1_000)
        idle.idle(workCount: 0)
        #expect(idle.parks == 3, "after work the strategy spins again instead of parking")
    }

    @Test func backoffParkReallySleeps() {
        var idle = BackoffIdleStrategy(.init(maxSpins: 0, maxYields: 0, minParkNanos: 2_000_000, maxParkNanos: 2_000_000))
        let start = hft_monotonic_ns()
        idle.idle(workCount: 0)
        let elapsed = hft_monotonic_ns() - start
        #expect(elapsed >= 2_000_000)
        #expect(idle.parks == 1)
    }

    @Test func backoffParametersAreValidated() {
        #expect(BackoffIdleStrategy.Parameters.default.validate() == nil)
        #expect(BackoffIdleStrategy.Parameters(maxSpins: -1).validate() != nil)
        #expect(BackoffIdleStrategy.Parameters(maxYields: -1).validate() != nil)
        #expect(BackoffIdleStrategy.Parameters(minParkNanos: 0).validate() != nil)
        #expect(BackoffIdleStrategy.Parameters(minParkNanos: 10_000, maxParkNanos: 5_000).validate() != nil)
        #expect(BackoffIdleStrategy.Parameters(maxParkNanos: 1_000_000_000).validate() != nil)
    }

    @Test func spinYieldSpinsThenYieldsAndResetsOnWork() {
        var idle = SpinYieldIdleStrategy(maxSpins: 5)
        for _ in 0..<5 { idle.idle(workCount: 0) }
        #expect(idle.yields == 0)
        #expect(idle.isYielding)
        idle.idle(workCount: 0)
        idle.idle(workCount: 0)
        #expect(idle.yields == 2)
        idle.idle(workCount: 3)
        #expect(!idle.isYielding)
        for _ in 0..<5 { idle.idle(workCount: 0) }
        #expect(idle.yields == 2, "work resets the spin budget")
    }

    @Test func busySpinNeverSleeps() {
        var idle = BusySpinIdleStrategy()
        let start = hft_monotonic_ns()
        for _ in 0..<10_000 { idle.idle(workCount: 0) }
        let elapsed = hft_monotonic_ns() - start
        // 10 000 `pause` instructions take ≈ 0.1–1.5 ms; a single park or yield-to-another-thread
        // would show up as far more on this shared machine only rarely, so the bound is loose.
        #expect(elapsed < 50_000_000)
    }

    @Test func configIsChosenByName() {
        #expect(IdleStrategyConfig(name: "busySpin") == .busySpin)
        #expect(IdleStrategyConfig(name: "spinYield") == .spinYield())
        #expect(IdleStrategyConfig(name: "backoff") == .backoff())
        #expect(IdleStrategyConfig(name: "spin-yield") == .spinYield())
        #expect(IdleStrategyConfig(name: "sleepy") == nil)
        for name in IdleStrategyConfig.names {
            #expect(IdleStrategyConfig(name: name)?.name == name)
        }
        #expect(IdleStrategyConfig.busySpin.spins)
        #expect(!IdleStrategyConfig.backoff().spins)
        #expect(IdleStrategyConfig.spinYield(maxSpins: -1).validate() != nil)
        #expect(IdleStrategyConfig.backoff(.init(minParkNanos: -5)).validate() != nil)
    }
}
