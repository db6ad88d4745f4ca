import CNuma
import CSystemShims
import HFTRuntime
import Testing

/// A 64-byte event whose every word is derived from its sequence, so a torn or stale slot shows.
struct RingTestEvent: BitwiseCopyable, Equatable {
    var sequence: UInt64
    var word1: UInt64
    var word2: UInt64
    var word3: UInt64
    var word4: UInt64
    var word5: UInt64
    var word6: UInt64
    var word7: UInt64

    init(_ sequence: UInt64) {
        self.sequence = sequence
        word1 = sequence ^ 0x1111_1111_1111_1111
        word2 = ~sequence
        word3 = sequence ^ 0x3333_3333_3333_3333
        word4 = sequence ^ 0x4444_4444_4444_4444
        word5 = sequence ^ 0x5555_5555_5555_5555
        word6 = sequence ^ 0x6666_6666_6666_6666
        word7 = sequence ^ 0x7777_7777_7777_7777
    }

    /// Whether every word matches `sequence` (cheap enough for 10 M checks in a debug build).
    var isConsistent: Bool {
        word1 == sequence ^ 0x1111_1111_1111_1111 && word2 == ~sequence
            && word3 == sequence ^ 0x3333_3333_3333_3333 && word4 == sequence ^ 0x4444_4444_4444_4444
            && word5 == sequence ^ 0x5555_5555_5555_5555 && word6 == sequence ^ 0x6666_6666_6666_6666
            && word7 == sequence ^ 0x7777_7777_7777_7777
    }
}

/// A 56-byte event: the largest that fits in one cache line with the sequence word.
struct RingTestEvent56: BitwiseCopyable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
}

@Suite
struct RingTests {
    @Test func layoutConstants() {
        #expect(MemoryLayout<RingTestEvent>.size == 64)
        #expect(RingLayout.producerOffset == 0)
        #expect(RingLayout.consumerOffset == CacheLine.padding)
        #expect(RingLayout.slotsOffset == 2 * CacheLine.padding)
        #expect(RingLayout.sequenceOffset == 0)
        #expect(RingLayout.cachedHeadOffset == MemoryLayout<Int>.size)
        // 64-byte events: 8 + 64 = 72 → two lines.
        #expect(RingLayout.payloadOffset(of: RingTestEvent.self) == 8)
        #expect(RingLayout.slotStride(of: RingTestEvent.self) == 128)
        // Up to 56 bytes: one line per slot.
        #expect(MemoryLayout<RingTestEvent56>.size == 56)
        #expect(RingLayout.slotStride(of: RingTestEvent56.self) == 64)
        #expect(RingLayout.slotStride(of: UInt64.self) == 64)
        // A 16-byte-aligned element starts 16 bytes into its slot.
        #expect(RingLayout.payloadOffset(of: SIMD4<Float>.self) == 16)
        #expect(RingLayout.slotStride(of: SIMD4<Float>.self) == 64)
        #expect(RingLayout.byteCount(capacity: 1024, of: RingTestEvent.self) == 256 + 1024 * 128)
        // The views are a pointer and a mask: trivially copyable, nothing for ARC to do.
        #expect(MemoryLayout<RingProducer<RingTestEvent>>.size == 16)
        #expect(MemoryLayout<RingConsumer<RingTestEvent>>.size == 16)
        #expect(_isPOD(RingProducer<RingTestEvent>.self) && _isPOD(RingConsumer<RingTestEvent>.self))
        #expect(_isPOD(ByteRingWriter.self) && _isPOD(ByteRingReader.self))
    }

    @Test func memoryIsAlignedZeroedAndPlaced() {
        let memory = UnsafeAlignedMemory.allocate(byteCount: 10_000, placement: .nodeOfCPU(0))
        defer { memory.deallocate() }
        #expect(Int(bitPattern: memory.base) % UnsafeAlignedMemory.alignment == 0)
        let bytes = UnsafeRawBufferPointer(start: memory.base, count: memory.byteCount)
        #expect(bytes.allSatisfy { $0 == 0 })
        if hft_numa_node_count() == 1 {
            #expect(memory.node == nil)
        } else {
            #expect(memory.node == Int(hft_numa_node_of_cpu(0)))
        }
    }

    @Test func backPressureAtCapacity() {
        let ring = Ring<RingTestEvent>(capacity: 8, placement: .nodeOfCPU(0))
        let producer = ring.producer
        let consumer = ring.consumer
        #expect(producer.capacity == 8 && consumer.capacity == 8)
        #expect(consumer.isEmpty)
        #expect(consumer.pop() == nil)
        for sequence in 0..<8 {
            #expect(producer.push(RingTestEvent(UInt64(sequence))) == .published)
        }
        #expect(producer.push(RingTestEvent(8)) == .backPressured)
        #expect(producer.push(RingTestEvent(8)) == .backPressured)
        #expect(!consumer.isEmpty)
        #expect(consumer.pop() == RingTestEvent(0))
        #expect(producer.push(RingTestEvent(8)) == .published)
        #expect(producer.push(RingTestEvent(9)) == .backPressured)
        for sequence in 1...8 {
            #expect(consumer.pop() == RingTestEvent(UInt64(sequence)))
        }
        #expect(consumer.pop() == nil)
        #expect(consumer.isEmpty)
    }

    @Test func batchConsumeRespectsMaxAndOrder() {
        let ring = Ring<RingTestEvent>(capacity: 16)
        let producer = ring.producer
        let consumer = ring.consumer
        for sequence in 0..<10 { _ = producer.push(RingTestEvent(UInt64(sequence))) }
        var seen: [UInt64] = []
        let first = consumer.consume(max: 4) { seen.append($0.sequence) }
        #expect(first == 4)
        #expect(seen == [0, 1, 2, 3])
        // The freed slots are reusable right away.
        for sequence in 10..<20 { #expect(producer.push(RingTestEvent(UInt64(sequence))) == .published) }
        #expect(producer.push(RingTestEvent(20)) == .backPressured)
        let second = consumer.consume(max: 100) { seen.append($0.sequence) }
        #expect(second == 16)
        #expect(seen == Array(0..<20))
        let third = consumer.consume(max: 100) { _ in Issue.record("empty ring delivered an event") }
        #expect(third == 0)
    }

    @Test func wrapAroundManyLaps() {
        let ring = Ring<RingTestEvent>(capacity: 4)
        let producer = ring.producer
        let consumer = ring.consumer
        var next: UInt64 = 0
        var expected: UInt64 = 0
        for round in 0..<1_000 {
            let burst = round % 5
            for _ in 0..<burst where producer.push(RingTestEvent(next)) == .published { next += 1 }
            let take = round % 3 + 1
            _ = consumer.consume(max: take) { event in
                #expect(event.sequence == expected && event.isConsistent)
                expected += 1
            }
        }
        while let event = consumer.pop() {
            #expect(event.sequence == expected && event.isConsistent)
            expected += 1
        }
        #expect(expected == next)
        #expect(next > 1_000)
    }
}
