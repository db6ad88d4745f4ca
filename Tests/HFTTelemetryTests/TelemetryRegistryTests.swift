import HFTPrimitives
import Testing
@testable import HFTTelemetry

@Suite struct TelemetryRegistryTests {
    @Test func registersStandardAndCustomHopsIdempotently() {
        let registry = TelemetryRegistry(hopCapacity: 16)
        let hops = registry.registerStandardHops()
        #expect(registry.hopNames == StandardHop.allCases.map(\.rawValue))
        #expect(hops.wire == HopId(raw: 0))
        #expect(hops.tickToOrder == registry.hop(named: "tick→order"))
        #expect(hops.orderToAck.raw == 12)
        #expect(registry.registerHop("queue.feed→book") == hops.queueFeedToBook)
        let custom = registry.registerHop("inference.custom")
        #expect(custom.raw == 13)
        #expect(registry.registerHop("inference.custom") == custom)
        #expect(registry.hop(named: "missing") == nil)
    }

    @Test func hopCapacityIsEnforced() async {
        await #expect(processExitsWith: .failure) {
            let registry = TelemetryRegistry(hopCapacity: 2)
            _ = registry.registerHop("a")
            _ = registry.registerHop("b")
            _ = registry.registerHop("c")
        }
    }

    @Test func recordsPerHopAndMergesRecorders() {
        let registry = TelemetryRegistry(hopCapacity: 16)
        let hops = registry.registerStandardHops()
        let feed = registry.makeRecorder(name: "feed")
        let book = registry.makeRecorder(name: "book")
        for i in 0..<1_000 {
            feed.record(hops.decode, Int64(100 + i))
            book.record(hops.book, Nanos(raw: 2_000))
            book.record(hops.tickToOrder, from: Nanos(raw: 10_000), to: Nanos(raw: 13_000 + Int64(i)))
        }
        feed.record(hops.tickToOrder, Int64(1))
        #expect(registry.snapshot(hops.decode).count == 1_000)
        #expect(registry.snapshot(hops.decode).min == 100)
        #expect(registry.snapshot(hops.decode).max == 1_099)
        #expect(registry.snapshot(hops.book).valueAtPercentile(50) == 2_000)
        let e2e = registry.snapshot(hops.tickToOrder)
        #expect(e2e.count == 1_001)
        #expect(e2e.min == 1)
        #expect(e2e.max == 3_999)
        #expect(feed.snapshot(hops.tickToOrder).count == 1)
        #expect(registry.snapshot(hops.wire).count == 0)
        book.reset(hops.book)
        #expect(registry.snapshot(hops.book).count == 0)
    }

    @Test func countersSumOverRecorders() {
        let registry = TelemetryRegistry(hopCapacity: 1)
        let conflations = registry.registerCounter("signals.conflations", help: "Signals→Strategy conflations")
        let full = registry.registerCounter("feed.ring_full")
        #expect(registry.registerCounter("feed.ring_full") == full)
        let a = registry.makeRecorder(name: "a")
        let b = registry.makeRecorder(name: "b")
        for _ in 0..<10 { a.increment(conflations) }
        b.increment(conflations, by: 5)
        b.increment(full, by: 3)
        #expect(registry.value(of: conflations) == 15)
        #expect(registry.value(of: full) == 3)
        let report = registry.report()
        #expect(report.counters == [
            .init(name: "signals.conflations", help: "Signals→Strategy conflations", value: 15),
            .init(name: "feed.ring_full", help: "", value: 3),
        ])
    }

    @Test func distinctErrorLogDeduplicatesAndKeepsFirstAndLast() {
        let registry = TelemetryRegistry(hopCapacity: 1, errorLogCapacity: 8)
        let gap = registry.registerErrorCode("binance.sequenceGap")
        let malformed = registry.registerErrorCode("ws.malformedFrame")
        let a = registry.makeRecorder(name: "a")
        let b = registry.makeRecorder(name: "b")
        for t in 1...100 { a.recordError(gap, detail: 7, at: Nanos(raw: Int64(t))) }
        a.recordError(gap, detail: 8, at: Nanos(raw: 50))
        b.recordError(gap, detail: 7, at: Nanos(raw: 500))
        b.recordError(malformed, at: Nanos(raw: 42))
        let (entries, overflow) = registry.distinctErrors()
        #expect(overflow == 0)
        #expect(entries == [
            DistinctErrorEntry(name: "binance.sequenceGap", detail: 7, count: 101, firstNanos: 1, lastNanos: 500),
            DistinctErrorEntry(name: "binance.sequenceGap", detail: 8, count: 1, firstNanos: 50, lastNanos: 50),
            DistinctErrorEntry(name: "ws.malformedFrame", detail: 0, count: 1, firstNanos: 42, lastNanos: 42),
        ])
    }

    @Test func distinctErrorLogCountsOverflowWhenFull() {
        let registry = TelemetryRegistry(hopCapacity: 1, errorLogCapacity: 4)
        #expect(registry.errorLogCapacity == 4)
        let code = registry.registerErrorCode("venue.reject")
        let r = registry.makeRecorder(name: "exec")
        for detail in 0..<10 { r.recordError(code, detail: Int64(detail), at: Nanos(raw: Int64(detail))) }
        for _ in 0..<3 { r.recordError(code, detail: 0, at: Nanos(raw: 99)) }   // still fits: existing key
        r.recordError(code, detail: 9, at: Nanos(raw: 100))                       // dropped again
        let (entries, overflow) = registry.distinctErrors()
        #expect(entries.count == 4)
        #expect(overflow == 7)
        #expect(entries.reduce(0) { $0 + $1.count } == 4 + 3)
        #expect(entries.first == DistinctErrorEntry(name: "venue.reject", detail: 0, count: 4, firstNanos: 0, lastNanos: 99))
        #expect(registry.report().errorLogOverflowCount == 7)
    }
}
