import Testing
import Foundation
import HFTTestSupport
import HFTPrimitives
@testable import Execution

/// A fresh temporary path per test (removed by the caller's `defer`).
func temporaryJournalPath(_ name: String = #function) -> String {
    let clean = name.filter { $0.isLetter || $0.isNumber }
    return TestScratch.path("journal-\(clean)", suffix: ".log")
}

@Suite struct OrderJournalTests {
    static func intent(_ id: UInt64, side: Side = .buy, px: Int64 = 10_000, qty: Int64 = 1_000) -> Intent {
        var i = Intent(instrument: InstrumentId(raw: 3), strategy: StrategyId(raw: 7), side: side, kind: .limit, timeInForce: .postOnly,
                       reduceOnly: true, price: Price(raw: px), quantity: Quantity(raw: qty), tag: 42,
                       tickReceiveTime: Nanos(raw: 11), createdAt: Nanos(raw: 12))
        i.clientOrderId = ClientOrderId(raw: id)
        return i
    }

    @Test func recordsRoundTripEveryKind() {
        let order = Order(intent: Self.intent(5), clientOrderId: ClientOrderId(raw: 5))
        let events: [OrderEvent] = [.sent, .acked(VenueOrderId(raw: 99)), .rejected(code: -2010),
                                    .fill(price: Price(raw: 10_001), quantity: Quantity(raw: 300), fee: -4, isMaker: true),
                                    .cancelRequested, .canceled, .outcomeUnknown, .reconciled(status: .partiallyFilled, filled: Quantity(raw: 300))]
        var records = [JournalRecord(intent: Self.intent(5), time: Nanos(raw: 1))]
        records += events.map { JournalRecord(event: $0, order: order, time: Nanos(raw: 2)) }
        #expect(Set(records.map(\.kind.rawValue)).count == JournalRecordKind.allCases.count)
        var frame = [UInt8](repeating: 0, count: JournalRecord.size)
        for (n, var r) in records.enumerated() {
            r.sequence = UInt64(n + 1)
            frame.withUnsafeMutableBytes { r.encode(into: $0.baseAddress!) }
            let back = frame.withUnsafeBytes { JournalRecord.decode($0.baseAddress!) }
            #expect(back == r)
            if r.kind == .intent { #expect(back?.intent == Self.intent(5)) } else { #expect(back?.event == events[n - 1]) }
            // Any flipped bit fails the CRC.
            for bit in [0, 37, 8 * 40 + 3, 8 * 79 + 7] {
                var bad = frame
                bad[bit / 8] ^= UInt8(1 << (bit % 8))
                #expect(bad.withUnsafeBytes { JournalRecord.decode($0.baseAddress!) } == nil)
            }
        }
    }

    @Test func appendsContinueTheSequenceAcrossReopen() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        do {
            var j = try OrderJournal(path: path, policy: .everyRecords(2))
            #expect(j.recovered.records.isEmpty)
            for id in 1...3 { #expect(j.append(JournalRecord(intent: Self.intent(UInt64(id)), time: Nanos(raw: Int64(id)))) == .written) }
            #expect(j.fsyncs == 1)
        }
        var attributes = stat()
        #expect(stat(path, &attributes) == 0)
        #expect(attributes.st_mode & 0o777 == 0o600)
        var j = try OrderJournal(path: path, policy: .everyRecord)
        #expect(j.recovered.records.map(\.sequence) == [1, 2, 3])
        #expect(j.recovered.records.map(\.clientOrderId.raw) == [1, 2, 3])
        #expect(j.append(JournalRecord(intent: Self.intent(4), time: .zero)) == .written)
        #expect(j.fsyncs == 1 && j.lastSequence == 4)
        #expect(try JournalScan.read(path: path).records.count == 4)
    }

    /// `touchNext` (the order path's warm-up) reads the lines the next records will land on and
    /// changes nothing, up to the last record of the reservation and past it (where it stops at the
    /// mapping's end: reading on would fault), and the appends and growth after it are as before.
    @Test func touchingTheNextRecordsChangesNothingUpToAndPastTheReservation() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        var j = try OrderJournal(path: path, policy: .none)
        let perReservation = OrderJournal.growth / JournalRecord.size
        var id: UInt64 = 0
        for _ in 0..<(perReservation - 1) {
            id += 1
            #expect(j.append(JournalRecord(intent: Self.intent(id), time: Nanos(raw: 1))) == .written)
        }
        #expect(j.touchNext(records: 2) == 0)
        #expect(j.touchNext(records: 1_000) == 0)
        for _ in 0..<3 {
            id += 1
            #expect(j.append(JournalRecord(intent: Self.intent(id), time: Nanos(raw: 1))) == .written)
            #expect(j.touchNext(records: 2) == 0)
        }
        #expect(j.remaps == 1 && j.lastSequence == id)
        let scan = try JournalScan.read(path: path)
        #expect(scan.records.count == Int(id) && scan.records.last?.clientOrderId.raw == id)
    }

    @Test func tornTailIsCutOffAndCorruptionInTheMiddleRefused() throws {
        let path = temporaryJournalPath()
        defer { unlink(path) }
        do {
            var j = try OrderJournal(path: path, policy: .none)
            for id in 1...4 { _ = j.append(JournalRecord(intent: Self.intent(UInt64(id)), time: .zero)) }
        }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count == 4 * JournalRecord.size)
        // A crash in the middle of the fifth write: 30 bytes of it reached the file.
        try Data(bytes + [UInt8](repeating: 0xAB, count: 30)).write(to: URL(fileURLWithPath: path))
        do {
            let j = try OrderJournal(path: path, policy: .none)
            #expect(j.recovered.records.count == 4 && j.recovered.tornBytes == 30)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 4 * JournalRecord.size)
        // A full-length last frame with a bad CRC is a torn tail too.
        bytes[3 * JournalRecord.size + 20] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            let j = try OrderJournal(path: path, policy: .none)
            #expect(j.recovered.records.count == 3 && j.recovered.tornBytes == JournalRecord.size)
        }
        // Damage before valid records is refused.
        bytes[3 * JournalRecord.size + 20] ^= 0xFF
        bytes[1 * JournalRecord.size + 20] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: JournalError.corruptRecord(offset: JournalRecord.size)) { _ = try OrderJournal(path: path, policy: .none) }
    }

    @Test func fsyncPolicyParsesFromConfig() {
        #expect(JournalFsyncPolicy(config: "none") == JournalFsyncPolicy.none)
        #expect(JournalFsyncPolicy(config: "every-record") == .everyRecord)
        #expect(JournalFsyncPolicy(config: "every:64") == .everyRecords(64))
        #expect(JournalFsyncPolicy(config: "interval-ms:5") == .interval(.milliseconds(5)))
        #expect(JournalFsyncPolicy(config: "every:0") == nil)
        #expect(JournalFsyncPolicy(config: "sometimes") == nil)
    }
}
