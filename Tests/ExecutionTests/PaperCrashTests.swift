import Testing
import Foundation
import HFTPrimitives
@testable import Execution

/// `kill -9` during a paper run with orders in flight, then restart: every acked order and fill the
/// child reported is in the rebuilt state, positions equal the journal's, nothing is duplicated,
/// and client order ids continue after the highest journaled one.
///
/// The child is the `PaperCrashChild` executable target (built next to the test bundle; override
/// with `HFT_PAPER_CRASH_CHILD`). It prints `ACK`/`FILL` lines only after the journal has them.
@Suite(.serialized) struct PaperCrashTests {
    static func childPath() -> String {
        if let p = ProcessInfo.processInfo.environment["HFT_PAPER_CRASH_CHILD"] { return p }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("PaperCrashChild").path
    }

    struct ChildOutput {
        var ready: [Int] = []
        var acks: [UInt64] = []
        var fills: [UInt64: [(side: Int, price: Int64, quantity: Int64)]] = [:]
    }

    /// Runs the child until it has said READY (it has opened and recovered the journal; up to 20 s on
    /// a loaded machine), then for a random 250–900 ms more, SIGKILLs it, and parses what it printed.
    static func runAndKill(journal: String, seed: UInt64) throws -> ChildOutput {
        let out = journal + ".out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        defer { unlink(out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: childPath())
        p.arguments = [journal, String(seed)]
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try p.run()
        // The kill must land while the child trades, not while it starts: under load (a CI run, a
        // debug build recovering a journal of several rounds) start-up alone can take longer than
        // 250 ms, and a child killed before READY reports nothing to check.
        let readyBy = Date().addingTimeInterval(20)
        while p.isRunning && Date() < readyBy,
              !((try? String(contentsOfFile: out, encoding: .utf8))?.hasPrefix("READY") ?? false) {
            usleep(5_000)
        }
        usleep(UInt32(250_000 + seed % 650_000))
        #expect(p.isRunning, "the child must still be trading when it is killed")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)
        var o = ChildOutput()
        let text = try String(contentsOfFile: out, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            switch f.first {
            case "READY": o.ready = f.dropFirst().compactMap { Int($0) }
            case "ACK": o.acks.append(UInt64(f[1])!)
            case "FILL" where f.count == 5:
                o.fills[UInt64(f[1])!, default: []].append((Int(f[2])!, Int64(f[3])!, Int64(f[4])!))
            case "FILL": break   // the kill landed inside this line's write
            default: Issue.record("unexpected child output: \(line)")
            }
        }
        return o
    }

    /// Checks the journal and a rebuilt manager against what the child reported.
    static func verify(journal: String, child: ChildOutput) throws -> (records: Int, maxId: UInt64, working: Int) {
        let scan = try JournalScan.read(path: journal)
        let records = scan.records
        #expect(records.map(\.sequence) == Array(1...UInt64(max(records.count, 1))).prefix(records.count).map { $0 })
        var intents: [UInt64: JournalRecord] = [:]
        var acks: [UInt64: Int] = [:]
        var fills: [UInt64: [JournalRecord]] = [:]
        var journalPosition: Int64 = 0
        for r in records {
            let id = r.clientOrderId.raw
            if r.kind == .intent {
                #expect(intents[id] == nil, "client order id \(id) journaled twice")
                intents[id] = r
                continue
            }
            #expect(intents[id] != nil, "event for order \(id) before its intent")
            if r.kind == .ack { acks[id, default: 0] += 1 }
            if r.kind == .fill {
                fills[id, default: []].append(r)
                journalPosition += r.side.sign * r.b
            }
        }
        #expect(acks.values.allSatisfy { $0 == 1 }, "an ack journaled twice")
        for id in child.acks { #expect(acks[id] == 1, "acked order \(id) missing from the journal") }
        #expect(Set(child.acks).count == child.acks.count, "an ack reported twice")
        for (id, printed) in child.fills {
            let journaled = fills[id] ?? []
            #expect(printed.count <= journaled.count, "order \(id): \(printed.count) fills reported, \(journaled.count) journaled")
            for (k, f) in printed.enumerated() where k < journaled.count {
                #expect(journaled[k].a == f.price && journaled[k].b == f.quantity && Int(journaled[k].side.rawValue) == f.side)
            }
        }
        // Restart: rebuild from the journal.
        let m = try OrderManager.open(OrderManagerConfiguration(journalPath: journal, capacity: 8192))
        #expect(m.recoveredRecords == records.count)
        #expect(m.exposure(InstrumentId(raw: 1)).position.raw == journalPosition)
        #expect(m.checkInvariants() == nil)
        for (id, intent) in intents {
            guard let o = m.order(ClientOrderId(raw: id)) else { Issue.record("order \(id) missing after restart"); continue }
            #expect(o.quantity.raw == intent.b && o.side == intent.side)
            let filled = (fills[id] ?? []).reduce(0) { $0 + $1.b }
            #expect(o.filled.raw == filled && filled <= o.quantity.raw, "order \(id) filled \(o.filled.raw) vs journal \(filled)")
            if acks[id] != nil { #expect(o.status != .new && o.status != .sent && o.status != .rejected) }
        }
        let maxId = intents.keys.max() ?? 0
        #expect(m.nextClientOrderId.raw == maxId + 1)
        return (records.count, maxId, m.ordersAwaitingReconciliation().count)
    }

    @Test func killNineDuringPaperTradingThenRestart() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.childPath()) else {
            Issue.record("PaperCrashChild not built at \(Self.childPath()) (swift build --build-tests builds it)")
            return
        }
        let journal = temporaryJournalPath()
        defer { unlink(journal) }
        var seed = UInt64.random(in: 1...UInt64.max)
        print("PaperCrashTests seed \(seed)")
        var previous = (records: 0, maxId: UInt64(0), working: 0)
        for round in 0..<3 {
            let child = try Self.runAndKill(journal: journal, seed: seed)
            #expect(child.ready == [previous.records, Int(previous.maxId) + 1, previous.working], "round \(round) READY line")
            #expect(child.acks.count > 5, "round \(round): the child must have traded (\(child.acks.count) acks)")
            #expect(child.acks.allSatisfy { $0 > previous.maxId }, "ids must continue after the journaled ones")
            let now = try Self.verify(journal: journal, child: child)
            #expect(now.records > previous.records && now.maxId > previous.maxId)
            previous = now
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
        }
    }
}
