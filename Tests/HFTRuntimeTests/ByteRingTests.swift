import CSystemShims
import HFTPrimitives
import HFTRuntime
import HFTTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A random byte pattern; record `n` carries `pattern[n % 4096 ..< n % 4096 + length]`, so payloads
/// are verified with one memcmp (fast in debug builds) and a shifted or stale record shows.
final class ByteRingTestPattern: @unchecked Sendable {
    // SAFETY: filled in init, read-only afterwards; freed in deinit after all threads joined.
    let bytes: UnsafeMutableRawBufferPointer

    init(maxRecordLength: Int) {
        bytes = .allocate(byteCount: 4096 + maxRecordLength, alignment: 64)
        var random = SplitMix64(seed: 42)
        for index in 0..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
    }

    deinit { bytes.deallocate() }

    func payload(record: UInt64, length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(record % 4096)..<Int(record % 4096) + length])
    }

    func matches(_ record: ByteRingRecord, sequence: UInt64) -> Bool {
        let expected = payload(record: sequence, length: record.bytes.count)
        guard record.bytes.count == 0 || expected.count == 0 else {
            return memcmp(record.bytes.baseAddress!, expected.baseAddress!, expected.count) == 0
        }
        return true
    }
}

@Suite
struct ByteRingTests {
    @Test func layoutConstants() {
        #expect(ByteRingLayout.writerOffset == 0)
        #expect(ByteRingLayout.readerOffset == CacheLine.padding)
        #expect(ByteRingLayout.recordsOffset == 2 * CacheLine.padding)
        #expect(ByteRingLayout.headerSize == 32)
        #expect(ByteRingLayout.recordAlignment == CacheLine.size)
        #expect(ByteRingLayout.stampOffset == 0)
        #expect(ByteRingLayout.lengthOffset == 8)
        #expect(ByteRingLayout.channelOffset == 12)
        #expect(ByteRingLayout.kindOffset == 14)
        #expect(ByteRingLayout.receiveTimeOffset == 16)
        #expect(ByteRingLayout.recordSize(length: 0) == 64)
        #expect(ByteRingLayout.recordSize(length: 32) == 64)
        #expect(ByteRingLayout.recordSize(length: 33) == 128)
        #expect(ByteRingLayout.recordSize(length: 1_000) == 1_088)
        #expect(ByteRingLayout.minimumCapacity(maxRecordLength: 100) == 4096)
        #expect(ByteRingLayout.minimumCapacity(maxRecordLength: 4096) == 16_384)
        #expect(MemoryLayout<ByteRingWriter>.size == 24)
        #expect(MemoryLayout<ByteRingReader>.size == 16)
    }

    @Test func exactMaximumFitsAndOneOverIsTooLarge() throws {
        let max = 1_000
        let ring = ByteRing(capacity: 4096, maxRecordLength: max)
        let pattern = ByteRingTestPattern(maxRecordLength: max)
        let writer = ring.writer
        let reader = ring.reader
        #expect(writer.write(pattern.payload(record: 0, length: max), channel: 7, receiveTime: Nanos(raw: 11)) == .published)
        #expect(writer.write(pattern.payload(record: 1, length: max + 1), channel: 7, receiveTime: Nanos(raw: 12)) == .tooLarge)
        guard case .tooLarge = writer.claim(maxLength: max + 1) else {
            Issue.record("claim of max + 1 was not .tooLarge")
            return
        }
        var seen = 0
        let consumed = reader.consume(maxRecords: 10) { record in
            #expect(record.bytes.count == max)
            #expect(record.channel == 7)
            #expect(record.receiveTime == Nanos(raw: 11))
            #expect(pattern.matches(record, sequence: 0))
            seen += 1
        }
        #expect(consumed == 1)
        #expect(seen == 1)
        let extra = reader.read { _ in Issue.record("the too-large record became visible") }
        #expect(!extra)
    }

    @Test func backPressureThenRoomAgain() {
        let ring = ByteRing(capacity: 4096, maxRecordLength: 1_000)
        let pattern = ByteRingTestPattern(maxRecordLength: 1_000)
        let writer = ring.writer
        let reader = ring.reader
        var written: UInt64 = 0
        // 500-byte records take 576 bytes; 4096 - 64 (next stamp line) holds 7 of them.
        while writer.write(pattern.payload(record: written, length: 500), channel: 1, receiveTime: Nanos(raw: 0)) == .published {
            written += 1
        }
        #expect(written == 7)
        guard case .backPressured = writer.claim(maxLength: 0) else {
            Issue.record("a full ring accepted a claim")
            return
        }
        var read: UInt64 = 0
        let check: (ByteRingRecord) -> Void = { record in
            #expect(record.bytes.count == 500)
            #expect(pattern.matches(record, sequence: read))
            read += 1
        }
        // One read frees 576 bytes, but the next record must wrap: 64 bytes of padding at the end,
        // 576 at the start and the next stamp line need 704.
        #expect(reader.read(check))
        #expect(writer.write(pattern.payload(record: written, length: 500), channel: 1, receiveTime: Nanos(raw: 0)) == .backPressured)
        #expect(reader.read(check))
        #expect(writer.write(pattern.payload(record: written, length: 500), channel: 1, receiveTime: Nanos(raw: 0)) == .published)
        written += 1
        let rest = reader.consume(maxRecords: 100, check)
        #expect(rest == 6)
        #expect(read == written)
    }

    @Test func claimCommitShorterAndAbandon() {
        let ring = ByteRing(capacity: 4096, maxRecordLength: 1_000)
        let writer = ring.writer
        let reader = ring.reader
        guard case .claimed(let buffer) = writer.claim(maxLength: 1_000) else {
            Issue.record("claim failed on an empty ring")
            return
        }
        #expect(buffer.count == 1_000)
        #expect(Int(bitPattern: buffer.baseAddress!) % 32 == 0)
        for index in 0..<10 { buffer[index] = UInt8(index + 1) }
        writer.commit(length: 10, channel: 3, receiveTime: Nanos(raw: 99))
        guard case .claimed = writer.claim(maxLength: 200) else {
            Issue.record("second claim failed")
            return
        }
        writer.abandonClaim()
        #expect(writer.write(UnsafeRawBufferPointer(start: nil, count: 0), channel: 4, receiveTime: Nanos(raw: 100)) == .published)
        var records: [([UInt8], UInt16, Int64)] = []
        _ = reader.consume(maxRecords: 10) { records.append((Array($0.bytes), $0.channel, $0.receiveTime.raw)) }
        #expect(records.count == 2)
        #expect(records.first?.0 == Array(1...10))
        #expect(records.first?.1 == 3 && records.first?.2 == 99)
        #expect(records.last?.0 == [] && records.last?.1 == 4 && records.last?.2 == 100)
    }

    /// Payload bytes of an older lap that happen to equal a future record's stamp must not be read
    /// as a record: the writer zeroes the next stamp before publishing.
    @Test func staleBytesThatLookLikeAStampAreNotARecord() {
        let ring = ByteRing(capacity: 4096, maxRecordLength: 1_952)
        let writer = ring.writer
        let reader = ring.reader
        // Lap 1: one record covering [0, 1984) whose payload holds, at every 64-byte line, the stamp
        // that position + 4096 (the same offset one lap later) would carry when published.
        guard case .claimed(let buffer) = writer.claim(maxLength: 1_952) else {
            Issue.record("claim failed")
            return
        }
        for line in 1..<(1_984 / 64) {
            buffer.storeBytes(of: 4096 + line * 64 + 1, toByteOffset: line * 64 - ByteRingLayout.headerSize, as: Int.self)
        }
        writer.commit(length: 1_952, channel: 0, receiveTime: Nanos(raw: 0))
        #expect(reader.read { _ in })
        // Fill [1984, 4096) with records of 64, 1984 and 64 bytes so the next record starts lap 2 at offset 0.
        #expect(writer.write(UnsafeRawBufferPointer(start: nil, count: 0), channel: 0, receiveTime: Nanos(raw: 0)) == .published)
        let filler = [UInt8](repeating: 0, count: 1_952)
        for length in [1_952, 0] {
            let result = filler.withUnsafeBytes { writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<length]), channel: 0, receiveTime: Nanos(raw: 0)) }
            #expect(result == .published)
        }
        #expect(reader.consume(maxRecords: 10) { _ in } == 3)
        // Lap 2: one empty record at 4096; the stale 4161 at 4160 must not look published.
        #expect(writer.write(UnsafeRawBufferPointer(start: nil, count: 0), channel: 9, receiveTime: Nanos(raw: 1)) == .published)
        var channels: [UInt16] = []
        _ = reader.consume(maxRecords: 10) { channels.append($0.channel) }
        #expect(channels == [9])
    }

    /// Random sizes from 0 to exactly the maximum (and one over, which must be refused) through a
    /// small ring, single thread, many laps: exercises padding at every offset.
    @Test func randomSizesWrapAround() {
        let max = 1_500
        let capacity = ByteRingLayout.minimumCapacity(maxRecordLength: max)
        let ring = ByteRing(capacity: capacity, maxRecordLength: max)
        let pattern = ByteRingTestPattern(maxRecordLength: max)
        let writer = ring.writer
        let reader = ring.reader
        var random = SplitMix64(seed: 7)
        var written: UInt64 = 0
        var read: UInt64 = 0
        var bytesWritten = 0
        var tooLarge = 0
        var lengths: [Int] = []
        for _ in 0..<20_000 {
            let roll = random.next(below: 20)
            let length = roll == 0 ? max : roll == 1 ? max + 1 : random.next(below: max)
            switch writer.write(pattern.payload(record: written, length: length), channel: UInt16(written & 0xFFFF), receiveTime: Nanos(raw: Int64(written))) {
            case .published:
                lengths.append(length)
                written += 1
                bytesWritten += length
            case .tooLarge:
                #expect(length == max + 1)
                tooLarge += 1
            case .backPressured:
                #expect(length <= max)
            }
            _ = reader.consume(maxRecords: random.next(below: 3)) { record in
                #expect(record.bytes.count == lengths[Int(read)])
                #expect(record.channel == UInt16(read & 0xFFFF))
                #expect(record.receiveTime.raw == Int64(read))
                #expect(pattern.matches(record, sequence: read))
                read += 1
            }
        }
        _ = reader.consume(maxRecords: .max) { record in
            #expect(pattern.matches(record, sequence: read) && record.bytes.count == lengths[Int(read)])
            read += 1
        }
        #expect(read == written)
        #expect(tooLarge > 0)
        #expect(lengths.contains(max))
        #expect(bytesWritten > 50 * capacity)
    }
}
