import Testing
@testable import Analytics

/// The Cont–Kukanov–Stoikov contribution on hand-worked cases, one per price move of the paper's
/// formula (bid up, bid down, ask down, ask up), plus the unchanged-price case.
struct OrderFlowImbalanceTests {
    func e(_ pb: Int64, _ qb0: Int64, _ pa: Int64, _ qa0: Int64, _ b: Int64, _ qb: Int64, _ a: Int64, _ qa: Int64) -> Int64 {
        OrderFlowImbalance.contribution(previousBid: pb, previousBidQuantity: qb0, previousAsk: pa, previousAskQuantity: qa0,
                                        bid: b, bidQuantity: qb, ask: a, askQuantity: qa)
    }

    @Test func bidPriceRisesCountsTheWholeNewBid() {
        // Bid 100→101 with 7 at the new best; ask unchanged 102, size 5→5: e = +7 (new bid) − 0 − 5 + 5.
        #expect(e(100, 4, 102, 5, 101, 7, 102, 5) == 7)
    }

    @Test func bidPriceFallsRemovesTheWholeOldBid() {
        // Bid 100→99: the old 4 at 100 left: e = −4; ask unchanged.
        #expect(e(100, 4, 102, 5, 99, 9, 102, 5) == -4)
    }

    @Test func askPriceFallsCountsTheWholeNewAskAsSelling() {
        // Ask 102→101 with 6: e = −6; bid unchanged 100, 4→4.
        #expect(e(100, 4, 102, 5, 100, 4, 101, 6) == -6)
    }

    @Test func askPriceRisesRemovesTheWholeOldAskAsBuying() {
        // Ask 102→103: the old 5 at 102 was lifted or cancelled: e = +5.
        #expect(e(100, 4, 102, 5, 100, 4, 103, 8) == 5)
    }

    @Test func unchangedPricesCountSizeChanges() {
        // Bid 4→10 (+6), ask 5→2 (−(2−5) = +3): e = 9.
        #expect(e(100, 4, 102, 5, 100, 10, 102, 2) == 9)
        // Both sides move up (bid up: +qb, ask up: +qa'): e = 3 + 5.
        #expect(e(100, 4, 102, 5, 101, 3, 103, 1) == 8)
    }

    @Test func missingLevelsAppearAndVanish() {
        // A bid level appearing where there was none counts its size; one vanishing removes it.
        #expect(e(.min, 0, .max, 0, 100, 3, 102, 0) == 3)
        #expect(e(100, 3, .max, 0, .min, 0, .max, 0) == -3)
    }
}
