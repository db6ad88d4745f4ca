import HFTTestSupport
import Engine
import Execution
import Foundation
import Testing

/// `hft replay`: the whole pipeline on a real capture, deterministic.
@Suite(.serialized) struct EngineReplayTests {
    static func replay(_ capture: String, journal: String) async throws -> EngineReport {
        var config = try EngineFixtures.parse(EngineFixtures.config(journal: journal))
        config.mode = .replay
        let engine = try TradingEngine(config: config, captures: [capture])
        try engine.start()
        try await engine.waitForReplay()
        return await engine.shutdown()
    }

    @Test func aReplayRunTwiceGivesIdenticalDecisionsAndReport() async throws {
        let dir = TestScratch.directory("replay")
        let a = try await Self.replay(EngineFixtures.spotCapture, journal: dir + "/a.journal")
        let b = try await Self.replay(EngineFixtures.spotCapture, journal: dir + "/b.journal")
        #expect(a.deterministicJSON() == b.deterministicJSON())
        #expect(FileManager.default.contents(atPath: dir + "/a.journal") == FileManager.default.contents(atPath: dir + "/b.journal"))

        // It did something real: every frame, a synced book that matches the bookTicker oracle, ticks, orders.
        #expect(a.frames == 33_618)
        #expect(a.oracleChecked == 577 && a.oracleMatched == 577)
        #expect(a.parseErrors == 0)
        #expect(a.ticks > 1000)
        #expect(a.intents > 0 && a.execution.orders > 0)
        #expect(a.invalidIntents == 0)
        #expect(a.execution.journalFailures == 0 && a.execution.unknownOrders == 0 && a.execution.overfills == 0)

        // The journal holds exactly what the run reported and rebuilds the same orders.
        let reopened = try OrderManager.open(OrderManagerConfiguration(journalPath: dir + "/a.journal"))
        #expect(reopened.recoveredRecords == Int(a.execution.journalRecords))
        #expect(reopened.tornBytes == 0)
        #expect(reopened.journalSequence == a.execution.journalSequence)
    }

    @Test func replayLatencyHopsAreRecordedInProcess() async throws {
        let dir = TestScratch.directory("replay-hops")
        var config = try EngineFixtures.parse(EngineFixtures.config(journal: dir + "/j"))
        config.mode = .replay
        let engine = try TradingEngine(config: config, captures: [EngineFixtures.demoExcerpt])
        try engine.start()
        try await engine.waitForReplay()
        let r = await engine.shutdown()
        #expect(r.oracleChecked > 0 && r.oracleMatched == r.oracleChecked)
        // on_timer every 100 ms of event time over the 60 s excerpt (fires only when ticks come).
        let timers = engine.telemetry.value(of: engine.counters.timers)
        #expect(timers > 300 && timers <= 600, "timers \(timers)")
        let report = engine.latencyReport(title: "replay")
        let counts = Dictionary(uniqueKeysWithValues: report.hops.map { ($0.name, $0.histogram.totalCount) })
        for hop in ["decode", "book", "features", "features.trade", "strategy", "queue.book→signals", "queue.signals→strategy"] {
            #expect((counts[hop] ?? 0) > 0, "hop \(hop) is empty")
        }
        // Every commit's hops and every tick's, the last ones' too (Signals and Strategy record a
        // tick's hops at their next duty cycle, and when the pipeline closes).
        let commits = r.ticks + engine.telemetry.value(of: engine.counters.staleCommits) + engine.telemetry.value(of: engine.counters.ignoredBooks)
        let book = UInt64(counts["book"] ?? 0), queue = UInt64(counts["queue.book→signals"] ?? 0)
        #expect(book == commits && queue == commits, "book \(book), queue \(queue), commits \(commits)")
        // `features` is the vector per commit; trades are timed apart (`features.trade`).
        let features = UInt64(counts["features"] ?? 0)
        #expect(features >= r.ticks && features <= commits, "features \(features), ticks \(r.ticks), commits \(commits)")
        let toStrategy = UInt64(counts["queue.signals→strategy"] ?? 0), strategy = UInt64(counts["strategy"] ?? 0)
        #expect(toStrategy == r.ticks && strategy == r.ticks, "queue \(toStrategy), strategy \(strategy), ticks \(r.ticks)")
        // A capture's receive times are from another day: the feed-side hops are not recorded in replay.
        #expect(counts["queue.feed→book"] == 0 && counts["wire"] == 0)
        if r.execution.orders > 0 {
            #expect((counts["risk"] ?? 0) > 0 && (counts["send"] ?? 0) > 0 && (counts["tick→order"] ?? 0) > 0)
        }
    }

    /// `hft bench --closed-loop`: one frame at a time through every stage on one thread, each stamped
    /// when written, so no frame waits behind another: every frame goes through, the book still
    /// matches the oracle, every hop is recorded, and the wait before the Book stage is a duty cycle's
    /// switch, not a queue (64 frames written per cycle, as an open-loop source does when it falls
    /// behind, would put the median wait at tens of µs).
    @Test func aClosedLoopPutsOneFrameAtATimeThroughEveryStage() async throws {
        let dir = TestScratch.directory("closed-loop")
        let topology = #""topology": {"profile": "custom", "threads": [{"name": "pipeline", "core": 1, "idle": "backoff", "stages": ["feed", "book", "signals", "strategy", "execution"]}]},"#
        let config = try EngineFixtures.parse(EngineFixtures.config(journal: dir + "/j", extra: topology))
        let engine = try TradingEngine(config: config, captures: [EngineFixtures.demoExcerpt], closedLoop: true)
        try engine.start()
        try await engine.waitForReplay()
        let r = await engine.shutdown()
        let source = try #require(engine.replaySource)
        #expect(await source.written == source.frameCount && r.frames == source.frameCount)
        #expect(r.oracleChecked > 0 && r.oracleMatched == r.oracleChecked && r.parseErrors == 0)
        let report = engine.latencyReport(title: "closed loop")
        let hops = Dictionary(uniqueKeysWithValues: report.hops.map { ($0.name, $0.histogram) })
        for hop in ["queue.feed→book", "decode", "book", "features", "features.trade", "strategy", "queue.book→signals", "queue.signals→strategy"] {
            #expect((hops[hop]?.count ?? 0) > 0, "hop \(hop) is empty")
        }
        let wait = try #require(hops["queue.feed→book"]).valueAtPercentile(50)
        #expect(wait < 5_000, "median wait before the Book stage \(wait) ns")
        #expect(hops["tick→order"]?.count == r.execution.orders)
        #expect(r.execution.journalFailures == 0 && r.execution.unknownOrders == 0)
        // A capture's exchange times are the recording's: no wire hop, and no clock read per commit spent on one.
        #expect(hops["wire"]?.count == 0 && engine.telemetry.value(of: engine.counters.wireOutOfRange) == 0)
    }

    /// TabNet pulled through `model_evaluate` on the ticks whose regime uses it gives the same
    /// decisions, byte for byte, as TabNet run in Signals on every tick, at a fraction of the evaluations.
    @Test func tabnetOnDemandDecidesExactlyLikeEveryTick() async throws {
        try #require(EngineFixtures.hasDefaultModels)
        let dir = TestScratch.directory("replay-tabnet")
        func run(everyTick: Bool) async throws -> (EngineReport, UInt64, Data?) {
            var config = try EngineFixtures.parse(EngineFixtures.config(journal: dir + "/\(everyTick).journal"))
            config.mode = .replay
            config.models.tabnetEveryTick = everyTick
            let engine = try TradingEngine(config: config, captures: [EngineFixtures.demoExcerpt])
            try engine.start()
            try await engine.waitForReplay()
            let r = await engine.shutdown()
            let tabnet = engine.latencyReport(title: "replay").hops.first { $0.name == "inference.tabnet" }?.histogram.totalCount ?? 0
            return (r, tabnet, FileManager.default.contents(atPath: dir + "/\(everyTick).journal"))
        }
        let (eager, eagerRuns, eagerJournal) = try await run(everyTick: true)
        let (lazy, lazyRuns, lazyJournal) = try await run(everyTick: false)
        #expect(eager.deterministicJSON() == lazy.deterministicJSON())
        #expect(eagerJournal != nil && eagerJournal == lazyJournal)
        #expect(eager.execution.orders > 0)
        // Every tick with finite features ran TabNet eagerly; on demand only the ranging entry decisions did.
        #expect(lazyRuns > 0 && lazyRuns < eagerRuns, "on demand \(lazyRuns), every tick \(eagerRuns)")
        print("TabNet evaluations on the demo excerpt: every tick \(eagerRuns), on demand \(lazyRuns)")
    }

    /// `engine.warmOrderPath` runs the risk gate and reads the order manager between orders, and
    /// `engine.warmModels` runs TabNet in idle spells; they must change nothing: the same decisions,
    /// report and journal bytes with them on and off.
    @Test func warmingTheOrderPathAndModelsChangesNothing() async throws {
        let dir = TestScratch.directory("replay-warm")
        func run(warm: Bool) async throws -> (EngineReport, Data?, UInt64) {
            var config = try EngineFixtures.parse(EngineFixtures.config(journal: dir + "/\(warm).journal"))
            config.mode = .replay
            config.warmOrderPath = warm
            config.warmModels = warm
            let engine = try TradingEngine(config: config, captures: [EngineFixtures.demoExcerpt])
            try engine.start()
            try await engine.waitForReplay()
            // Warming needs an idle spell of the strategy stage; on a loaded machine the replay may
            // have none, but the stage idles once it is over (warming changes no result, which is
            // what this test checks).
            let deadline = ContinuousClock.now + .seconds(20)
            while warm, EngineFixtures.hasDefaultModels, await engine.strategy.modelWarmups == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let r = await engine.shutdown()
            let warmups = await engine.strategy.modelWarmups
            return (r, FileManager.default.contents(atPath: dir + "/\(warm).journal"), warmups)
        }
        let (warm, warmJournal, warmups) = try await run(warm: true)
        let (cold, coldJournal, coldWarmups) = try await run(warm: false)
        #expect(warm.execution.orders > 0)
        if EngineFixtures.hasDefaultModels { #expect(warmups > 0, "the models were never warmed") }
        #expect(coldWarmups == 0)
        #expect(warm.deterministicJSON() == cold.deterministicJSON())
        #expect(warmJournal != nil && warmJournal == coldJournal)
    }
}
