import Testing
import HFTPrimitives
@testable import MarketData

/// The venue sync rules of DEFINITIONS.md §7 on synthetic messages.
@Suite struct SyncStateMachineTests {
    static let level = [DepthLevel(price: Price(raw: 100), quantity: Quantity(raw: 1)), DepthLevel(price: Price(raw: 101), quantity: Quantity(raw: 1))]

    func header(_ kind: DepthUpdateKind, U: UInt64, u: UInt64, pu: UInt64 = 0) -> DepthUpdateHeader {
        DepthUpdateHeader(instrument: InstrumentId(raw: 0), venue: .binanceSpot, kind: kind, firstUpdateId: U, finalUpdateId: u,
                          previousFinalUpdateId: pu, sequence: 0, exchangeTime: .zero, receiveTime: .zero, bidCount: 1, askCount: 1)
    }

    func apply(_ sync: inout SyncedOrderBook, _ h: DepthUpdateHeader, bid: Int64 = 100, ask: Int64 = 101) -> BookSyncOutcome {
        let b = [DepthLevel(price: Price(raw: bid), quantity: Quantity(raw: Int64(h.finalUpdateId % 1000) + 1))]
        let a = [DepthLevel(price: Price(raw: ask), quantity: Quantity(raw: 2))]
        return b.withUnsafeBufferPointer { bp in a.withUnsafeBufferPointer { ap in sync.apply(h, bids: bp, asks: ap) } }
    }

    @Test func binanceSpotBridgeAndChain() {
        var s = SyncedOrderBook(policy: .binanceSpot)
        #expect(s.isStale == true)
        #expect(apply(&s, header(.diff, U: 90, u: 95)) == .buffered)      // dropped at bridge (u <= 100)
        #expect(apply(&s, header(.diff, U: 96, u: 100)) == .buffered)     // dropped at bridge (u == lastUpdateId)
        #expect(apply(&s, header(.diff, U: 101, u: 105)) == .buffered)    // first applied: U <= 101 <= u
        #expect(apply(&s, header(.snapshot, U: 100, u: 100)) == .snapshotApplied)
        #expect(!s.isStale && s.phase == .live && s.lastUpdateId == 105)
        #expect(s.counters.droppedStale == 2 && s.counters.appliedDiffs == 1)
        #expect(apply(&s, header(.diff, U: 106, u: 110)) == .applied)
        #expect(apply(&s, header(.diff, U: 106, u: 110)) == .droppedStale)  // duplicate
        #expect(apply(&s, header(.diff, U: 112, u: 115)) == .needSnapshot)  // gap: 111 missing
        #expect(s.isStale && s.counters.gaps == 1)
        #expect(apply(&s, header(.diff, U: 116, u: 120)) == .buffered)
        // A snapshot older than the buffered diffs can bridge: stays stale, asks again.
        #expect(apply(&s, header(.snapshot, U: 108, u: 108)) == .snapshotTooOld)
        #expect(s.isStale == true)
        #expect(apply(&s, header(.snapshot, U: 117, u: 117)) == .snapshotApplied)
        #expect(!s.isStale && s.lastUpdateId == 120 && s.counters.resyncs == 1)
    }

    @Test func binanceSpotSnapshotWithoutBufferedDiffsWaitsForTheBridge() {
        var s = SyncedOrderBook(policy: .binanceSpot)
        #expect(apply(&s, header(.snapshot, U: 100, u: 100)) == .snapshotApplied)
        #expect(s.phase == .bridging && !s.isStale)
        #expect(apply(&s, header(.diff, U: 99, u: 100)) == .droppedStale)
        #expect(apply(&s, header(.diff, U: 103, u: 104)) == .needSnapshot) // 101 missing
    }

    @Test func binanceUsdmUsesPuAndLenientDrop() {
        var s = SyncedOrderBook(policy: .binanceUsdm)
        #expect(apply(&s, header(.diff, U: 50, u: 99, pu: 40)) == .buffered)   // u < 100: dropped
        #expect(apply(&s, header(.diff, U: 95, u: 100, pu: 99)) == .buffered)  // u == lastUpdateId: first applied (U <= 100 <= u)
        #expect(apply(&s, header(.diff, U: 120, u: 130, pu: 100)) == .buffered)
        #expect(apply(&s, header(.snapshot, U: 100, u: 100)) == .snapshotApplied)
        #expect(s.lastUpdateId == 130 && s.counters.appliedDiffs == 2 && s.counters.droppedStale == 1)
        #expect(apply(&s, header(.diff, U: 140, u: 150, pu: 130)) == .applied)  // ids not contiguous: pu links
        #expect(apply(&s, header(.diff, U: 160, u: 170, pu: 155)) == .needSnapshot)
    }

    @Test func bybitEverySnapshotResets() {
        var s = SyncedOrderBook(policy: .bybit)
        #expect(apply(&s, header(.diff, U: 5, u: 5)) == .droppedStale)
        #expect(apply(&s, header(.snapshot, U: 10, u: 10)) == .snapshotApplied)
        #expect(apply(&s, header(.diff, U: 11, u: 11)) == .applied)
        #expect(apply(&s, header(.diff, U: 11, u: 11)) == .droppedStale)
        #expect(apply(&s, header(.snapshot, U: 1, u: 1), bid: 50, ask: 60) == .snapshotApplied) // restart
        #expect(s.book.levelCount(.buy) == 1 && s.book.bestBid?.price == Price(raw: 50))
        #expect(apply(&s, header(.diff, U: 2, u: 2), bid: 51) == .applied)
        #expect(apply(&s, header(.diff, U: 4, u: 4)) == .needSnapshot)
        #expect(s.isStale == true)
    }

    @Test func bufferOverflowDropsTheBufferAndIsCounted() {
        var s = SyncedOrderBook(policy: .binanceSpot, bufferMessages: 4, bufferLevels: 100)
        for i in 0..<4 { #expect(apply(&s, header(.diff, U: UInt64(i * 10 + 1), u: UInt64(i * 10 + 10))) == .buffered) }
        #expect(apply(&s, header(.diff, U: 41, u: 50)) == .bufferOverflowed)
        #expect(s.counters.bufferOverflows == 1 && s.bufferedCount == 1 && s.counters.droppedStale == 4)
        // The kept diff bridges a snapshot at 45.
        #expect(apply(&s, header(.snapshot, U: 45, u: 45)) == .snapshotApplied)
        #expect(s.lastUpdateId == 50)
    }

    @Test func crossedBookAfterAMessageIsCorruptionAndResyncs() {
        var s = SyncedOrderBook(policy: .bybit)
        #expect(apply(&s, header(.snapshot, U: 1, u: 1)) == .snapshotApplied)
        #expect(apply(&s, header(.diff, U: 2, u: 2), bid: 105, ask: 104) == .needSnapshot)
        #expect(s.counters.crossedBooks == 1 && s.isStale)
    }
}
