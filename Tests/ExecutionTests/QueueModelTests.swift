import Testing
@testable import Execution

/// Cases worked by hand from the published formulas (DEFINITIONS.md §8, hftbacktest `ProbQueueModel`).
@Suite struct QueueModelTests {
    @Test func riskAverseAdvancesOnlyOnTrades() {
        let m = RiskAverseQueueModel()
        var q = m.join(displayed: 10)
        m.trade(&q, quantity: 3)                    // 10 − 3
        #expect(q.front == 7)
        m.depth(&q, previous: 10, current: 7)       // the trade's own decrease: no double count
        #expect(q.front == 7)
        m.depth(&q, previous: 7, current: 9)        // growth behind us
        #expect(q.front == 7)
        m.depth(&q, previous: 9, current: 4)        // cancels: capped at the level size
        #expect(q.front == 4)
        #expect(q.reached(lot: 1) == 0)
        m.trade(&q, quantity: 4)
        #expect(q.front == 0)
        #expect(q.reached(lot: 1) == 0)             // nothing of ours reached yet
        m.trade(&q, quantity: 3)
        #expect(q.reached(lot: 1) == 3)
    }

    @Test func powerTwoCancelMostlyBehind() {
        let m = ProbabilisticQueueModel(.power(2))
        var q = m.join(displayed: 10)
        m.depth(&q, previous: 10, current: 15)      // increase: front unchanged
        #expect(q.front == 10)
        // chg = 6, back = 5, p = 25 / (25 + 100) = 0.2
        // front' = 10 − 0.8·6 + min(5 − 1.2, 0) = 5.2
        m.depth(&q, previous: 15, current: 9)
        #expect(abs(q.front - 5.2) < 1e-12)
        m.trade(&q, quantity: 2)
        #expect(abs(q.front - 3.2) < 1e-12)
        // The decrease 9 → 7 is the trade itself: chg net of trades = 0, front unchanged.
        m.depth(&q, previous: 9, current: 7)
        #expect(abs(q.front - 3.2) < 1e-12)
    }

    @Test func logProbability() {
        let m = ProbabilisticQueueModel(.log)
        var q = m.join(displayed: 4)
        m.depth(&q, previous: 4, current: 12)
        // chg = 10, front = 4, back = 8, p = ln 9 / (ln 9 + ln 5)
        let p = 2.1972245773362196 / (2.1972245773362196 + 1.6094379124341003)
        let expected = 4 - (1 - p) * 10 + min(8 - p * 10, 0)
        m.depth(&q, previous: 12, current: 2)
        #expect(abs(q.front - expected) < 1e-12)
        #expect(abs(q.front - (-0.22795011840203294)) < 1e-9)   // computed independently in Python
        #expect(q.reached(lot: 1) == 0)             // round(−0.23) is not < 0
    }

    @Test func decreaseLargerThanBackMovesFrontByTheExcess() {
        // front 1, back 2, chg 3 with n = 2: p = 0.8, front' = 1 − 0.6 + min(2 − 2.4, 0) = 0
        let m = ProbabilisticQueueModel(.power(2))
        var q = m.join(displayed: 1)
        m.depth(&q, previous: 1, current: 3)
        m.depth(&q, previous: 3, current: 0)
        #expect(abs(q.front) < 1e-12)
    }

    @Test func reachedIsWholeLots() {
        var q = QueuePosition(front: -25)
        #expect(q.reached(lot: 10) == 20)
        q.front = -4
        #expect(q.reached(lot: 10) == 0)            // round(−0.4) = −0
        q.front = -6
        #expect(q.reached(lot: 10) == 0)            // floor(0.6) lots
    }

    @Test func configNames() {
        #expect(QueueModelKind(configName: "risk-averse") == .riskAverse)
        #expect(QueueModelKind(configName: "prob-log") == .probabilistic(.log))
        #expect(QueueModelKind(configName: "prob-power:3") == .probabilistic(.power(3)))
        #expect(QueueModelKind(configName: "prob-power:-1") == nil)
        #expect(QueueModelKind(configName: "fifo") == nil)
    }
}
