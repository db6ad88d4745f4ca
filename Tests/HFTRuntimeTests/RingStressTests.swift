import CSystemShims
import HFTPrimitives
import HFTRuntime
import Testing
import HFTTestSupport

/// The two-thread stress tests of `Ring` and `ByteRing`, in one serialized suite so they never
/// spin against each other (this machine has two cores).
@Suite(.serialized)
struct RingStressTests {
    /// 10 M events from a thread on CPU 0 to a thread on CPU 1 through a 16384-slot ring (610 laps); the
    /// consumer alternates single pops and batches and checks every word of every event.
    @Test func ringTenMillionEventsAcrossTwoPinnedThreads() {
        let count: UInt64 = 10_000_000
        let ring = Ring<RingTestEvent>(capacity: 1 << 14, placement: .nodeOfCPU(Int(RingTestThread.cpus.1)))
        let producer = ring.producer
        let consumer = ring.consumer
        final class Result: @unchecked Sendable {
            // SAFETY: written by the consumer thread before join(), read after it.
            var received: UInt64 = 0
            var errors: UInt64 = 0
            var backPressured: UInt64 = 0
        }
        let result = Result()
        let started = hft_monotonic_ns()
        let consumerThread = RingTestThread(cpu: RingTestThread.cpus.1) {
            var expected: UInt64 = 0
            var errors: UInt64 = 0
            var spins = 0
            while expected < count {
                var got = 0
                if expected & 1 == 0 {
                    if let event = consumer.pop() {
                        if event.sequence != expected || !event.isConsistent { errors += 1 }
                        expected += 1
                        got = 1
                    }
                } else {
                    got = consumer.consume(max: 37) { event in
                        if event.sequence != expected || !event.isConsistent { errors += 1 }
                        expected += 1
                    }
                }
                if got == 0 { ringTestBackoff(&spins) }
            }
            result.received = expected
            result.errors = errors
        }
        let producerThread = RingTestThread(cpu: RingTestThread.cpus.0) {
            var backPressured: UInt64 = 0
            var spins = 0
            var sequence: UInt64 = 0
            while sequence < count {
                if producer.push(RingTestEvent(sequence)) == .published {
                    sequence += 1
                } else {
                    backPressured += 1
                    ringTestBackoff(&spins)
                }
            }
            result.backPressured = backPressured
        }
        producerThread.join()
        consumerThread.join()
        let elapsed = Double(hft_monotonic_ns() - started) / 1e9
        #expect(result.received == count)
        #expect(result.errors == 0)
        #expect(consumer.pop() == nil)
        print("Ring stress: \(count) events in \(elapsed) s, back-pressured \(result.backPressured) times")
    }

    /// 1 M records of random length (0 … max, exactly max included; > 300 laps of a 1 MiB ring) from CPU 0 to CPU 1, every
    /// length, channel, time and payload byte verified; the writer fills records in place.
    @Test func byteRingOneMillionRecordsAcrossTwoPinnedThreads() {
        let count: UInt64 = 1_000_000
        let max = 2_048
        let ring = ByteRing(capacity: 1 << 20, maxRecordLength: max, placement: .nodeOfCPU(Int(RingTestThread.cpus.1)))
        let pattern = ByteRingTestPattern(maxRecordLength: max)
        let writer = ring.writer
        let reader = ring.reader
        final class Result: @unchecked Sendable {
            // SAFETY: written by the reader thread before join(), read after it.
            var received: UInt64 = 0
            var errors: UInt64 = 0
        }
        let result = Result()
        let started = hft_monotonic_ns()
        let readerThread = RingTestThread(cpu: RingTestThread.cpus.1) {
            var random = SplitMix64(seed: 99)
            var expected: UInt64 = 0
            var errors: UInt64 = 0
            var spins = 0
            while expected < count {
                let got = reader.consume(maxRecords: 16) { record in
                    let roll = random.next(below: 64)
                    let length = roll == 0 ? max : random.next(below: 600)
                    if record.bytes.count != length || record.channel != UInt16(expected & 0xFF)
                        || record.receiveTime.raw != Int64(expected) || !pattern.matches(record, sequence: expected) {
                        errors += 1
                    }
                    expected += 1
                }
                if got == 0 { ringTestBackoff(&spins) }
            }
            result.received = expected
            result.errors = errors
        }
        let writerThread = RingTestThread(cpu: RingTestThread.cpus.0) {
            var random = SplitMix64(seed: 99)
            var spins = 0
            for sequence in 0..<count {
                let roll = random.next(below: 64)
                let length = roll == 0 ? max : random.next(below: 600)
                while true {
                    if case .claimed(let buffer) = writer.claim(maxLength: max) {
                        let payload = pattern.payload(record: sequence, length: length)
                        if length > 0 { buffer.baseAddress!.copyMemory(from: payload.baseAddress!, byteCount: length) }
                        writer.commit(length: length, channel: UInt16(sequence & 0xFF), receiveTime: Nanos(raw: Int64(sequence)))
                        break
                    }
                    ringTestBackoff(&spins)
                }
            }
        }
        writerThread.join()
        readerThread.join()
        let elapsed = Double(hft_monotonic_ns() - started) / 1e9
        #expect(result.received == count)
        #expect(result.errors == 0)
        let extra = reader.read { _ in Issue.record("extra record") }
        #expect(!extra)
        print("ByteRing stress: \(count) records in \(elapsed) s")
    }
}
